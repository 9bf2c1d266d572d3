import { describeStores } from './__testUtils__/storeFixtures';

describeStores('DatabaseEventStore', storeTest => {
  storeTest(
    'lists events of releases and repositories, newest first',
    async ({ eventStore }) => {
      await eventStore.addEvents([
        { type: 'synced', repository: 'config', commit: 'c1', at: new Date('2026-11-25T10:00:00Z') },
        { type: 'release-updated', repository: 'config', environment: 'dev', namespace: 'dev', name: 'podinfo', details: { to: 'x' }, at: new Date('2026-11-25T10:01:00Z') },
        { type: 'release-updated', repository: 'config', environment: 'dev', namespace: 'dev', name: 'other', at: new Date('2026-11-25T10:02:00Z') },
        { type: 'sync-requested', repository: 'elsewhere', actor: 'user:default/a', at: new Date('2026-11-25T10:03:00Z') },
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
});
