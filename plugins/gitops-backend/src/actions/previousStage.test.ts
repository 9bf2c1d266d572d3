import { Knex } from 'knex';
import { createMemoryStore } from '../__testUtils__/memoryStore';
import { chartRelease, storeFirstSync } from '../__testUtils__/releaseRecord';
import { ReleaseRecord, SyncStateStore } from '../database/SyncStateStore';
import { findPreviousStage } from './previousStage';

function release(
  environment: string,
  name: string,
  images: Array<{ repository: string; registry?: string; container?: string }>,
  chartName = 'podinfo',
): ReleaseRecord {
  return chartRelease(environment, chartName, {
    name,
    releaseName: name,
    automated: true,
    images: images.map(image => ({
      container: image.container ?? 'chart-image',
      ...(image.registry ? { registry: image.registry } : {}),
      repository: image.repository,
      tag: '1.0.0',
      paths: { repository: 'image.repository', tag: 'image.tag' },
    })),
    sourcePath: `releases/${environment}/${name}.yaml`,
  });
}

/** A release of the web chart that deploys org/web. */
function webRelease(environment: string, name: string): ReleaseRecord {
  return release(environment, name, [{ repository: 'org/web' }], 'web');
}

describe('findPreviousStage', () => {
  let knex: Knex;
  let syncStateStore: SyncStateStore;

  async function seed(
    releases: ReleaseRecord[],
    orders: Record<string, number>,
  ) {
    await syncStateStore.ensureRepository({
      id: 'config',
      url: 'file:///c.git',
      branch: 'main',
    });
    await syncStateStore.replaceEnvironments(
      'config',
      Object.entries(orders).map(([name, order]) => ({
        name,
        repository: 'config',
        path: `releases/${name}`,
        order,
      })),
    );
    await storeFirstSync(syncStateStore, releases);
  }

  beforeEach(async () => {
    ({ knex, syncStateStore } = await createMemoryStore());
  });

  afterEach(async () => {
    await knex.destroy();
  });

  it('takes the environment with the next lower order, not the first one', async () => {
    const target = release('prod', 'app-prod', [{ repository: 'org/app' }]);
    await seed(
      [
        release('dev', 'app-dev', [{ repository: 'org/app' }]),
        release('stg', 'app-stg', [{ repository: 'org/app' }]),
        target,
      ],
      { dev: 1, stg: 5, prod: 9 },
    );
    const stage = await findPreviousStage(syncStateStore, target);
    expect(stage.environment.name).toBe('stg');
    expect(stage.release.name).toBe('app-stg');
    expect(stage.container).toBe('chart-image');
  });

  it('prefers the release of the same chart among those deploying the image', async () => {
    const target = webRelease('stg', 'web-stg');
    await seed(
      [
        release(
          'dev',
          'proxy-dev',
          [{ repository: 'org/web', container: 'sidecar' }],
          'proxy',
        ),
        webRelease('dev', 'web-dev'),
        target,
      ],
      { dev: 1, stg: 2 },
    );
    expect((await findPreviousStage(syncStateStore, target)).release.name).toBe(
      'web-dev',
    );
  });

  it('refuses when it cannot tell which release, or there is none', async () => {
    const target = webRelease('stg', 'web-stg');
    await seed(
      [
        webRelease('dev', 'web-a'),
        webRelease('dev', 'web-b'),
        release('dev', 'other', [{ repository: 'org/other' }], 'other'),
        target,
        release('stg', 'lonely', [{ repository: 'org/lonely' }], 'lonely'),
      ],
      { dev: 1, stg: 2 },
    );
    await expect(findPreviousStage(syncStateStore, target)).rejects.toThrow(
      /More than one release in dev deploys org\/web \(dev\/dev\/web-a, dev\/dev\/web-b\)/,
    );
    const lonely = (await syncStateStore.getRelease({
      environment: 'stg',
      namespace: 'stg',
      name: 'lonely',
    }))!;
    await expect(findPreviousStage(syncStateStore, lonely)).rejects.toThrow(
      /No release in dev, the stage before stg, deploys org\/lonely/,
    );
  });
});
