import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { runTestGit } from '../git/__testUtils__';
import {
  ActionsFixture,
  createActionsFixture,
} from './__testUtils__/actionsFixture';
import { RepositoryWriter } from './RepositoryWriter';

jest.setTimeout(60_000);

const NOTES = 'releases/stg/notes.txt';

describe('RepositoryWriter', () => {
  let fx: ActionsFixture;

  beforeEach(async () => {
    fx = await createActionsFixture();
  });

  afterEach(async () => {
    await fx.cleanup();
  });

  /** A plan that appends a line to the notes file, as read at the head it is given. */
  const appendNote =
    (line: string, heads: string[] = []) =>
    async (
      snapshot: Parameters<Parameters<RepositoryWriter['write']>[0]>[0],
    ) => {
      heads.push(snapshot.head);
      const current =
        (await snapshot.readFiles([NOTES])).get(NOTES)?.toString() ?? '';
      return {
        files: new Map([[NOTES, Buffer.from(`${current}${line}\n`)]]),
        message: `Note ${line}`,
        value: line,
      };
    };

  it('commits on the remote head as the repository author, pushes, and triggers sync', async () => {
    const before = await fx.remote.head();
    const written = await fx.writer().write(appendNote('first'));
    expect(written).toEqual({
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      message: 'Note first',
      value: 'first',
    });
    expect(await fx.remote.head()).toBe(written!.commit);
    expect(await fx.commitOf('main', '%P')).toBe(before);
    expect(await fx.commitOf('main', '%an <%ae>|%cn')).toBe(
      'Gitops Bot <gitops@example.com>|Gitops Bot',
    );
    expect(await fx.show('main', NOTES)).toBe('first\n');
    expect(fx.syncTriggers).toEqual([written!.commit]);
  });

  it('commits as the plan author and pushes to the plan branch when it names one', async () => {
    const before = await fx.remote.head();
    const note = appendNote('flux');
    const written = await fx.writer().write(async snapshot => ({
      ...(await note(snapshot))!,
      author: {
        name: 'fluxcdbot',
        email: 'fluxcdbot@users.noreply.github.com',
      },
      pushBranch: 'image-updates',
    }));
    expect(await fx.remote.head()).toBe(before);
    expect(await fx.commitOf('image-updates', '%H|%an <%ae>')).toBe(
      `${written!.commit}|fluxcdbot <fluxcdbot@users.noreply.github.com>`,
    );
    // Nothing changed on the followed branch, so sync is not asked to run.
    expect(fx.syncTriggers).toEqual([]);
  });

  it('commits nothing when the plan has nothing, or the files already hold it', async () => {
    const head = await fx.remote.head();
    const writer = fx.writer();
    expect(await writer.write(async () => undefined)).toBeUndefined();
    const same = await writer.write(async snapshot => ({
      files: await snapshot.readFiles(['releases/dev/podinfo.yaml']),
      message: 'Nothing',
      value: 1,
    }));
    expect(same).toBeUndefined();
    expect(await fx.remote.head()).toBe(head);
    expect(fx.syncTriggers).toEqual([]);
  });

  it('plans again on the new head when someone pushed first, keeping both commits in a line', async () => {
    const git = fx.git();
    const realPush = git.push.bind(git);
    let raced = false;
    git.push = async commit => {
      if (!raced) {
        raced = true;
        await fx.commit({ [NOTES]: 'human\n' }, 'A human commit');
      }
      return realPush(commit);
    };
    const heads: string[] = [];
    const written = await fx.writer(git).write(appendNote('bot', heads));
    expect(heads).toHaveLength(2);
    expect(heads[0]).not.toBe(heads[1]);
    expect(await fx.log()).toEqual(['Note bot', 'A human commit', 'Import']);
    expect(await fx.show('main', NOTES)).toBe('human\nbot\n');
    expect(
      await runTestGit([
        `--git-dir=${fx.remote.path}`,
        'rev-list',
        '--merges',
        'main',
      ]),
    ).toBe('');
    expect(fx.syncTriggers).toEqual([written!.commit]);
  });

  it('gives up with a conflict when every push is rejected, never forcing', async () => {
    const git = fx.git();
    const realPush = git.push.bind(git);
    let humans = 0;
    git.push = async commit => {
      await fx.commit({ [NOTES]: `human ${++humans}\n` }, `Human ${humans}`);
      return realPush(commit);
    };
    const writer = new RepositoryWriter({
      repository: fx.repository,
      git,
      logger: mockServices.logger.mock(),
      maxAttempts: 2,
    });
    await expect(writer.write(appendNote('bot'))).rejects.toThrow(
      ConflictError,
    );
    await expect(writer.write(appendNote('bot'))).rejects.toThrow(
      /rejected 2 times/,
    );
    expect((await fx.log()).slice(0, 2)).toEqual(['Human 4', 'Human 3']);
  });

  it('pushes nothing once its run is aborted, even with the commit already made', async () => {
    const git = fx.git();
    const pushes: string[] = [];
    const realPush = git.push.bind(git);
    git.push = async commit => {
      pushes.push(commit);
      return realPush(commit);
    };
    const controller = new AbortController();
    const realCreate = git.createCommit.bind(git);
    // The scheduler's timeout fires while the commit is being written.
    git.createCommit = async options => {
      const commit = await realCreate(options);
      controller.abort(new Error('timed out'));
      return commit;
    };
    const head = await fx.remote.head();
    const writer = fx.writer(git);
    await expect(
      writer.write(appendNote('late'), { signal: controller.signal }),
    ).rejects.toThrow('timed out');
    expect(pushes).toEqual([]);
    expect(await fx.remote.head()).toBe(head);
    expect(fx.syncTriggers).toEqual([]);

    // An already aborted run does not even fetch a head to plan on.
    const heads: string[] = [];
    await expect(
      writer.write(appendNote('later', heads), { signal: controller.signal }),
    ).rejects.toThrow('timed out');
    expect(heads).toEqual([]);
  });

  it('reports a pushed commit even when the sync trigger fails', async () => {
    const logger = mockServices.logger.mock();
    const writer = new RepositoryWriter({
      repository: fx.repository,
      git: fx.git(),
      logger,
      afterPush: async () => {
        throw new Error('scheduler down');
      },
    });
    const written = await writer.write(appendNote('x'));
    expect(await fx.remote.head()).toBe(written!.commit);
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not trigger git sync after a push',
      expect.objectContaining({ error: 'scheduler down' }),
    );
  });

  it('previews against the current head without writing', async () => {
    const head = await fx.remote.head();
    const seen = await fx.writer().preview(async snapshot => snapshot.head);
    expect(seen).toBe(head);
    expect(await fx.remote.head()).toBe(head);
  });
});
