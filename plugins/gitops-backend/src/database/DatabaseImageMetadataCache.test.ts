import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseGitopsStore } from './DatabaseGitopsStore';
import { DatabaseImageMetadataCache } from './DatabaseImageMetadataCache';

jest.setTimeout(60_000);

describe('DatabaseImageMetadataCache', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'keeps tag metadata per registry image and updates a moved tag on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await DatabaseGitopsStore.create({ database: mockServices.database({ knex }) });
      const cache = new DatabaseImageMetadataCache(knex);

      await cache.putTags('docker.io', 'stefanprodan/podinfo', new Map([
        ['0.4.10', { digest: 'sha256:aaa', createdAt: '2026-11-01T10:00:00.000Z' }],
        ['dev-1', { digest: 'sha256:bbb' }],
      ]));
      await cache.putTags('ghcr.io', 'stefanprodan/podinfo', new Map([
        ['0.4.10', { digest: 'sha256:ccc' }],
      ]));
      // A tag that moved to another image.
      await cache.putTags('docker.io', 'stefanprodan/podinfo', new Map([
        ['dev-1', { digest: 'sha256:ddd', createdAt: '2026-11-02T10:00:00.000Z' }],
      ]));

      const found = await cache.getTags('docker.io', 'stefanprodan/podinfo', ['0.4.10', 'dev-1', 'unknown']);
      expect(Object.fromEntries(found)).toEqual({
        '0.4.10': { digest: 'sha256:aaa', createdAt: '2026-11-01T10:00:00.000Z' },
        'dev-1': { digest: 'sha256:ddd', createdAt: '2026-11-02T10:00:00.000Z' },
      });
      const many = Array.from({ length: 450 }, (_, i) => `t${i}`);
      await cache.putTags('docker.io', 'org/many', new Map(many.map(t => [t, { digest: `sha256:${t}` }])));
      expect((await cache.getTags('docker.io', 'org/many', many)).size).toBe(450);
    },
  );

  it.each(databases.eachSupportedId())(
    'stores image statuses beside releases, surviving a re-sync, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseGitopsStore.create({ database: mockServices.database({ knex }) });
      await store.ensureRepository({ id: 'config', url: 'file:///c.git', branch: 'main' });
      const release = {
        repository: 'config', environment: 'dev', namespace: 'dev', name: 'podinfo-dev',
        releaseName: 'podinfo-dev', apiVersion: 'helm.fluxcd.io/v1',
        chart: { type: 'git' as const, git: 'x', path: 'charts/podinfo' }, chartName: 'podinfo',
        labels: {}, annotations: {}, automated: true, locked: false,
        images: [{ container: 'chart-image', repository: 'stefanprodan/podinfo', tag: 'dev-1', policy: 'glob:dev-*', paths: {} }],
        sourcePath: 'releases/dev/podinfo.yaml', spec: {}, commit: 'c1', updatedAt: '2026-11-25T10:00:00.000Z',
      };
      const sync = { repositoryId: 'config', commit: 'c1', syncedAt: new Date(), full: true, replacedPaths: [], releases: [release], problems: [], events: [] };
      await store.applySync(sync);
      await store.recordImageStatuses([
        { repositoryId: 'config', environment: 'dev', namespace: 'dev', name: 'podinfo-dev', container: 'chart-image',
          status: { latestTag: 'dev-2', reason: 'newest', checkedAt: '2026-11-25T11:00:00.000Z' } },
      ]);
      await store.recordImageStatuses([
        { repositoryId: 'config', environment: 'dev', namespace: 'dev', name: 'podinfo-dev', container: 'chart-image',
          status: { error: 'registry down', checkedAt: '2026-11-25T12:00:00.000Z' } },
      ]);
      await store.applySync({ ...sync, commit: 'c2' });
      const stored = await store.getRelease({ environment: 'dev', namespace: 'dev', name: 'podinfo-dev' });
      expect(stored?.images[0].status).toEqual({ error: 'registry down', checkedAt: '2026-11-25T12:00:00.000Z' });
    },
  );
});
