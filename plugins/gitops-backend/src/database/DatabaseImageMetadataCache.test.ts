import { describeStores } from './__testUtils__/storeFixtures';
import { DatabaseImageMetadataCache } from './DatabaseImageMetadataCache';

describeStores('DatabaseImageMetadataCache', storeTest => {
  storeTest(
    'keeps tag metadata per registry image and updates a moved tag',
    async ({ knex }) => {
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
});
