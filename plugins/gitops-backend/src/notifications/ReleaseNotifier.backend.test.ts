import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsBackend from '@backstage/plugin-notifications-backend';
import { DefaultNotificationService } from '@backstage/plugin-notifications-node';
import { GITOPS_ANNOTATION_RELEASE_SELECTOR } from '@backstage-gitops/plugin-gitops-common';
import { createMemoryStore } from '../__testUtils__/memoryStore';
import { chartRelease } from '../__testUtils__/releaseRecord';
import { EntityIndex } from '../signals';
import { promotionNotice } from './__testUtils__/promotionNotice';
import { ReleaseNotifier } from './ReleaseNotifier';

// The catalog as the notifications backend resolves recipients through it:
// podinfo is owned by a team whose members are guest and teammate; solo is
// owned by a team of guest alone.
const user = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { namespace: 'default', name },
  spec: {},
});
const team = (name: string, members: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { namespace: 'default', name },
  spec: { type: 'team', children: [] },
  relations: members.map(m => ({
    type: 'hasMember',
    targetRef: `user:default/${m}`,
  })),
});
const ownedComponent = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    namespace: 'default',
    name,
    annotations: { [GITOPS_ANNOTATION_RELEASE_SELECTOR]: `app=${name}` },
  },
  spec: { owner },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});
const ENTITIES = [
  user('guest'),
  user('teammate'),
  team('podinfo-team', ['guest', 'teammate']),
  team('solo-team', ['guest']),
  ownedComponent('podinfo', 'group:default/podinfo-team'),
  ownedComponent('solo', 'group:default/solo-team'),
];

const podinfo = chartRelease('stg', 'podinfo', { labels: { app: 'podinfo' } });
const solo = chartRelease('stg', 'solo', { labels: { app: 'solo' } });

describe('ReleaseNotifier with the notifications backend', () => {
  it('reaches the other owners, never the one who acted', async () => {
    const backend = await startTestBackend({
      features: [
        notificationsBackend,
        catalogServiceMock.factory({ entities: ENTITIES }),
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
      ],
    });
    const stores = await createMemoryStore();
    try {
      const baseUrl = `http://localhost:${backend.server.port()}/api/notifications`;
      await stores.syncStateStore.ensureRepository({
        id: 'config',
        url: 'file:///c.git',
        branch: 'main',
      });
      await stores.syncStateStore.applySync({
        repositoryId: 'config',
        commit: 'c0ffee',
        syncedAt: new Date(),
        full: true,
        replacedPaths: [],
        releases: [podinfo, solo],
        problems: [],
        events: [],
      });
      const auth = mockServices.auth({ pluginId: 'gitops' });
      const logger = mockServices.logger.mock();
      const notifier = new ReleaseNotifier({
        notifications: DefaultNotificationService.create({
          auth,
          discovery: {
            getBaseUrl: async () => baseUrl,
            getExternalBaseUrl: async () => baseUrl,
          },
        }),
        entities: new EntityIndex({
          catalog: catalogServiceMock({ entities: ENTITIES }),
          auth,
          logger,
        }),
        syncStateStore: stores.syncStateStore,
        logger,
      });
      const inbox = async (name: string) => {
        const response = await fetch(baseUrl, {
          headers: {
            Authorization: mockCredentials.user.header(`user:default/${name}`),
          },
        });
        expect(response.status).toBe(200);
        const body = await response.json();
        return body.notifications.map(
          (n: { payload: { title: string; link: string } }) =>
            `${n.payload.title} -> ${n.payload.link}`,
        );
      };

      notifier.notify([
        promotionNotice(podinfo, 'user:default/guest'),
        // guest is the only owner here: nobody hears of it.
        promotionNotice(solo, 'user:default/guest'),
      ]);
      await notifier.flush();

      expect(logger.warn).not.toHaveBeenCalled();
      expect(await inbox('teammate')).toEqual([
        'stg/podinfo-stg in stg promoted to stg-2 -> /catalog/default/component/podinfo',
      ]);
      expect(await inbox('guest')).toEqual([]);

      // The teammate's promotion reaches guest, and only guest.
      notifier.notify([promotionNotice(podinfo, 'user:default/teammate')]);
      await notifier.flush();
      expect(await inbox('guest')).toEqual([
        'stg/podinfo-stg in stg promoted to stg-2 -> /catalog/default/component/podinfo',
      ]);
      // Nor does the teammate hear of their own.
      expect(await inbox('teammate')).toHaveLength(1);

      // Same release, same kind of event: the notification's scope replaces
      // the teammate's earlier one instead of adding a second.
      notifier.notify([promotionNotice(podinfo, 'user:default/guest')]);
      await notifier.flush();
      expect(await inbox('teammate')).toHaveLength(1);
    } finally {
      await stores.knex.destroy();
      await backend.stop();
    }
  }, 60_000);
});
