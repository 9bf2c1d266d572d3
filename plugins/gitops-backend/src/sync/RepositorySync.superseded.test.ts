import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SyncStateStore } from '../database/SyncStateStore';
import { CliGitRepository } from '../git';
import { createTestRemote, TestRemote } from '../git/__testUtils__';
import {
  createMemoryStore,
  testRepositoryConfig,
} from '../__testUtils__/memoryStore';
import { RepositorySync } from './RepositorySync';

jest.setTimeout(60_000);

const release = (tag: string) => `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: app
  namespace: dev
spec:
  releaseName: app
  chart:
    repository: https://charts.example.com/
    name: app
    version: 1.0.0
  values:
    image:
      repository: org/app
      tag: ${tag}
`;

// Two replicas syncing one repository at once: the one that stores second,
// from a commit the other has moved past, stores nothing.
describe('RepositorySync on two replicas', () => {
  let remote: TestRemote;
  let workDir: string;
  let store: Awaited<ReturnType<typeof createMemoryStore>>;
  const logger = mockServices.logger.mock();

  beforeEach(async () => {
    remote = await createTestRemote();
    await remote.commit({ 'releases/dev/app.yaml': release('1') }, 'One');
    workDir = await fs.mkdtemp(
      path.join(os.tmpdir(), 'gitops-superseded-test-'),
    );
    store = await createMemoryStore();
  });

  afterEach(async () => {
    await store.knex.destroy();
    await remote.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  const replica = (name: string, syncStateStore: SyncStateStore) => {
    const repository = testRepositoryConfig(remote.url);
    return new RepositorySync({
      repository,
      environments: [],
      git: CliGitRepository.create({
        id: repository.id,
        remote: repository,
        workDir: path.join(workDir, name),
        logger,
      }),
      syncStateStore,
      logger,
    });
  };

  it('never lets an older sync overwrite a newer one', async () => {
    const newer = replica('b', store.syncStateStore);
    await newer.run();
    await remote.commit({ 'releases/dev/app.yaml': release('2') }, 'Two');
    let newest: string | undefined;
    // Replica a reads the stored commit, then replica b syncs a newer push
    // before a stores.
    const interleaved: SyncStateStore = Object.create(store.syncStateStore);
    interleaved.getRepository = async id => {
      const stored = await store.syncStateStore.getRepository(id);
      newest = await remote.commit(
        { 'releases/dev/app.yaml': release('3') },
        'Three',
      );
      await newer.run();
      return stored;
    };
    const older = replica('a', interleaved);

    const outcome = await older.run();

    expect(outcome.status).toBe('superseded');
    expect(
      (await store.syncStateStore.getRepository('config'))?.lastCommit,
    ).toBe(newest);
    const releases = await store.syncStateStore.releasesFromPaths(
      'config',
      'all',
    );
    expect(releases.map(r => r.images.map(i => i.tag))).toEqual([['3']]);
    // The next run of the older replica catches up as usual.
    expect((await replica('a', store.syncStateStore).run()).status).toBe(
      'unchanged',
    );
  });
});
