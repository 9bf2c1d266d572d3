import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { NewEvent } from '../database';
import {
  describeStores,
  openTestStores,
  release,
} from '../database/__testUtils__/storeFixtures';
import { chartRelease, storeFirstSync } from '../__testUtils__/releaseRecord';
import { ReleaseService } from './ReleaseService';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'podinfo',
    namespace: 'default',
    annotations: { 'gitops.backstage.io/helm-chart': 'podinfo' },
  },
  spec: { type: 'service', owner: 'team', lifecycle: 'production' },
};
const ENTITY = 'component:default/podinfo';
const at = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute));
const of = (environment: string) => ({
  repository: 'config',
  environment,
  namespace: environment,
  name: 'podinfo',
});

type Stores = Awaited<ReturnType<typeof openTestStores>>;

function serviceOver(stores: Stores) {
  return new ReleaseService({
    syncStateStore: stores.syncStateStore,
    clusterStateStore: stores.clusterStateStore,
    eventStore: stores.eventStore,
    catalog: catalogServiceMock({ entities: [entity] }),
    permissions: mockServices.permissions(),
  });
}

/** dev and prod podinfo (prod locked by jane), with a story of events. */
async function seed(stores: Stores) {
  await storeFirstSync(stores.syncStateStore, [
    release('dev', 'podinfo'),
    release('prod', 'podinfo', {
      locked: true,
      annotations: {
        'fluxcd.io/automated': 'true',
        'fluxcd.io/locked': 'true',
        'fluxcd.io/locked_user': 'user:default/jane',
        'fluxcd.io/locked_msg': 'Incident 42: hold prod',
      },
    }),
    chartRelease('dev', 'other'),
  ]);
  const events: NewEvent[] = [
    {
      type: 'synced',
      repository: 'config',
      commit: 'c1',
      author: 'Jane',
      at: at(0),
    },
    {
      type: 'release-updated',
      ...of('dev'),
      commit: 'c1',
      author: 'Backstage GitOps',
      at: at(1),
    },
    {
      type: 'promoted',
      ...of('prod'),
      commit: 'c2',
      actor: 'user:default/jane',
      at: at(2),
    },
    {
      type: 'locked',
      ...of('prod'),
      commit: 'c3',
      actor: 'user:default/jane',
      at: at(3),
    },
    {
      type: 'release-state',
      ...of('dev'),
      details: { to: 'Synced' },
      at: at(4),
    },
    { type: 'release-updated', ...of('dev'), name: 'other-dev', at: at(5) },
  ];
  await stores.eventStore.addEvents(events);
}

describeStores('ReleaseService, events and locks', storeTest => {
  storeTest(
    'lists the entity events newest first, in one environment or of its releases only',
    async stores => {
      await seed(stores);
      const service = serviceOver(stores);
      const user = mockCredentials.user();
      const types = async (
        query: Parameters<ReleaseService['listEvents']>[2],
      ) =>
        (await service.listEvents(ENTITY, user, query)).items.map(
          e => `${e.type}${e.environment ? `@${e.environment}` : ''}`,
        );

      expect(await types({})).toEqual([
        'release-state@dev',
        'locked@prod',
        'promoted@prod',
        'release-updated@dev',
        'synced',
      ]);
      expect(await types({ scope: 'releases' })).toEqual([
        'release-state@dev',
        'locked@prod',
        'promoted@prod',
        'release-updated@dev',
      ]);
      expect(await types({ environment: 'prod' })).toEqual([
        'locked@prod',
        'promoted@prod',
      ]);
      expect(await types({ environment: 'stg' })).toEqual([]);
    },
  );

  storeTest(
    'pages through the events with next, bounded by the largest page',
    async stores => {
      await seed(stores);
      const service = serviceOver(stores);
      const user = mockCredentials.user();
      const first = await service.listEvents(ENTITY, user, {
        scope: 'releases',
        limit: 3,
      });
      expect(first.items.map(e => e.type)).toEqual([
        'release-state',
        'locked',
        'promoted',
      ]);
      expect(first.next).toEqual(expect.any(String));
      const second = await service.listEvents(ENTITY, user, {
        scope: 'releases',
        limit: 3,
        before: first.next,
      });
      expect(second.items.map(e => e.type)).toEqual(['release-updated']);
      expect(second.next).toBeUndefined();

      const many: NewEvent[] = Array.from({ length: 250 }, (_, i) => ({
        type: 'release-state',
        ...of('dev'),
        at: new Date(at(10).getTime() + i * 1000),
      }));
      await stores.eventStore.addEvents(many);
      const bounded = await service.listEvents(ENTITY, user, { limit: 1000 });
      expect(bounded.items).toHaveLength(200);
      expect(bounded.next).toBeDefined();
      expect((await service.listEvents(ENTITY, user)).items).toHaveLength(100);
      await expect(
        service.listEvents(ENTITY, user, { before: 'yesterday' }),
      ).rejects.toMatchObject({
        name: 'InputError',
      });
    },
  );

  storeTest(
    'serves who locked a locked release and why, and nothing of a lock on an unlocked one',
    async stores => {
      await seed(stores);
      // A file may keep locked_user after its lock flag is gone; only a lock is shown.
      await storeFirstSync(stores.syncStateStore, [
        release('dev', 'podinfo', {
          annotations: {
            'fluxcd.io/locked_user': 'someone',
            'fluxcd.io/locked_msg': 'old',
          },
        }),
        release('prod', 'podinfo', {
          locked: true,
          annotations: {
            'flux.weave.works/locked': 'true',
            'flux.weave.works/locked_user': 'Jane <jane@example.com>',
            'flux.weave.works/locked_msg': 'Incident 42: hold prod',
          },
        }),
      ]);
      const service = serviceOver(stores);
      const { items } = await service.listReleases(
        ENTITY,
        mockCredentials.user(),
      );
      const byEnvironment = Object.fromEntries(
        items.map(r => [r.environment, r]),
      );
      expect(byEnvironment.prod).toMatchObject({
        locked: true,
        lockedBy: 'Jane <jane@example.com>',
        lockedMessage: 'Incident 42: hold prod',
      });
      expect(byEnvironment.dev.locked).toBe(false);
      expect(byEnvironment.dev).not.toHaveProperty('lockedBy');
      expect(byEnvironment.dev).not.toHaveProperty('lockedMessage');
      const detail = await service.getRelease(
        { environment: 'prod', namespace: 'prod', name: 'podinfo' },
        mockCredentials.user(),
      );
      expect(detail.lockedBy).toBe('Jane <jane@example.com>');
    },
  );
});
