import {
  describeStores,
  reconcile,
  status,
} from '../database/__testUtils__/storeFixtures';
import { NewEvent } from '../database';
import { notifyingStores, NoticeSink } from './notifyingStores';
import { ReleaseNotice } from './releaseNotices';

/** A sink that keeps what it is told. */
function recordingSink() {
  const notices: ReleaseNotice[] = [];
  const sink: NoticeSink = { notify: told => notices.push(...told) };
  /** The titles told since the last call. */
  const told = () => notices.splice(0).map(n => n.title);
  return { sink, told };
}

const dev = { environment: 'dev', namespace: 'dev', name: 'podinfo' };

describeStores('notifying stores', storeTest => {
  storeTest(
    'tell a release turning Failed once per transition, from the stored state, across restarts',
    async stores => {
      const first = recordingSink();
      const { clusterStateStore } = notifyingStores(stores, first.sink);
      const write = (state: 'Synced' | 'Failed', reason: string = state) =>
        clusterStateStore.applyReconcile(
          reconcile({
            statuses: [status('dev', 'podinfo', { state, reason })],
          }),
        );

      await write('Synced');
      expect(first.told()).toEqual([]);
      await write('Failed', 'upgrade timed out');
      expect(first.told()).toEqual(['dev/podinfo in dev failed']);
      // Still Failed, for another reason: the status is written, nobody is told.
      await write('Failed', 'upgrade timed out again');
      expect(first.told()).toEqual([]);
      expect(
        (await stores.clusterStateStore.getReleaseStatuses([dev]))[0].reason,
      ).toBe('upgrade timed out again');

      // A restarted backend knows only what is stored: still Failed, still quiet.
      const restarted = recordingSink();
      const again = notifyingStores(stores, restarted.sink).clusterStateStore;
      await again.applyReconcile(
        reconcile({
          statuses: [
            status('dev', 'podinfo', { state: 'Failed', reason: 'x' }),
          ],
        }),
      );
      expect(restarted.told()).toEqual([]);

      // Recovered, then failed anew: told again.
      await again.applyReconcile(
        reconcile({
          statuses: [status('dev', 'podinfo', { state: 'Synced' })],
        }),
      );
      await again.applyReconcile(
        reconcile({
          statuses: [status('dev', 'podinfo', { state: 'Progressing' })],
        }),
      );
      await again.applyReconcile(
        reconcile({
          statuses: [status('dev', 'podinfo', { state: 'Failed' })],
        }),
      );
      expect(restarted.told()).toEqual(['dev/podinfo in dev failed']);
    },
  );

  storeTest(
    'tell Drifted and Missing once they last, after another state, not on first sight',
    async stores => {
      const { sink, told } = recordingSink();
      const settleMs = 50;
      const { clusterStateStore } = notifyingStores(stores, sink, {
        settleMs,
      });
      const settled = () => new Promise(r => setTimeout(r, settleMs * 4));
      const write = (...statuses: ReturnType<typeof status>[]) =>
        clusterStateStore.applyReconcile(reconcile({ statuses }));

      await write(
        status('dev', 'fresh', { state: 'Missing' }),
        status('dev', 'podinfo'),
      );
      await settled();
      expect(told()).toEqual([]);

      await write(
        status('dev', 'fresh', { state: 'Synced' }),
        status('dev', 'podinfo', { state: 'Drifted' }),
      );
      // Not at once: git may only be ahead of the cluster for a moment.
      expect(told()).toEqual([]);
      await settled();
      expect(told()).toEqual(['dev/podinfo in dev drifted from git']);

      // Missing for a moment, Synced again before it settles: nobody is told.
      await write(status('dev', 'podinfo', { state: 'Missing' }));
      await write(status('dev', 'podinfo', { state: 'Synced' }));
      await settled();
      expect(told()).toEqual([]);

      await write(status('dev', 'podinfo', { state: 'Missing' }));
      await settled();
      expect(told()).toEqual([
        'dev/podinfo in dev is missing from its cluster',
      ]);
    },
  );

  storeTest(
    'tell the actions and automation events once stored, and never fail the write',
    async stores => {
      const { sink, told } = recordingSink();
      const { eventStore } = notifyingStores(stores, sink);
      const at = new Date('2026-11-30T10:00:00Z');
      const events: NewEvent[] = [
        { type: 'synced', repository: 'config', commit: 'c2', at },
        {
          type: 'promoted',
          repository: 'config',
          ...dev,
          commit: 'c2',
          actor: 'user:default/jane',
          details: { image: 'podinfo', tag: 'dev-2' },
          at,
        },
        {
          type: 'image-updated',
          repository: 'config',
          ...dev,
          commit: 'c3',
          details: { image: 'podinfo', from: 'dev-2', to: 'dev-3' },
          at,
        },
      ];
      await eventStore.addEvents(events);
      expect(told()).toEqual([
        'dev/podinfo in dev promoted to dev-2',
        'dev/podinfo in dev updated to dev-3',
      ]);
      const stored = await eventStore.listEvents({
        releases: [dev],
        repositoryIds: ['config'],
        limit: 10,
      });
      expect(stored.map(e => e.type).sort()).toEqual([
        'image-updated',
        'promoted',
        'synced',
      ]);

      // A sink that throws loses its notices, not the write.
      const broken = notifyingStores(stores, {
        notify: () => {
          throw new Error('boom');
        },
      });
      await expect(
        broken.eventStore.addEvents(events),
      ).resolves.toBeUndefined();
      await expect(
        broken.clusterStateStore.applyReconcile(
          reconcile({
            statuses: [status('dev', 'podinfo', { state: 'Failed' })],
          }),
        ),
      ).resolves.toBeUndefined();
      expect(
        (await stores.clusterStateStore.getReleaseStatuses([dev]))[0].state,
      ).toBe('Failed');
    },
  );
});
