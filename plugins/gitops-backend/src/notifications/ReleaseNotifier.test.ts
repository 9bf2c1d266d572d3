import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import {
  GITOPS_ANNOTATION_HELM_CHART,
  GITOPS_ANNOTATION_RELEASE_SELECTOR,
} from '@backstage-gitops/plugin-gitops-common';
import { createMemoryStore } from '../__testUtils__/memoryStore';
import { chartRelease } from '../__testUtils__/releaseRecord';
import { GitopsStores } from '../database';
import { EntityIndex } from '../signals';
import { noticeOfEvent } from './releaseNotices';
import { promotionNotice } from './__testUtils__/promotionNotice';
import { entityPageLink, ReleaseNotifier } from './ReleaseNotifier';

const component = (
  name: string,
  annotations: Record<string, string>,
  namespace = 'default',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { namespace, name, annotations },
  spec: { owner: 'group:default/team' },
});

const podinfo = chartRelease('stg', 'podinfo', { labels: { app: 'podinfo' } });
const worker = chartRelease('stg', 'worker');
const orphan = chartRelease('stg', 'orphan');

const imageUpdated = (release = podinfo) =>
  noticeOfEvent({
    type: 'image-updated',
    repository: 'config',
    environment: release.environment,
    namespace: release.namespace,
    name: release.name,
    commit: 'abcdef0123',
    details: { image: 'stefanprodan/podinfo', from: 'stg-1', to: 'stg-2' },
    at: new Date(),
  })!;

describe('ReleaseNotifier', () => {
  let stores: GitopsStores & { knex: { destroy(): Promise<void> } };
  let send: jest.MockedFunction<NotificationService['send']>;
  let logger: ReturnType<typeof mockServices.logger.mock>;
  let notifier: ReleaseNotifier;

  beforeEach(async () => {
    stores = await createMemoryStore();
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
      releases: [podinfo, worker, orphan],
      problems: [],
      events: [],
    });
    send = jest.fn<Promise<void>, [NotificationSendOptions]>(
      async () => undefined,
    );
    logger = mockServices.logger.mock();
    notifier = new ReleaseNotifier({
      notifications: { send },
      entities: new EntityIndex({
        catalog: catalogServiceMock({
          entities: [
            component('podinfo', {
              [GITOPS_ANNOTATION_RELEASE_SELECTOR]: 'app=podinfo',
            }),
            // Two entities show the worker's release.
            component('worker', { [GITOPS_ANNOTATION_HELM_CHART]: 'worker' }),
            component(
              'worker-ops',
              { [GITOPS_ANNOTATION_HELM_CHART]: 'worker' },
              'ops',
            ),
          ],
        }),
        auth: mockServices.auth(),
        logger,
      }),
      syncStateStore: stores.syncStateStore,
      logger,
    });
  });

  afterEach(async () => {
    await stores.knex.destroy();
  });

  it('sends to the owners of the entity showing the release, leaving out who did it', async () => {
    notifier.notify([promotionNotice(podinfo, 'user:default/jane')]);
    await notifier.flush();
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith({
      recipients: {
        type: 'entity',
        entityRef: 'component:default/podinfo',
        excludeEntityRef: 'user:default/jane',
      },
      payload: {
        title: 'stg/podinfo-stg in stg promoted to stg-2',
        description:
          'user:default/jane promoted stefanprodan/podinfo:stg-2 to stg in commit abcdef0.',
        link: '/catalog/default/component/podinfo',
        severity: 'normal',
        topic: 'gitops.promotion',
        scope: 'gitops:promotion:stg/stg/podinfo-stg',
      },
    });
  });

  it('excludes nobody from what automation did', async () => {
    notifier.notify([imageUpdated()]);
    await notifier.flush();
    expect(send.mock.calls[0][0].recipients).toEqual({
      type: 'entity',
      entityRef: 'component:default/podinfo',
    });
  });

  it('sends once per entity showing the release, each with its own page', async () => {
    notifier.notify([imageUpdated(worker)]);
    await notifier.flush();
    expect(
      send.mock.calls.map(([options]) => [
        options.recipients.type === 'entity' && options.recipients.entityRef,
        options.payload.link,
      ]),
    ).toEqual([
      ['component:default/worker', '/catalog/default/component/worker'],
      ['component:ops/worker-ops', '/catalog/ops/component/worker-ops'],
    ]);
  });

  it('sends nothing for a release no entity shows, or one no longer stored', async () => {
    notifier.notify([
      imageUpdated(orphan),
      imageUpdated(chartRelease('stg', 'gone')),
    ]);
    await notifier.flush();
    expect(send).not.toHaveBeenCalled();
  });

  it('logs a failed send and goes on with the next entity and notice', async () => {
    send.mockRejectedValueOnce(new Error('notifications backend down'));
    notifier.notify([imageUpdated(worker)]);
    notifier.notify([promotionNotice(podinfo, 'user:default/jane')]);
    await notifier.flush();
    expect(send).toHaveBeenCalledTimes(3);
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not send a gitops notification',
      expect.objectContaining({
        entity: 'component:default/worker',
        error: expect.stringContaining('notifications backend down'),
      }),
    );
  });

  it('logs a failed catalog read and never throws', async () => {
    const failing = new ReleaseNotifier({
      notifications: { send },
      entities: {
        entitiesShowing: async () => {
          throw new Error('catalog down');
        },
      },
      syncStateStore: stores.syncStateStore,
      logger,
    });
    expect(() => failing.notify([imageUpdated()])).not.toThrow();
    await failing.flush();
    expect(send).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not send a gitops notification',
      expect.objectContaining({
        error: expect.stringContaining('catalog down'),
      }),
    );
  });

  it('drops what exceeds its queue, and everything once closed', async () => {
    const small = new ReleaseNotifier({
      notifications: { send },
      entities: {
        entitiesShowing: async () => new Set(['component:default/podinfo']),
      },
      syncStateStore: stores.syncStateStore,
      logger,
      maxQueued: 2,
    });
    small.notify([imageUpdated(), imageUpdated(), imageUpdated()]);
    await small.flush();
    expect(send).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledWith(
      'Dropped gitops notifications: too many at once',
      { dropped: 1 },
    );
    small.close();
    small.notify([imageUpdated()]);
    await small.flush();
    expect(send).toHaveBeenCalledTimes(2);
  });
});

describe('entityPageLink', () => {
  it('is the catalog route of the entity', () => {
    expect(entityPageLink('component:default/podinfo')).toBe(
      '/catalog/default/component/podinfo',
    );
    expect(entityPageLink('Component:Team-A/My Service')).toBe(
      '/catalog/Team-A/component/My%20Service',
    );
  });
});
