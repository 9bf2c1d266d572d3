import { mockServices } from '@backstage/backend-test-utils';
import { createMemoryStore } from '../__testUtils__/memoryStore';
import { chartRelease } from '../__testUtils__/releaseRecord';
import { withReleaseNotifications } from './releaseNotifications';

describe('withReleaseNotifications', () => {
  let stores: Awaited<ReturnType<typeof createMemoryStore>>;
  const send = jest.fn(async () => undefined);
  const shutdownHooks: Array<() => void | Promise<void>> = [];

  const wrap = (options: { enabled?: boolean; installed: string[] }) =>
    withReleaseNotifications(stores, {
      config: mockServices.rootConfig({
        data:
          options.enabled === undefined
            ? {}
            : { gitops: { notifications: { enabled: options.enabled } } },
      }),
      logger: mockServices.logger.mock(),
      lifecycle: {
        addShutdownHook: hook => {
          shutdownHooks.push(hook);
        },
        addStartupHook: () => undefined,
      },
      notifications: { send },
      instanceMetadata: {
        getId: () => 'test',
        getInstalledPlugins: async () =>
          options.installed.map(pluginId => ({ pluginId, modules: [] })),
      },
      entities: {
        entitiesShowing: async () => new Set(['component:default/podinfo']),
      },
    });

  const release = chartRelease('dev', 'podinfo');
  const promote = (s: typeof stores) =>
    s.eventStore.addEvents([
      {
        type: 'promoted',
        repository: 'config',
        environment: release.environment,
        namespace: release.namespace,
        name: release.name,
        actor: 'user:default/jane',
        at: new Date(),
      },
    ]);

  beforeEach(async () => {
    stores = await createMemoryStore();
    send.mockClear();
    shutdownHooks.length = 0;
    await stores.syncStateStore.ensureRepository({
      id: 'config',
      url: 'file:///c.git',
      branch: 'main',
    });
  });

  afterEach(async () => {
    await stores.knex.destroy();
  });

  it('sends by default when the notifications backend runs here', async () => {
    const wrapped = await wrap({ installed: ['gitops', 'notifications'] });
    expect(wrapped).not.toBe(stores);
    await promote({ ...stores, ...wrapped });
    // The notifier sends after the write returns.
    for (let i = 0; i < 100 && send.mock.calls.length === 0; i++) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    expect(send).toHaveBeenCalledTimes(1);
    expect(shutdownHooks).toHaveLength(1);
  });

  it('leaves the stores as they are when switched off', async () => {
    expect(await wrap({ enabled: false, installed: ['notifications'] })).toBe(
      stores,
    );
  });

  it('leaves the stores as they are without the notifications backend', async () => {
    expect(await wrap({ enabled: true, installed: ['gitops'] })).toBe(stores);
  });
});
