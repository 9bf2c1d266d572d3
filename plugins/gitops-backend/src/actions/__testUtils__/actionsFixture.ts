import { mockServices } from '@backstage/backend-test-utils';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Knex } from 'knex';
import {
  ExampleConfigRepo,
  exampleConfigRepoFiles,
} from '../../__testUtils__/exampleConfigRepo';
import {
  createMemoryStore,
  testRepositoryConfig,
} from '../../__testUtils__/memoryStore';
import {
  EnvironmentConfig,
  ImageAutomationParty,
  RepositoryConfig,
} from '../../config/GitopsConfig';
import { ClusterStateStore } from '../../database/ClusterStateStore';
import { EventStore } from '../../database/EventStore';
import { ImageStatusStore } from '../../database/ImageStatusStore';
import { SyncStateStore } from '../../database/SyncStateStore';
import { CliGitRepository } from '../../git';
import {
  createTestRemote,
  runTestGit,
  testGitEnvironment,
  TestFiles,
  TestRemote,
} from '../../git/__testUtils__';
import { InMemoryImageMetadataCache } from '../../registry/__testUtils__/InMemoryImageMetadataCache';
import { pushTestImage } from '../../registry/__testUtils__/pushTestImage';
import {
  startTestRegistry,
  TestRegistry,
} from '../../registry/__testUtils__/startTestRegistry';
import { RepositorySync } from '../../sync/RepositorySync';
import { RegistryTagDigests } from '../RegistryTagDigests';
import { RepositoryWriter } from '../RepositoryWriter';

export const IMAGE = 'stefanprodan/podinfo';
/** Where examples/config-repo-v2 pulls podinfo from; the test registry stands in for it. */
export const V2_REGISTRY = 'ghcr.io';

export const PIPELINE: EnvironmentConfig[] = ['dev', 'stg', 'prod', 'adm'].map(
  (name, i) => ({
    name,
    repository: 'config',
    path: `releases/${name}`,
    order: i + 1,
    apply: false,
    prune: false,
  }),
);

export type ActionsFixture = {
  remote: TestRemote;
  syncStateStore: SyncStateStore;
  imageStatusStore: ImageStatusStore;
  clusterStateStore: ClusterStateStore;
  eventStore: EventStore;
  knex: Knex;
  /** The example config repository as committed first. */
  seed: Record<string, string>;
  repository: RepositoryConfig;
  registry?: TestRegistry;
  /** Calls of the writer's afterPush (the git sync trigger), by commit. */
  syncTriggers: string[];
  /** Runs git sync into the store, as the scheduled task would. */
  sync(): Promise<void>;
  /** A git mirror of the repository in a folder of its own. */
  git(name?: string): CliGitRepository;
  writer(git?: CliGitRepository): RepositoryWriter;
  /** Registry lookups with the test registry standing in for Docker Hub and ghcr.io. */
  digests(cache?: InMemoryImageMetadataCache): RegistryTagDigests;
  /** Pushes a podinfo image: the same `created` gives the same digest. */
  push(tag: string, created: string): Promise<string>;
  /** A file at a revision, byte for byte (no trimming). */
  show(rev: string, file: string): Promise<string>;
  /** Subjects of the branch, newest first. */
  log(): Promise<string[]>;
  changedFiles(from: string, to: string): Promise<string[]>;
  commitOf(rev: string, format: string): Promise<string>;
  commit(files: TestFiles, message: string): Promise<string>;
  cleanup(): Promise<void>;
};

/**
 * A real config repository (the demo's files) behind a `file://` remote,
 * synced into an SQLite store, and optionally a real registry: what the
 * release actions run against in production, minus the network.
 *
 * With `example: 'config-repo-v2'` it is Flux v2's layout, whose
 * environments git sync derives from `clusters/<env>` (none configured);
 * `automation` says who automates its images.
 */
export async function createActionsFixture(
  options: {
    registry?: boolean;
    example?: ExampleConfigRepo;
    automation?: ImageAutomationParty;
  } = {},
): Promise<ActionsFixture> {
  const logger = mockServices.logger.mock();
  const registry = options.registry ? await startTestRegistry() : undefined;
  const example = options.example ?? 'config-repo';
  const seed = await exampleConfigRepoFiles(example);
  const remote = await createTestRemote();
  await remote.commit(seed as TestFiles, 'Import');
  const workDir = await fs.mkdtemp(
    path.join(os.tmpdir(), 'gitops-actions-test-'),
  );
  const {
    knex,
    syncStateStore,
    imageStatusStore,
    clusterStateStore,
    eventStore,
  } = await createMemoryStore();
  const repository = testRepositoryConfig(remote.url, {
    author: { name: 'Gitops Bot', email: 'gitops@example.com' },
    ...(options.automation ? { automation: options.automation } : {}),
  });
  const environments = example === 'config-repo' ? PIPELINE : [];
  const syncTriggers: string[] = [];
  const bare = (args: string[]) =>
    runTestGit([`--git-dir=${remote.path}`, ...args]);
  let mirrors = 0;

  const git = (name = `actions-${++mirrors}`) =>
    CliGitRepository.create({
      id: 'config',
      remote: repository,
      workDir: path.join(workDir, name),
      logger,
    });

  const fixture: ActionsFixture = {
    remote,
    syncStateStore,
    imageStatusStore,
    clusterStateStore,
    eventStore,
    knex,
    seed,
    repository,
    registry,
    syncTriggers,
    async sync() {
      await new RepositorySync({
        repository,
        environments,
        git: git('sync'),
        syncStateStore,
        logger,
      }).run();
    },
    git,
    writer: (mirror = git()) =>
      new RepositoryWriter({
        repository,
        git: mirror,
        logger,
        afterPush: async commit => {
          syncTriggers.push(commit);
        },
      }),
    digests: cache =>
      new RegistryTagDigests({
        registries: ['docker.io', V2_REGISTRY].map(host => ({
          host,
          url: registry!.url,
        })),
        logger,
        cache,
      }),
    push: (tag, created) =>
      pushTestImage(registry!, { repository: IMAGE, tag, created }),
    show: (rev, file) =>
      new Promise((resolve, reject) =>
        execFile(
          'git',
          [`--git-dir=${remote.path}`, 'cat-file', 'blob', `${rev}:${file}`],
          { env: testGitEnvironment(), encoding: 'utf8' },
          (error, stdout) => (error ? reject(error) : resolve(stdout)),
        ),
      ),
    log: async () => (await bare(['log', '--format=%s', 'main'])).split('\n'),
    changedFiles: async (from, to) =>
      (await bare(['diff', '--name-only', from, to]))
        .split('\n')
        .filter(Boolean),
    commitOf: (rev, format) => bare(['log', '-1', `--format=${format}`, rev]),
    commit: (files, message) => remote.commit(files, message),
    async cleanup() {
      await registry?.stop();
      await knex.destroy();
      await remote.remove();
      await fs.rm(workDir, { recursive: true, force: true });
    },
  };
  await fixture.sync();
  return fixture;
}
