import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CliGitRepository, GitRepository } from '../git';
import { createTestRemote, TestRemote } from '../git/__testUtils__';
import { changesSince } from './changesSince';
import { planReads, ReadScope } from './planReads';

jest.setTimeout(30_000);

describe('the change planner', () => {
  let remote: TestRemote;
  let workDir: string;
  let git: GitRepository;
  let first: string;

  const files = {
    'releases/dev/app.yaml': 'kind: HelmRelease # app\n',
    'releases/dev/other.yaml': 'kind: HelmRelease # other\n',
    'releases/stg/app.yaml': 'kind: HelmRelease # stg\n',
    'charts/app/Chart.yaml': 'name: app\nversion: 0.1.0\n',
    'README.md': 'config\n',
  };

  /** The dev folder, whose releases `releases/dev/app.yaml` uses the chart `charts/app`. */
  const dev = (chartFolders: string[][] = []): ReadScope => ({
    reads: p => p.startsWith('releases/dev/'),
    listAll: async () =>
      (await git.listTree(await git.fetch(), 'releases/dev')).map(e => e.path),
    chartUsers: async folders => {
      chartFolders.push(folders);
      return folders.includes('charts/app') ? ['releases/dev/app.yaml'] : [];
    },
  });

  beforeEach(async () => {
    remote = await createTestRemote();
    first = await remote.commit(files, 'Start');
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-changes-test-'));
    git = CliGitRepository.create({
      id: 'config',
      remote: { url: remote.url, branch: 'main', auth: { type: 'none' } },
      workDir,
      logger: mockServices.logger.mock(),
    });
  });

  afterEach(async () => {
    await remote.remove();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('reads every file of the scope when nothing was handled yet', async () => {
    const head = await git.fetch();
    const changes = await changesSince(git, undefined, head);
    expect(changes).toEqual({ full: true });
    const plan = await planReads(changes, dev());
    expect(plan.full).toBe(true);
    expect([...plan.read].sort()).toEqual([
      'releases/dev/app.yaml',
      'releases/dev/other.yaml',
    ]);
    expect(plan.removed.size).toBe(0);
  });

  it('reads only what changed in scope, and says what was deleted or renamed', async () => {
    await remote.commit(
      {
        'releases/dev/other.yaml': null,
        'releases/dev/renamed.yaml': files['releases/dev/app.yaml'],
        'releases/dev/app.yaml': null,
        'releases/stg/app.yaml': 'kind: HelmRelease # stg changed\n',
        'releases/dev/new.yaml': 'kind: HelmRelease # new\n',
      },
      'Rename, delete, add',
    );
    const head = await git.fetch();
    const chartFolders: string[][] = [];
    const plan = await planReads(
      await changesSince(git, first, head),
      dev(chartFolders),
    );
    expect(plan.full).toBe(false);
    expect([...plan.read].sort()).toEqual([
      'releases/dev/new.yaml',
      'releases/dev/renamed.yaml',
    ]);
    expect([...plan.removed].sort()).toEqual([
      'releases/dev/app.yaml',
      'releases/dev/other.yaml',
    ]);
    expect(plan.renamedFrom).toEqual(
      new Map([['releases/dev/renamed.yaml', 'releases/dev/app.yaml']]),
    );
    expect([...plan.changedPaths].sort()).toEqual([
      'releases/dev/app.yaml',
      'releases/dev/new.yaml',
      'releases/dev/other.yaml',
      'releases/dev/renamed.yaml',
      'releases/stg/app.yaml',
    ]);
    expect(chartFolders).toEqual([
      ['releases', 'releases/dev', 'releases/stg'],
    ]);
  });

  it('re-reads the files of releases whose chart folder changed', async () => {
    await remote.commit(
      { 'charts/app/templates/deployment.yaml': 'kind: Deployment\n' },
      'Add a template',
    );
    const head = await git.fetch();
    const plan = await planReads(await changesSince(git, first, head), dev());
    expect([...plan.read]).toEqual(['releases/dev/app.yaml']);
  });

  it('asks for no chart users when only top-level files changed', async () => {
    await remote.commit({ 'README.md': 'changed\n' }, 'Docs');
    const head = await git.fetch();
    const chartFolders: string[][] = [];
    const plan = await planReads(
      await changesSince(git, first, head),
      dev(chartFolders),
    );
    expect(plan.read.size).toBe(0);
    expect(chartFolders).toEqual([]);
  });

  it('reads everything again after a force-push', async () => {
    await git.fetch();
    const lost = await remote.commit({ 'README.md': 'lost\n' }, 'Later lost');
    await git.fetch();
    await remote.forcePush({ 'README.md': 'rewritten\n' }, 'Rewritten', {
      onto: first,
    });
    const head = await git.fetch();
    expect(await changesSince(git, lost, head)).toEqual({ full: true });
  });

  it('reads everything again when the handled commit is unknown here', async () => {
    const head = await git.fetch();
    expect(await changesSince(git, 'f'.repeat(40), head)).toEqual({
      full: true,
    });
  });

  it('fails rather than report no changes when the diff fails', async () => {
    await remote.commit(
      { 'releases/dev/app.yaml': 'kind: HelmRelease # v2\n' },
      'Change',
    );
    const head = await git.fetch();
    git.diff = async () => {
      throw new Error('git diff died');
    };
    await expect(changesSince(git, first, head)).rejects.toThrow(
      'git diff died',
    );
  });
});
