import { describeDifferences } from './describeDifferences';

const none = { chart: [], values: [], spec: [] };

describe('describeDifferences', () => {
  it('says which chart version runs and which git wants', () => {
    expect(
      describeDifferences({
        ...none,
        chart: [{ path: 'chart.version', desired: '0.2.1', live: '0.2.0' }],
      }),
    ).toBe('chart version 0.2.0 deployed, git says 0.2.1');
    expect(
      describeDifferences({
        ...none,
        chart: [{ path: 'chart.version', desired: '7.x', live: '6.5.4' }],
      }),
    ).toBe('chart version 6.5.4 deployed, git asks for 7.x');
  });

  it('spells out the first values difference and counts the rest', () => {
    expect(
      describeDifferences({
        ...none,
        values: [{ path: 'values.replicaCount', desired: 2, live: 1 }],
      }),
    ).toBe('values differ at replicaCount: 1 in cluster, 2 in git');
    expect(
      describeDifferences({
        ...none,
        values: [
          { path: 'values.image.pullPolicy', desired: 'Always' },
          { path: 'values.replicaCount', desired: 2, live: 1 },
        ],
      }),
    ).toBe(
      'values differ at image.pullPolicy: absent in cluster, "Always" in git (and 1 more)',
    );
  });

  it('names spec differences by their full path, after the others', () => {
    expect(
      describeDifferences({
        chart: [{ path: 'chart.version', desired: '0.2.1', live: '0.2.0' }],
        values: [],
        spec: [{ path: 'spec.chart.ref', desired: 'master', live: 'dev' }],
      }),
    ).toBe(
      'chart version 0.2.0 deployed, git says 0.2.1; HelmRelease in cluster differs at spec.chart.ref: "dev" in cluster, "master" in git',
    );
  });

  it('says why values are not shown, and never shows them', () => {
    expect(
      describeDifferences({
        ...none,
        values: [
          {
            path: 'values.auth.token',
            withheld: { sides: ['desired', 'live'], reason: 'secret-name' },
          },
        ],
      }),
    ).toBe(
      'values differ at auth.token (values not shown: named like a secret)',
    );
    expect(
      describeDifferences({
        ...none,
        values: [
          {
            path: 'values.db.url',
            desired: 'placeholder',
            live: 'postgres://app:hunter2@db',
            withheld: { sides: ['live'], reason: 'values-from' },
          },
          { path: 'values.replicaCount', desired: 2, live: 1 },
        ],
      }),
    ).toBe(
      'values differ at db.url: not shown (valuesFrom may fill it) in cluster, "placeholder" in git (and 1 more)',
    );
  });

  it('shortens long values', () => {
    const text = describeDifferences({
      ...none,
      values: [{ path: 'values.config', desired: 'x'.repeat(200), live: 'y' }],
    });
    expect(text).toContain(`"${'x'.repeat(58)}…`);
    expect(text.length).toBeLessThan(120);
  });
});
