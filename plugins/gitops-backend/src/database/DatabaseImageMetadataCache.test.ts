import { describeStores } from './__testUtils__/storeFixtures';
import { DatabaseImageMetadataCache } from './DatabaseImageMetadataCache';

describeStores('DatabaseImageMetadataCache', storeTest => {
  storeTest(
    'keeps tag metadata per registry image and updates a moved tag',
    async ({ knex }) => {
      const cache = new DatabaseImageMetadataCache(knex);

      await cache.putTags(
        'docker.io',
        'stefanprodan/podinfo',
        new Map([
          [
            '0.4.10',
            { digest: 'sha256:aaa', createdAt: '2026-11-01T10:00:00.000Z' },
          ],
          ['dev-1', { digest: 'sha256:bbb' }],
        ]),
      );
      await cache.putTags(
        'ghcr.io',
        'stefanprodan/podinfo',
        new Map([['0.4.10', { digest: 'sha256:ccc' }]]),
      );
      // A tag that moved to another image.
      await cache.putTags(
        'docker.io',
        'stefanprodan/podinfo',
        new Map([
          [
            'dev-1',
            { digest: 'sha256:ddd', createdAt: '2026-11-02T10:00:00.000Z' },
          ],
        ]),
      );

      const found = await cache.getTags('docker.io', 'stefanprodan/podinfo', [
        '0.4.10',
        'dev-1',
        'unknown',
      ]);
      expect(Object.fromEntries(found)).toEqual({
        '0.4.10': {
          digest: 'sha256:aaa',
          createdAt: '2026-11-01T10:00:00.000Z',
        },
        'dev-1': {
          digest: 'sha256:ddd',
          createdAt: '2026-11-02T10:00:00.000Z',
        },
      });
      const many = Array.from({ length: 450 }, (_, i) => `t${i}`);
      await cache.putTags(
        'docker.io',
        'org/many',
        new Map(many.map(t => [t, { digest: `sha256:${t}` }])),
      );
      expect((await cache.getTags('docker.io', 'org/many', many)).size).toBe(
        450,
      );
    },
  );

  storeTest(
    'forgets tags the registry no longer lists and images no scan listed for a week',
    async ({ knex }) => {
      let now = new Date('2026-11-01T00:00:00.000Z');
      const cache = new DatabaseImageMetadataCache(knex, { clock: () => now });
      const tags = (n: number, prefix = 't') =>
        new Map(
          Array.from({ length: n }, (_, i) => [
            `${prefix}${i}`,
            { digest: `sha256:${prefix}${i}` },
          ]),
        );
      await cache.putTags('r.example', 'org/kept', tags(600));
      await cache.putTags('r.example', 'org/unused', tags(5));
      // The registry now lists 3 of the 600 tags, and one new one.
      await cache.retainTags('r.example', 'org/kept', [
        't1',
        't2',
        't599',
        'new',
      ]);
      const count = async (repository: string) =>
        Number(
          (
            await knex('gitops_image_tags')
              .where({ repository })
              .count({ n: '*' })
          )[0].n,
        );
      expect(await count('org/kept')).toBe(3);
      expect([
        ...(
          await cache.getTags('r.example', 'org/kept', ['t1', 't3', 't599'])
        ).keys(),
      ]).toEqual(['t1', 't599']);

      // Eight days on, only org/kept is still scanned: org/unused goes.
      now = new Date('2026-11-09T00:00:00.000Z');
      await cache.retainTags('r.example', 'org/kept', ['t1', 't2', 't599']);
      expect(await count('org/kept')).toBe(3);
      expect(await count('org/unused')).toBe(0);
      // Within the hour after a prune, none runs: a week-old image stays until the next.
      await cache.putTags('r.example', 'org/later', tags(2));
      await knex('gitops_image_tags')
        .where({ repository: 'org/later' })
        .update({ seen_at: new Date('2026-10-01T00:00:00.000Z') });
      now = new Date('2026-11-09T00:30:00.000Z');
      await cache.retainTags('r.example', 'org/kept', ['t1', 't2', 't599']);
      expect(await count('org/later')).toBe(2);
      now = new Date('2026-11-09T01:00:00.000Z');
      await cache.retainTags('r.example', 'org/kept', ['t1']);
      expect(await count('org/later')).toBe(0);
      expect(await count('org/kept')).toBe(1);
    },
  );
});
