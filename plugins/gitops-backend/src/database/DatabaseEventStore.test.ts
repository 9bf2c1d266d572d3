import { describeStores } from './__testUtils__/storeFixtures';

describeStores('DatabaseEventStore', storeTest => {
  storeTest(
    'lists events of releases and repositories, newest first',
    async ({ eventStore }) => {
      await eventStore.addEvents([
        {
          type: 'synced',
          repository: 'config',
          commit: 'c1',
          at: new Date('2026-11-25T10:00:00Z'),
        },
        {
          type: 'release-updated',
          repository: 'config',
          environment: 'dev',
          namespace: 'dev',
          name: 'podinfo',
          details: { to: 'x' },
          at: new Date('2026-11-25T10:01:00Z'),
        },
        {
          type: 'release-updated',
          repository: 'config',
          environment: 'dev',
          namespace: 'dev',
          name: 'other',
          at: new Date('2026-11-25T10:02:00Z'),
        },
        {
          type: 'sync-requested',
          repository: 'elsewhere',
          actor: 'user:default/a',
          at: new Date('2026-11-25T10:03:00Z'),
        },
      ]);
      const events = await eventStore.listEvents({
        releases: [{ environment: 'dev', namespace: 'dev', name: 'podinfo' }],
        repositoryIds: ['config'],
        limit: 10,
      });
      expect(events.map(e => `${e.type}:${e.name ?? e.repository}`)).toEqual([
        'release-updated:podinfo',
        'synced:config',
      ]);
      expect(events[0].details).toEqual({ to: 'x' });
    },
  );

  storeTest(
    'pages on (time, id): the next page starts after the last event shown, also among events of the same time',
    async ({ eventStore }) => {
      const at = (minute: number) =>
        new Date(Date.UTC(2026, 10, 25, 10, minute));
      const key = { environment: 'dev', namespace: 'dev', name: 'podinfo' };
      await eventStore.addEvents([
        { type: 'release-added', ...key, at: at(0) },
        { type: 'locked', ...key, at: at(1) },
        { type: 'unlocked', ...key, at: at(1) },
        { type: 'promoted', ...key, at: at(1) },
        { type: 'release-state', ...key, at: at(2) },
      ]);
      const query = { releases: [key], repositoryIds: [], limit: 2 };
      const pages: string[][] = [];
      let before;
      for (let page = 0; page < 4; page++) {
        const events = await eventStore.listEvents({ ...query, before });
        pages.push(events.map(e => e.type));
        const last = events[events.length - 1];
        if (!last) break;
        before = { at: new Date(last.at), id: last.id };
      }
      expect(pages).toEqual([
        ['release-state', 'promoted'],
        ['unlocked', 'locked'],
        ['release-added'],
        [],
      ]);
    },
  );
});
