import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SyncStateStore } from '../database';
import { CliGitRepository } from '../git';
import { createTestRemote, TestRemote } from '../git/__testUtils__';
import {
  createMemoryStore,
  testRepositoryConfig,
} from '../__testUtils__/memoryStore';
import { RepositorySync } from './RepositorySync';

jest.setTimeout(60_000);

const release = (
  env: string,
  name: string,
  tag: string,
) => `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: ${name}
  namespace: ${env}
spec:
  releaseName: ${name}-${env}
  chart:
    git: git@example.com:org/config
    path: charts/app
    ref: main
  values:
    image:
      repository: example/${name}
      tag: ${tag}
`;

describe('planning an incremental sync of a repository without overlays', () => {
  let remote: TestRemote;
  let workDir: string;

  beforeEach(async () => {
    remote = await createTestRemote();
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-plan-test-'));
    await remote.commit({
      'charts/app/Chart.yaml': 'apiVersion: v1\nname: app\nversion: 1.0.0\n',
      'releases/dev/a.yaml': release('dev', 'a', '1'),
      'releases/dev/b.yaml': release('dev', 'b', '1'),
      'releases/prod/a.yaml': release('prod', 'a', '1'),
    });
  });

  afterEach(async () => {
    await remote.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  /** The store, with every call of each method counted. */
  function counted(store: SyncStateStore) {
    const calls = new Map<string, number>();
    const proxy = new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
          return value.apply(target, args);
        };
      },
    });
    return { proxy, calls };
  }

  const createSync = (syncStateStore: SyncStateStore) => {
    const repository = testRepositoryConfig(remote.url);
    const logger = mockServices.logger.mock();
    return new RepositorySync({
      repository,
      environments: [],
      git: CliGitRepository.create({
        id: repository.id,
        remote: repository,
        workDir,
        logger,
      }),
      syncStateStore,
      logger,
    });
  };

  it('asks the store nothing about overlays once the last syncs saw none, and stores the same', async () => {
    const { knex, syncStateStore } = await createMemoryStore();
    const { proxy, calls } = counted(syncStateStore);
    const sync = createSync(proxy);
    await sync.run();
    await remote.commit({ 'releases/dev/a.yaml': release('dev', 'a', '2') });
    calls.clear();

    await expect(sync.run()).resolves.toMatchObject({
      status: 'synced',
      full: false,
      files: 1,
    });
    for (const overlayQuestion of [
      'sourcePathsBuiltFrom',
      'listProblems',
      'fluxObjectsOf',
      'listFluxObjects',
    ]) {
      expect(calls.get(overlayQuestion)).toBeUndefined();
    }
    expect(calls.get('sourcePathsForCharts')).toBe(1);
    expect(calls.get('listEnvironments')).toBe(1);

    // A sync that knows nothing of the folders asks, and comes to the same.
    await remote.commit({ 'releases/dev/b.yaml': release('dev', 'b', '2') });
    calls.clear();
    await expect(createSync(proxy).run()).resolves.toMatchObject({
      status: 'synced',
      full: false,
    });
    expect(calls.get('sourcePathsBuiltFrom')).toBe(1);
    const tags = (await syncStateStore.releasesFromPaths('config', 'all')).map(
      r => `${r.environment}/${r.name}:${r.images[0].tag}@${r.chartVersion}`,
    );
    expect(tags.sort()).toEqual([
      'dev/a:2@1.0.0',
      'dev/b:2@1.0.0',
      'prod/a:1@1.0.0',
    ]);
    await knex.destroy();
  });
});
