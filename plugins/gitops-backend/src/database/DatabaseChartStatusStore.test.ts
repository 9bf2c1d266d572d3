import { describeStores } from './__testUtils__/storeFixtures';

const key = { environment: 'staging', namespace: 'podinfo', name: 'podinfo' };
const status = (fields: object) => ({
  source: 'https://charts.example.com',
  chart: 'podinfo',
  range: '6.x',
  checkedAt: '2026-12-01T10:00:00.000Z',
  ...fields,
});

describeStores('DatabaseChartStatusStore', storeTest => {
  storeTest(
    "replaces a repository's chart statuses with each scan's",
    async ({ chartStatusStore }) => {
      const other = {
        environment: 'production',
        namespace: 'podinfo',
        name: 'podinfo',
      };
      await chartStatusStore.replaceChartStatuses('config', [
        {
          repositoryId: 'config',
          ...key,
          status: status({ latestVersion: '6.6.0' }),
        },
        {
          repositoryId: 'config',
          ...other,
          status: status({ error: 'index unreachable' }),
        },
      ]);
      expect(await chartStatusStore.getChartStatuses([key, other])).toEqual(
        expect.arrayContaining([
          {
            repositoryId: 'config',
            ...key,
            status: status({ latestVersion: '6.6.0' }),
          },
          {
            repositoryId: 'config',
            ...other,
            status: status({ error: 'index unreachable' }),
          },
        ]),
      );

      // The next scan no longer reports production (its chart moved to git).
      await chartStatusStore.replaceChartStatuses('config', [
        {
          repositoryId: 'config',
          ...key,
          status: status({
            latestVersion: '6.7.0',
            range: undefined,
            checkedAt: '2026-12-01T11:00:00.000Z',
          }),
        },
      ]);
      expect(await chartStatusStore.getChartStatuses([key, other])).toEqual([
        {
          repositoryId: 'config',
          ...key,
          status: {
            source: 'https://charts.example.com',
            chart: 'podinfo',
            latestVersion: '6.7.0',
            checkedAt: '2026-12-01T11:00:00.000Z',
          },
        },
      ]);
    },
  );

  storeTest(
    'leaves the statuses of other repositories alone',
    async ({ chartStatusStore }) => {
      const other = { environment: 'dev', namespace: 'dev', name: 'redis' };
      await chartStatusStore.replaceChartStatuses('fleet', [
        {
          repositoryId: 'fleet',
          ...other,
          status: status({ latestVersion: '1.0.0' }),
        },
      ]);
      await chartStatusStore.replaceChartStatuses('config', []);
      expect(await chartStatusStore.getChartStatuses([other, key])).toEqual([
        {
          repositoryId: 'fleet',
          ...other,
          status: status({ latestVersion: '1.0.0' }),
        },
      ]);
    },
  );
});
