import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ReleaseRecord } from '../database';
import { CliGitRepository, GitRepository } from '../git';
import { createTestRemote, TestRemote } from '../git/__testUtils__';
import { parseManifestFile } from '../manifests';
import {
  exampleConfigRepoFiles,
  exampleFluxObjects,
} from '../__testUtils__/exampleConfigRepo';
import {
  createMemoryStore,
  testRepositoryConfig,
} from '../__testUtils__/memoryStore';
import { resolveGitCharts } from './gitCharts';
import { CandidateRelease } from './lastGoodState';

jest.setTimeout(60_000);

/** The base's podinfo as each environment's overlay makes it (what layout reading does). */
function podinfoOf(
  files: Record<string, string>,
  environment: string,
  head: string,
): CandidateRelease {
  const releasePath = 'apps/base/podinfo/release.yaml';
  const [manifest] = parseManifestFile(
    releasePath,
    files[releasePath],
  ).helmReleases;
  const record: ReleaseRecord = {
    repository: 'config',
    environment,
    namespace: environment,
    name: manifest.name,
    releaseName: manifest.releaseName,
    apiVersion: manifest.apiVersion,
    chart: manifest.chart,
    chartName: manifest.chartName,
    labels: manifest.labels,
    annotations: manifest.annotations,
    automated: false,
    locked: false,
    images: [],
    sourcePath: `apps/${environment}/podinfo-values.yaml`,
    spec: manifest.spec,
    commit: head,
    updatedAt: new Date(0).toISOString(),
  };
  return { record, source: manifest.source };
}

describe('resolveGitCharts, Flux v2', () => {
  let remote: TestRemote;
  let workDir: string;
  let git: GitRepository;
  let store: Awaited<ReturnType<typeof createMemoryStore>>;

  beforeEach(async () => {
    remote = await createTestRemote();
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-charts-test-'));
    const repository = testRepositoryConfig(remote.url);
    git = CliGitRepository.create({
      id: 'config',
      remote: repository,
      workDir,
      logger: mockServices.logger.mock(),
    });
    store = await createMemoryStore();
    await store.syncStateStore.ensureRepository(repository);
  });

  afterEach(async () => {
    await store.knex.destroy();
    await remote.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  const resolve = async (
    files: Record<string, string>,
    options: {
      full?: boolean;
      changedPaths?: string[];
      withObjects?: boolean;
    } = {},
  ) => {
    const head = await git.fetch();
    const candidates = ['production', 'staging'].map(env =>
      podinfoOf(files, env, head),
    );
    const problems = await resolveGitCharts(
      git,
      store.syncStateStore,
      {
        repositoryId: 'config',
        head,
        full: options.full ?? true,
        changedPaths: options.changedPaths ?? [],
        ...(options.withObjects === false
          ? {}
          : { fluxObjects: exampleFluxObjects(files) }),
      },
      candidates,
    );
    return { problems, records: candidates.map(c => c.record) };
  };

  it("reads a chart of this repository's GitRepository (flux bootstrap's) from its Chart.yaml, and follows a bump", async () => {
    const files = await exampleConfigRepoFiles('config-repo-v2');
    await remote.commit(files, 'Import the v2 fleet');
    const first = await resolve(files);
    expect(first.problems).toEqual([]);
    expect(
      first.records.map(r => [
        r.environment,
        r.chartName,
        r.chartVersion,
        r.chartPath,
      ]),
    ).toEqual([
      ['production', 'podinfo', '6.5.0', 'charts/podinfo'],
      ['staging', 'podinfo', '6.5.0', 'charts/podinfo'],
    ]);
    const before = first.records[0].chartRevision;
    expect(before).toMatch(/^[0-9a-f]{40}$/);

    const bumped = {
      ...files,
      'charts/podinfo/Chart.yaml': files['charts/podinfo/Chart.yaml'].replace(
        'version: 6.5.0',
        'version: 6.5.1',
      ),
    };
    await remote.commit(
      { 'charts/podinfo/Chart.yaml': bumped['charts/podinfo/Chart.yaml'] },
      'Bump the chart',
    );
    const second = await resolve(bumped, {
      full: false,
      changedPaths: ['charts/podinfo/Chart.yaml'],
    });
    expect(second.records.map(r => [r.environment, r.chartVersion])).toEqual([
      ['production', '6.5.1'],
      ['staging', '6.5.1'],
    ]);
    expect(second.records.map(r => r.chartRevision)).toEqual([
      second.records[0].chartRevision,
      second.records[0].chartRevision,
    ]);
    expect(second.records[0].chartRevision).not.toBe(before);
  });

  it('knows this repository by its configured url, however it is spelled', async () => {
    const files = await exampleConfigRepoFiles('config-repo-v2');
    // No Kustomization applies the GitRepository's folder: only the url tells.
    const gotk = 'clusters/production/flux-system/gotk-sync.yaml';
    const gitRepositoryOnly = files[gotk]
      .split('\n---\n')[0]
      .replace(
        'url: ssh://git@github.com/example/podinfo-fleet',
        `url: ${remote.url}/`,
      );
    const changed = {
      ...files,
      [gotk]: gitRepositoryOnly,
      'clusters/staging/flux-system/gotk-sync.yaml': gitRepositoryOnly,
    };
    await remote.commit(changed, 'Import the v2 fleet');
    await store.syncStateStore.ensureRepository(
      testRepositoryConfig(remote.url),
    );
    const { records } = await resolve(changed);
    expect(records.map(r => r.chartVersion)).toEqual(['6.5.0', '6.5.0']);
  });

  it('reports a chart of another GitRepository by its path, with no version and no problem', async () => {
    const files = await exampleConfigRepoFiles('config-repo-v2');
    const release = 'apps/base/podinfo/release.yaml';
    const changed = {
      ...files,
      [release]: files[release].replace(
        'name: flux-system\n        namespace: flux-system',
        'name: upstream\n        namespace: flux-system',
      ),
      'clusters/production/upstream.yaml': [
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: GitRepository',
        'metadata: { name: upstream, namespace: flux-system }',
        'spec: { url: "https://github.com/stefanprodan/podinfo", interval: 1m }',
      ].join('\n'),
    };
    await remote.commit(changed, 'Chart from upstream');
    const { problems, records } = await resolve(changed);
    expect(problems).toEqual([]);
    expect(
      records.map(r => [
        r.chartName,
        r.chartVersion,
        r.chartPath,
        r.chartRevision,
      ]),
    ).toEqual([
      ['podinfo', undefined, undefined, undefined],
      ['podinfo', undefined, undefined, undefined],
    ]);
  });

  it('uses the stored Flux objects when the sync gives none', async () => {
    const files = await exampleConfigRepoFiles('config-repo-v2');
    const head = await remote.commit(files, 'Import the v2 fleet');
    // Nothing stored yet: the GitRepository is unknown, the chart unread.
    const unknown = await resolve(files, { withObjects: false });
    expect(unknown.records.map(r => r.chartVersion)).toEqual([
      undefined,
      undefined,
    ]);

    await store.syncStateStore.applySync({
      repositoryId: 'config',
      commit: head,
      syncedAt: new Date(),
      full: true,
      replacedPaths: [],
      releases: [],
      fluxObjects: exampleFluxObjects(files).map(o => ({
        ...o,
        repository: 'config',
        line: 1,
        apiVersion: 'source.toolkit.fluxcd.io/v1',
      })),
      problems: [],
      events: [],
    });
    const stored = await resolve(files, { withObjects: false });
    expect(stored.records.map(r => r.chartVersion)).toEqual(['6.5.0', '6.5.0']);
  });
});
