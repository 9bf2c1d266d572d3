/*
 * Git sync at fleet size: a generated config repository with 2,000
 * HelmReleases in 3 environments. Prints the full sync, the incremental sync
 * of one changed file, and, in the same run, the floor for that change: a
 * bare `git fetch` plus `git diff --name-only` in a clone of its own.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CliGitRepository } from '../src/git';
import { RepositorySync } from '../src/sync/RepositorySync';
import {
  createMemoryStore,
  testRepositoryConfig,
} from '../src/__testUtils__/memoryStore';
import { git, median, timed } from './benchTools';

const RELEASES = 2000;
const ENVIRONMENTS = ['dev', 'stg', 'prod'];
const ROUNDS = 3;

function release(env: string, i: number, tag: string) {
  return `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: app-${i}
  namespace: ${env}
  annotations:
    fluxcd.io/automated: "true"
    filter.fluxcd.io/chart-image: glob:${env}-*
spec:
  releaseName: app-${i}-${env}
  chart:
    git: git@example.com:org/config
    path: charts/app
    ref: main
  values:
    image:
      repository: example/app-${i}
      tag: ${tag}
    replicaCount: 2
`;
}

export async function run() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gitops-bench-'));
  try {
    const work = path.join(root, 'work');
    const remote = path.join(root, 'remote.git');
    await mkdir(path.join(work, 'charts/app'), { recursive: true });
    await writeFile(
      path.join(work, 'charts/app/Chart.yaml'),
      'apiVersion: v1\nname: app\nversion: 1.0.0\n',
    );
    for (let i = 0; i < RELEASES; i++) {
      const env = ENVIRONMENTS[i % ENVIRONMENTS.length];
      await mkdir(path.join(work, 'releases', env), { recursive: true });
      await writeFile(
        path.join(work, 'releases', env, `app-${i}.yaml`),
        release(env, i, `${env}-0001`),
      );
    }
    await git(root, 'init', '-q', '--bare', '-b', 'main', remote);
    await git(work, 'init', '-q', '-b', 'main');
    await git(work, 'add', '-A');
    await git(
      work,
      '-c',
      'user.name=bench',
      '-c',
      'user.email=bench@example.com',
      'commit',
      '-q',
      '-m',
      'Generate',
    );
    await git(work, 'push', '-q', remote, 'main');

    // The floor's clone, up to date before the change.
    const floorClone = path.join(root, 'floor.git');
    await git(root, 'clone', '-q', '--bare', `file://${remote}`, floorClone);

    const { knex, syncStateStore } = await createMemoryStore();
    const repository = testRepositoryConfig(`file://${remote}`, {
      id: 'bench',
    });
    const logger = mockServices.rootLogger({ level: 'warn' });
    const sync = new RepositorySync({
      repository,
      environments: [],
      git: CliGitRepository.create({
        id: 'bench',
        remote: repository,
        workDir: path.join(root, 'mirrors'),
        logger,
      }),
      syncStateStore,
      logger,
    });

    const [first, fullMs] = await timed(() => sync.run());
    const stored = (await syncStateStore.releasesFromPaths('bench', 'all'))
      .length;

    // One changed file, as CI's image bump would make it; three rounds,
    // alternating floor and sync, and the medians compared.
    const floorTimes: number[] = [];
    const incrementalTimes: number[] = [];
    let second: Awaited<ReturnType<typeof sync.run>> | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      const app = 3 + round * 3; // app-3, app-6, app-9: all in dev
      await writeFile(
        path.join(work, `releases/dev/app-${app}.yaml`),
        release('dev', app, `dev-000${round + 2}`),
      );
      await git(
        work,
        '-c',
        'user.name=bench',
        '-c',
        'user.email=bench@example.com',
        'commit',
        '-q',
        '-am',
        `Bump app-${app}`,
      );
      await git(work, 'push', '-q', remote, 'main');

      const before = (await git(floorClone, 'rev-parse', 'HEAD')).stdout.trim();
      const [, floorMs] = await timed(async () => {
        await git(
          floorClone,
          'fetch',
          '-q',
          'origin',
          '+refs/heads/main:refs/heads/main',
        );
        await git(floorClone, 'diff', '--name-only', before, 'main');
      });
      const [outcome, incrementalMs] = await timed(() => sync.run());
      floorTimes.push(floorMs);
      incrementalTimes.push(incrementalMs);
      second = outcome;
    }
    const floorMs = median(floorTimes);
    const incrementalMs = median(incrementalTimes);

    console.log(
      `git sync (${RELEASES} HelmReleases in ${ENVIRONMENTS.length} environments)`,
    );
    console.log(
      `  full sync:               ${fullMs.toFixed(0)} ms (${
        first.status
      }, ${stored} releases stored)`,
    );
    console.log(
      `  incremental, one file:   ${incrementalMs.toFixed(
        0,
      )} ms median of ${ROUNDS} (${second?.status}${
        second?.status === 'synced' ? `, ${second.files} file` : ''
      }; ${incrementalTimes.map(t => t.toFixed(0)).join(', ')})`,
    );
    console.log(
      `  floor, fetch + diff:     ${floorMs.toFixed(
        0,
      )} ms median of ${ROUNDS} (${floorTimes
        .map(t => t.toFixed(0))
        .join(', ')})`,
    );
    console.log(
      `  ratio incremental/floor: ${(incrementalMs / floorMs).toFixed(
        2,
      )} (target <= 2)`,
    );
    console.log(`  full sync target:        < 10000 ms`);
    await knex.destroy();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
