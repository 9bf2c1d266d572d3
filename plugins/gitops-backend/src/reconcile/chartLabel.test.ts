import { chartLabel } from './chartLabel';

describe('chartLabel', () => {
  const base = {
    name: 'a',
    namespace: 'b',
    revision: 1,
    status: 'deployed' as const,
    values: {},
  };

  it('prints name-version as helm history does', () => {
    expect(
      chartLabel({ ...base, chartName: 'podinfo', chartVersion: '0.2.1' }),
    ).toBe('podinfo-0.2.1');
  });

  it('makes do with what is known', () => {
    expect(chartLabel({ ...base, chartName: 'podinfo' })).toBe('podinfo');
    expect(chartLabel({ ...base, chartVersion: '0.2.1' })).toBe('0.2.1');
    expect(chartLabel(base)).toBe('an unknown chart');
  });
});
