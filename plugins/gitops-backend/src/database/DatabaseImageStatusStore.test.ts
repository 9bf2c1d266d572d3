import { describeStores, release, sync } from './__testUtils__/storeFixtures';

describeStores('DatabaseImageStatusStore', storeTest => {
  storeTest(
    'replaces the status of each release image and shows it on the release',
    async ({ syncStateStore, imageStatusStore }) => {
      const two = release('dev', 'podinfo', {
        images: [
          {
            container: 'chart-image',
            repository: 'stefanprodan/podinfo',
            tag: 'dev-1',
            paths: {},
          },
          {
            container: 'sidecar',
            repository: 'org/sidecar',
            tag: '1.0.0',
            paths: {},
          },
        ],
      });
      await syncStateStore.applySync(
        sync({ releases: [two, release('prod', 'podinfo')] }),
      );
      const key = { environment: 'dev', namespace: 'dev', name: 'podinfo' };
      const of = (container: string, status: object) => ({
        ...key,
        repositoryId: 'config',
        container,
        status: { checkedAt: '2026-11-25T10:00:00.000Z', ...status },
      });
      await imageStatusStore.recordImageStatuses([]);
      await imageStatusStore.recordImageStatuses([
        of('chart-image', {
          latestTag: 'dev-2',
          latestCreatedAt: '2026-11-25T09:00:00.000Z',
        }),
        of('sidecar', { error: 'registry unreachable' }),
      ]);
      // A later scan replaces one image's status and leaves the other's.
      await imageStatusStore.recordImageStatuses([
        of('chart-image', {
          latestTag: 'dev-3',
          reason: 'locked',
          checkedAt: '2026-11-25T11:00:00.000Z',
        }),
      ]);

      const images = (await syncStateStore.getRelease(key))!.images;
      expect(images.map(i => [i.container, i.status])).toEqual([
        [
          'chart-image',
          {
            latestTag: 'dev-3',
            reason: 'locked',
            checkedAt: '2026-11-25T11:00:00.000Z',
          },
        ],
        [
          'sidecar',
          {
            error: 'registry unreachable',
            checkedAt: '2026-11-25T10:00:00.000Z',
          },
        ],
      ]);
      // An image no scan has seen carries no status at all.
      const prod = await syncStateStore.getRelease({
        environment: 'prod',
        namespace: 'prod',
        name: 'podinfo',
      });
      expect(prod!.images[0]).not.toHaveProperty('status');
    },
  );

  storeTest(
    'keeps what a Flux ImagePolicy says of a marked image, and who automates it',
    async ({ syncStateStore, imageStatusStore }) => {
      await syncStateStore.applySync(
        sync({ releases: [release('dev', 'podinfo')] }),
      );
      const key = { environment: 'dev', namespace: 'dev', name: 'podinfo' };
      const container = (await syncStateStore.getRelease(key))!.images[0]
        .container;
      const flux = {
        latestTag: '6.5.1-rc.1',
        reason: 'highest version in range',
        checkedAt: '2026-11-25T10:00:00.000Z',
        imagePolicy: 'flux-system/podinfo-staging',
        policy: 'semver:>=6.0.0-0 <7.0.0',
        automation: 'backstage' as const,
      };
      await imageStatusStore.recordImageStatuses([
        { ...key, repositoryId: 'config', container, status: flux },
      ]);
      expect((await syncStateStore.getRelease(key))!.images[0].status).toEqual(
        flux,
      );

      const problem = {
        checkedAt: '2026-11-25T11:00:00.000Z',
        imagePolicy: 'flux-system/gone',
        automation: 'flux' as const,
        problem: 'no ImagePolicy flux-system/gone in the repository',
      };
      await imageStatusStore.recordImageStatuses([
        { ...key, repositoryId: 'config', container, status: problem },
      ]);
      expect((await syncStateStore.getRelease(key))!.images[0].status).toEqual(
        problem,
      );
    },
  );

  storeTest(
    'stores image statuses beside releases, surviving a re-sync',
    async ({ syncStateStore, imageStatusStore }) => {
      const podinfo = {
        repository: 'config',
        environment: 'dev',
        namespace: 'dev',
        name: 'podinfo-dev',
        releaseName: 'podinfo-dev',
        apiVersion: 'helm.fluxcd.io/v1',
        chart: { type: 'git' as const, git: 'x', path: 'charts/podinfo' },
        chartName: 'podinfo',
        labels: {},
        annotations: {},
        automated: true,
        locked: false,
        images: [
          {
            container: 'chart-image',
            repository: 'stefanprodan/podinfo',
            tag: 'dev-1',
            policy: 'glob:dev-*',
            paths: {},
          },
        ],
        sourcePath: 'releases/dev/podinfo.yaml',
        spec: {},
        commit: 'c1',
        updatedAt: '2026-11-25T10:00:00.000Z',
      };
      const firstSync = {
        repositoryId: 'config',
        commit: 'c1',
        syncedAt: new Date(),
        full: true,
        replacedPaths: [],
        releases: [podinfo],
        problems: [],
        events: [],
      };
      await syncStateStore.applySync(firstSync);
      await imageStatusStore.recordImageStatuses([
        {
          repositoryId: 'config',
          environment: 'dev',
          namespace: 'dev',
          name: 'podinfo-dev',
          container: 'chart-image',
          status: {
            latestTag: 'dev-2',
            reason: 'newest',
            checkedAt: '2026-11-25T11:00:00.000Z',
          },
        },
      ]);
      await imageStatusStore.recordImageStatuses([
        {
          repositoryId: 'config',
          environment: 'dev',
          namespace: 'dev',
          name: 'podinfo-dev',
          container: 'chart-image',
          status: {
            error: 'registry down',
            checkedAt: '2026-11-25T12:00:00.000Z',
          },
        },
      ]);
      await syncStateStore.applySync({ ...firstSync, commit: 'c2' });
      const stored = await syncStateStore.getRelease({
        environment: 'dev',
        namespace: 'dev',
        name: 'podinfo-dev',
      });
      expect(stored?.images[0].status).toEqual({
        error: 'registry down',
        checkedAt: '2026-11-25T12:00:00.000Z',
      });
    },
  );
});
