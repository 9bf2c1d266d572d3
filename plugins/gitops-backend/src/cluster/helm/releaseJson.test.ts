import { parseReleaseJson, ReleaseJsonError } from './releaseJson';
import { goJson, helmReleaseObject } from './__testUtils__/helmSecretFixtures';

describe('parseReleaseJson', () => {
  it('reads what helm history shows, times in UTC', () => {
    const json = goJson(
      helmReleaseObject({
        name: 'podinfo-dev',
        namespace: 'dev',
        version: 3,
        status: 'deployed',
        chartVersion: '0.2.1',
        appVersion: '3.1.0',
        description: 'Upgrade complete',
        firstDeployed: '2020-03-11T10:42:31.419276+01:00',
        lastDeployed: '2020-03-11T11:05:47.901234567+01:00',
        config: { replicaCount: 1 },
      }),
    );
    expect(parseReleaseJson(json, {})).toEqual({
      name: 'podinfo-dev',
      namespace: 'dev',
      revision: 3,
      status: 'deployed',
      chartName: 'podinfo',
      chartVersion: '0.2.1',
      appVersion: '3.1.0',
      description: 'Upgrade complete',
      firstDeployed: '2020-03-11T09:42:31.419Z',
      lastDeployed: '2020-03-11T10:05:47.901Z',
      values: { replicaCount: 1 },
    });
  });

  it('treats an omitted config as no values and Go zero times as absent', () => {
    const json = JSON.stringify({
      name: 'sealed-secrets',
      namespace: 'kube-system',
      version: 1,
      info: {
        status: 'deployed',
        first_deployed: '0001-01-01T00:00:00Z',
        last_deployed: '2020-03-11T10:00:00Z',
      },
    });
    const revision = parseReleaseJson(json, {});
    expect(revision.values).toEqual({});
    expect(revision.firstDeployed).toBeUndefined();
    expect(revision.lastDeployed).toBe('2020-03-11T10:00:00.000Z');
    expect(revision).not.toHaveProperty('chartName');
  });

  it("fills gaps from the Secret's labels and namespace", () => {
    const json = JSON.stringify({ info: {}, config: null });
    expect(
      parseReleaseJson(json, {
        namespace: 'stg',
        labels: {
          name: 'podinfo-stg',
          version: '7',
          status: 'failed',
          owner: 'helm',
        },
      }),
    ).toEqual({
      name: 'podinfo-stg',
      namespace: 'stg',
      revision: 7,
      status: 'failed',
      values: {},
    });
  });

  it('drops the values of a superseded or uninstalled revision: nothing compares them', () => {
    for (const status of ['superseded', 'uninstalled']) {
      const json = JSON.stringify({
        name: 'db',
        namespace: 'prod',
        version: 2,
        info: { status },
        config: { password: 'hunter2' },
      });
      const revision = parseReleaseJson(json, {});
      expect(revision).not.toHaveProperty('values');
      expect(JSON.stringify(revision)).not.toContain('hunter2');
    }
  });

  it('calls a status it does not know unknown', () => {
    const json = JSON.stringify({
      name: 'a',
      namespace: 'b',
      version: 1,
      info: { status: 'exploded' },
    });
    expect(parseReleaseJson(json, {}).status).toBe('unknown');
  });

  it.each([
    [
      '{"name": "db", "config": {"password": "hunter2"',
      'does not hold valid JSON',
    ],
    ['["hunter2"]', 'does not hold a JSON object'],
    ['{"namespace":"dev","version":1}', 'has no release name'],
    ['{"name":"db","version":1}', 'has no namespace'],
    ['{"name":"db","namespace":"dev"}', 'has no revision number'],
    ['{"name":"db","namespace":"dev","version":0}', 'has no revision number'],
    [
      '{"name":"db","namespace":"dev","version":1,"config":"hunter2"}',
      'has a config that is not a mapping',
    ],
  ])('rejects %s without quoting it', (json, message) => {
    let thrown: unknown;
    try {
      parseReleaseJson(json, {});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ReleaseJsonError);
    expect((thrown as Error).message).toBe(message);
  });
});
