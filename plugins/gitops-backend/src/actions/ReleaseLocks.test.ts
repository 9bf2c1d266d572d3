import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ActionsFixture,
  createActionsFixture,
} from './__testUtils__/actionsFixture';
import { ReleaseLocks } from './ReleaseLocks';

jest.setTimeout(60_000);

const BOB = 'user:default/bob';
const STG = { environment: 'stg', namespace: 'stg', name: 'podinfo-rc' };
const STG_FILE = 'releases/stg/podinfo.yaml';

describe('ReleaseLocks', () => {
  let fx: ActionsFixture;
  let locks: ReleaseLocks;

  beforeEach(async () => {
    fx = await createActionsFixture();
    locks = new ReleaseLocks({
      syncStateStore: fx.syncStateStore,
      eventStore: fx.eventStore,
      writers: () => fx.writer(),
    });
  });

  afterEach(async () => {
    await fx.cleanup();
  });

  const lockEvents = async () =>
    (
      await fx.eventStore.listEvents({
        releases: [STG],
        repositoryIds: [],
        limit: 20,
      })
    ).filter(e => ['locked', 'unlocked'].includes(e.type));

  it('locks with who and why in one commit, keeping the rest of the file byte for byte', async () => {
    const before = (await fx.remote.head())!;
    const result = await locks.lock(STG, {
      actor: BOB,
      message: 'Load test until Friday',
    });

    const head = (await fx.remote.head())!;
    expect(result).toEqual({
      commit: head,
      changed: true,
      path: STG_FILE,
      requestedBy: BOB,
    });
    expect(await fx.changedFiles(before, head)).toEqual([STG_FILE]);
    expect(await fx.show(head, STG_FILE)).toBe(
      fx.seed[STG_FILE].replace(
        '    filter.fluxcd.io/chart-image: glob:stg-*\n',
        [
          '    filter.fluxcd.io/chart-image: glob:stg-*',
          '    fluxcd.io/locked: "true"',
          `    fluxcd.io/locked_user: "${BOB}"`,
          '    fluxcd.io/locked_msg: "Load test until Friday"',
          '',
        ].join('\n'),
      ),
    );
    expect(await fx.commitOf(head, '%B')).toBe(
      `Lock podinfo-rc in stg\n\nLoad test until Friday\n\nRequested-by: ${BOB}`,
    );
    expect(await fx.commitOf(head, '%an')).toBe('Gitops Bot');
    expect(fx.syncTriggers).toEqual([head]);
    expect(await lockEvents()).toEqual([
      expect.objectContaining({
        type: 'locked',
        actor: BOB,
        commit: head,
        message: 'Lock podinfo-rc in stg',
        details: { message: 'Load test until Friday' },
      }),
    ]);
  });

  it('commits nothing to lock a locked release or unlock an unlocked one', async () => {
    const head = await fx.remote.head();
    expect(await locks.unlock(STG, { actor: BOB })).toEqual({
      changed: false,
      path: STG_FILE,
      requestedBy: BOB,
    });
    expect(await fx.remote.head()).toBe(head);

    await locks.lock(STG, { actor: BOB });
    const locked = await fx.remote.head();
    // Not synced yet: the file at the head is what counts, not the store.
    expect(
      await locks.lock(STG, {
        actor: 'user:default/carol',
        message: 'mine now',
      }),
    ).toEqual({
      changed: false,
      path: STG_FILE,
      requestedBy: 'user:default/carol',
    });
    expect(await fx.remote.head()).toBe(locked);
    expect((await lockEvents()).map(e => e.type)).toEqual(['locked']);
  });

  it('unlocks back to the file as it was, byte for byte', async () => {
    await locks.lock(STG, { actor: BOB });
    expect(await fx.show('main', STG_FILE)).toContain(
      `fluxcd.io/locked_msg: "Locked from Backstage by ${BOB}"`,
    );
    await fx.sync();
    expect(await fx.syncStateStore.getRelease(STG)).toMatchObject({
      locked: true,
    });

    const result = await locks.unlock(STG, { actor: BOB });
    expect(result).toMatchObject({
      changed: true,
      commit: await fx.remote.head(),
    });
    expect(await fx.show('main', STG_FILE)).toBe(fx.seed[STG_FILE]);
    expect(await fx.log()).toEqual([
      'Unlock podinfo-rc in stg',
      'Lock podinfo-rc in stg',
      'Import',
    ]);
    expect((await lockEvents()).map(e => [e.type, e.actor])).toEqual([
      ['unlocked', BOB],
      ['locked', BOB],
    ]);
  });

  it('unlocks a release locked under the old flux.weave.works names', async () => {
    const legacy = fx.seed[STG_FILE].replace(
      '    fluxcd.io/automated: "true"\n',
      '    fluxcd.io/automated: "true"\n    flux.weave.works/locked: "true"\n    flux.weave.works/locked_user: ops\n',
    );
    await fx.commit({ [STG_FILE]: legacy }, 'Locked long ago');
    await locks.unlock(STG, { actor: BOB });
    expect(await fx.show('main', STG_FILE)).toBe(fx.seed[STG_FILE]);
  });

  it('refuses to lock or unlock a file that does not read cleanly at the head, naming the line', async () => {
    // A duplicate key pushed after the last sync: the store still holds the
    // clean release, but a rewrite of a file read in part could drop whatever
    // the parser left out.
    const broken = fx.seed[STG_FILE].replace(
      '  labels:\n',
      '  name: podinfo-rc\n  labels:\n',
    );
    expect(broken).not.toBe(fx.seed[STG_FILE]);
    const head = await fx.commit({ [STG_FILE]: broken }, 'A typo');

    for (const act of [
      () => locks.lock(STG, { actor: BOB }),
      () => locks.unlock(STG, { actor: BOB }),
    ]) {
      const refusal = act();
      await expect(refusal).rejects.toThrow(ConflictError);
      await expect(refusal).rejects.toThrow(
        new RegExp(
          `^${STG_FILE} line \\d+ does not read cleanly at ${head.slice(
            0,
            12,
          )}: .*; fix the file first$`,
        ),
      );
    }
    expect(await fx.remote.head()).toBe(head);
    expect(await lockEvents()).toEqual([]);
  });

  it('answers 404 for a release the store does not know', async () => {
    await expect(
      locks.lock({ ...STG, name: 'nope' }, { actor: BOB }),
    ).rejects.toThrow(NotFoundError);
  });
});
