import { mockServices } from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ImageAutomation } from '../automation/ImageAutomation';
import { runTestGit } from '../git/__testUtils__';
import { ImageScanner } from '../registry';
import { InMemoryImageMetadataCache } from '../registry/__testUtils__/InMemoryImageMetadataCache';
import {
  ActionsFixture,
  createActionsFixture,
  IMAGE,
} from './__testUtils__/actionsFixture';
import { RegistryTagDigests } from './RegistryTagDigests';
import { ReleasePromotions } from './ReleasePromotions';

jest.setTimeout(90_000);

const ALICE = 'user:default/alice';
const STG = { environment: 'stg', namespace: 'stg', name: 'podinfo-rc' };
const PROD = { environment: 'prod', namespace: 'prod', name: 'podinfo-prod' };
const DEV = { environment: 'dev', namespace: 'dev', name: 'podinfo-dev' };
const STG_FILE = 'releases/stg/podinfo.yaml';
const PROD_FILE = 'releases/prod/podinfo.yaml';

// Images pushed with the same creation time have the same digest.
const BUILD_OLD = '2026-11-01T10:00:00Z';
const BUILD_NEW = '2026-11-20T10:00:00Z';

describe('ReleasePromotions', () => {
  let fx: ActionsFixture;

  beforeEach(async () => {
    fx = await createActionsFixture({ registry: true });
    // What the seed's releases run: dev a new build, stg and prod an old one.
    await fx.push('dev-kb9lm91e', BUILD_NEW);
    await fx.push('stg-9ij63o4c', BUILD_OLD);
    await fx.push('0.4.10', BUILD_OLD);
  });

  afterEach(async () => {
    await fx.cleanup();
  });

  const promotions = (
    options: {
      git?: ReturnType<ActionsFixture['git']>;
      registry?: RegistryTagDigests;
    } = {},
  ) =>
    new ReleasePromotions({
      syncStateStore: fx.syncStateStore,
      eventStore: fx.eventStore,
      writers: id => {
        if (id !== 'config') throw new NotFoundError(id);
        return fx.writer(options.git);
      },
      registry: options.registry ?? fx.digests(),
    });

  const promotedEvents = async (key = STG) =>
    (
      await fx.eventStore.listEvents({
        releases: [key],
        repositoryIds: [],
        limit: 10,
      })
    ).filter(event => event.type === 'promoted');

  it('writes the tag on the same digest that the stage policy allows, and leaves automation on', async () => {
    await fx.push('stg-aaaa1111', BUILD_NEW);
    await fx.push('stg-bbbb2222', BUILD_NEW); // same image again: the policy picks among them
    await fx.push('stg-zzzz9999', '2026-11-21T10:00:00Z'); // newer, but another image
    const before = (await fx.remote.head())!;

    const promotion = await promotions().promote(STG, { actor: ALICE });

    expect(promotion).toMatchObject({
      from: { ...DEV, tag: 'dev-kb9lm91e' },
      to: { ...STG, tag: 'stg-9ij63o4c' },
      container: 'chart-image',
      image: IMAGE,
      tag: 'stg-bbbb2222',
      digest: expect.stringMatching(/^sha256:/),
      mode: 'same-digest',
      path: STG_FILE,
      commit: await fx.remote.head(),
      requestedBy: ALICE,
    });
    expect(promotion.reason).toMatch(
      /stg-bbbb2222 is the same image .* glob:stg-\* allows it; the policy's choice among 2 such tags/,
    );
    const head = promotion.commit!;
    expect(await fx.changedFiles(before, head)).toEqual([STG_FILE]);
    expect(await fx.show(head, STG_FILE)).toBe(
      fx.seed[STG_FILE].replace('tag: stg-9ij63o4c', 'tag: stg-bbbb2222'),
    );
    expect(await fx.commitOf(head, '%B')).toBe(
      [
        `Promote ${IMAGE}:stg-bbbb2222 to stg`,
        '',
        `From dev (dev/podinfo-dev, dev-kb9lm91e): ${promotion.reason}.`,
        '',
        `Requested-by: ${ALICE}`,
      ].join('\n'),
    );
    expect(await fx.commitOf(head, '%an <%ae>')).toBe(
      'Gitops Bot <gitops@example.com>',
    );
    expect(fx.syncTriggers).toEqual([head]);
    expect(await promotedEvents()).toEqual([
      expect.objectContaining({
        type: 'promoted',
        commit: head,
        actor: ALICE,
        author: 'Gitops Bot',
        message: `Promote ${IMAGE}:stg-bbbb2222 to stg`,
        details: expect.objectContaining({
          from: { ...DEV, tag: 'dev-kb9lm91e' },
          to: { ...STG, tag: 'stg-9ij63o4c' },
          tag: 'stg-bbbb2222',
          mode: 'same-digest',
        }),
      }),
    ]);
  });

  it('copies the tag and locks the release, in one commit of one file, when no allowed tag has the digest', async () => {
    const before = (await fx.remote.head())!;
    const promotion = await promotions().promote(STG, { actor: ALICE });

    expect(promotion).toMatchObject({
      mode: 'copy-and-lock',
      tag: 'dev-kb9lm91e',
      requestedBy: ALICE,
    });
    expect(promotion.reason).toMatch(
      /no tag on sha256:[0-9a-f]{12} matches stg's policy glob:stg-\*/,
    );
    const head = promotion.commit!;
    expect(
      await runTestGit([
        `--git-dir=${fx.remote.path}`,
        'rev-list',
        '--count',
        `${before}..${head}`,
      ]),
    ).toBe('1');
    expect(await fx.changedFiles(before, head)).toEqual([STG_FILE]);
    expect(await fx.show(head, STG_FILE)).toBe(
      fx.seed[STG_FILE].replace(
        'tag: stg-9ij63o4c',
        'tag: dev-kb9lm91e',
      ).replace(
        '    filter.fluxcd.io/chart-image: glob:stg-*\n',
        [
          '    filter.fluxcd.io/chart-image: glob:stg-*',
          '    fluxcd.io/locked: "true"',
          `    fluxcd.io/locked_user: "${ALICE}"`,
          `    fluxcd.io/locked_msg: "Promoted ${IMAGE}:dev-kb9lm91e from dev by ${ALICE}"`,
          '',
        ].join('\n'),
      ),
    );
    expect(await promotedEvents()).toMatchObject([
      {
        actor: ALICE,
        commit: head,
        details: { mode: 'copy-and-lock', tag: 'dev-kb9lm91e' },
      },
    ]);

    // The point of the lock: image automation does not undo the promotion.
    await fx.sync();
    expect(await fx.syncStateStore.getRelease(STG)).toMatchObject({
      locked: true,
    });
    const automation = new ImageAutomation({
      repository: fx.repository,
      git: fx.git('automation'),
      syncStateStore: fx.syncStateStore,
      imageStatusStore: fx.imageStatusStore,
      eventStore: fx.eventStore,
      images: new ImageScanner({
        registries: [{ host: 'docker.io', url: fx.registry!.url }],
        cache: new InMemoryImageMetadataCache(),
        logger: mockServices.logger.mock(),
      }),
      logger: mockServices.logger.mock(),
    });
    await automation.run();
    expect(await fx.show('main', STG_FILE)).toContain('tag: dev-kb9lm91e');
  });

  it('gives prod the highest version its semver range allows on the digest stg runs', async () => {
    // stg and dev run the new build, which is also 0.4.9, 0.4.11 and 0.5.0.
    await fx.commit(
      {
        [STG_FILE]: fx.seed[STG_FILE].replace(
          'tag: stg-9ij63o4c',
          'tag: stg-new00001',
        ),
      },
      'stg moves on',
    );
    await fx.sync();
    for (const tag of ['stg-new00001', '0.4.9', '0.4.11', '0.5.0'])
      await fx.push(tag, BUILD_NEW);
    await fx.push('0.4.12', '2026-11-22T10:00:00Z'); // higher, but another image

    const promotion = await promotions().promote(PROD, { actor: ALICE });
    expect(promotion).toMatchObject({
      from: {
        environment: 'stg',
        namespace: 'stg',
        name: 'podinfo-rc',
        tag: 'stg-new00001',
      },
      tag: '0.4.11',
      mode: 'same-digest',
    });
    expect(promotion.reason).toMatch(
      /semver:~0.4 allows it; the policy's choice among 2 such tags/,
    );
    expect(await fx.show('main', PROD_FILE)).toBe(
      fx.seed[PROD_FILE].replace('tag: 0.4.10', 'tag: 0.4.11'),
    );
  });

  it('answers the exact change on a dry run and writes nothing; the real run then commits that diff', async () => {
    const head = await fx.remote.head();
    const dryRun = await promotions().promote(STG, {
      actor: ALICE,
      dryRun: true,
    });

    expect(dryRun.commit).toBeUndefined();
    expect(dryRun.mode).toBe('copy-and-lock');
    expect(dryRun.path).toBe(STG_FILE);
    expect(dryRun.diff).toBe(
      [
        `--- a/${STG_FILE}`,
        `+++ b/${STG_FILE}`,
        '@@ -9,6 +9,9 @@ metadata:',
        '     gitops.backstage.io/entity: component:default/podinfo',
        '     fluxcd.io/automated: "true"',
        '     filter.fluxcd.io/chart-image: glob:stg-*',
        '+    fluxcd.io/locked: "true"',
        `+    fluxcd.io/locked_user: "${ALICE}"`,
        `+    fluxcd.io/locked_msg: "Promoted ${IMAGE}:dev-kb9lm91e from dev by ${ALICE}"`,
        '   labels:',
        '     app: podinfo',
        ' spec:',
        '@@ -20,7 +23,7 @@ spec:',
        '   values:',
        '     image:',
        '       repository: stefanprodan/podinfo',
        '-      tag: stg-9ij63o4c',
        '+      tag: dev-kb9lm91e',
        '     replicaCount: 2',
        '     # staging runs load tests, so it scales out under pressure',
        '     hpa:',
        '',
      ].join('\n'),
    );
    expect(await fx.remote.head()).toBe(head);
    expect(await promotedEvents()).toEqual([]);
    expect(fx.syncTriggers).toEqual([]);

    const real = await promotions().promote(STG, { actor: ALICE });
    const gitDiff = await runTestGit([
      `--git-dir=${fx.remote.path}`,
      'diff',
      '--no-color',
      `${head}`,
      real.commit!,
    ]);
    expect(`${gitDiff}\n`.slice(gitDiff.indexOf('---'))).toBe(dryRun.diff);
    expect({ ...real, commit: undefined, requestedBy: undefined }).toEqual({
      ...dryRun,
      commit: undefined,
      requestedBy: undefined,
    });
  });

  it('has nothing to promote once the stage runs the image', async () => {
    await fx.push('stg-same0001', BUILD_NEW);
    await promotions().promote(STG, { actor: ALICE });
    await fx.sync();
    const head = await fx.remote.head();
    await expect(promotions().promote(STG, { actor: ALICE })).rejects.toThrow(
      ConflictError,
    );
    await expect(
      promotions().promote(STG, { actor: ALICE, dryRun: true }),
    ).rejects.toThrow(
      /Nothing to promote: stg already runs stefanprodan\/podinfo:stg-same0001/,
    );

    // Another allowed tag of the same image is no reason for a commit either.
    await fx.push('stg-same0002', BUILD_NEW);
    await expect(promotions().promote(STG, { actor: ALICE })).rejects.toThrow(
      /already runs that image \(stefanprodan\/podinfo:stg-same0001/,
    );
    expect(await fx.remote.head()).toBe(head);
  });

  it('re-plans on the new head when someone pushes first, never forcing', async () => {
    const git = fx.git();
    const realPush = git.push.bind(git);
    let raced = false;
    git.push = async commit => {
      if (!raced) {
        raced = true;
        await fx.commit(
          {
            [STG_FILE]: fx.seed[STG_FILE].replace(
              'replicaCount: 2',
              'replicaCount: 4',
            ),
          },
          'Scale stg',
        );
      }
      return realPush(commit);
    };
    const promotion = await promotions({ git }).promote(STG, { actor: ALICE });
    expect(await fx.log()).toEqual([
      `Promote ${IMAGE}:dev-kb9lm91e to stg`,
      'Scale stg',
      'Import',
    ]);
    const file = await fx.show('main', STG_FILE);
    expect(file).toContain('replicaCount: 4');
    expect(file).toContain('tag: dev-kb9lm91e');
    // The diff shown is against the head the commit went onto.
    expect(promotion.diff).toContain('\n     replicaCount: 4\n');
    expect(
      await runTestGit([
        `--git-dir=${fx.remote.path}`,
        'rev-list',
        '--merges',
        'main',
      ]),
    ).toBe('');
  });

  it('refuses what cannot be promoted, naming why', async () => {
    await expect(promotions().promote(DEV, { actor: ALICE })).rejects.toThrow(
      new InputError(
        'dev is the first stage of repository config: there is no stage to promote from',
      ),
    );
    await expect(
      promotions().promote({ ...STG, name: 'nope' }, { actor: ALICE }),
    ).rejects.toThrow(NotFoundError);

    // stg's image is not anywhere in dev.
    await fx.commit(
      {
        'releases/stg/worker.yaml': fx.seed[STG_FILE].replace(
          'name: podinfo-rc',
          'name: worker',
        ).replace('stefanprodan/podinfo', 'org/worker'),
      },
      'Add a worker',
    );
    await fx.sync();
    await expect(
      promotions().promote({ ...STG, name: 'worker' }, { actor: ALICE }),
    ).rejects.toThrow(
      /No release in dev, the stage before stg, deploys org\/worker/,
    );

    // The tag dev runs is gone from the registry.
    await fx.commit(
      {
        'releases/dev/podinfo.yaml': fx.seed[
          'releases/dev/podinfo.yaml'
        ].replace('dev-kb9lm91e', 'dev-vanished'),
      },
      'dev on a tag nobody pushed',
    );
    await expect(promotions().promote(STG, { actor: ALICE })).rejects.toThrow(
      new ConflictError(
        'stefanprodan/podinfo:dev-vanished, which dev runs, is not in the registry',
      ),
    );
    expect(await fx.log()).toEqual([
      'dev on a tag nobody pushed',
      'Add a worker',
      'Import',
    ]);
  });

  it('refuses to promote into, or from, a file that does not read cleanly at the head, dry run or not', async () => {
    // Pushed after the last sync: the store still holds both releases clean.
    const broken = (file: string, name: string) =>
      fx.seed[file].replace('  labels:\n', `  name: ${name}\n  labels:\n`);
    const head = await fx.commit(
      { [STG_FILE]: broken(STG_FILE, 'podinfo-rc') },
      'A typo in stg',
    );
    const refusal = new RegExp(
      `^${STG_FILE} line \\d+ does not read cleanly at ${head.slice(
        0,
        12,
      )}: .*; fix the file first$`,
    );
    for (const dryRun of [true, false]) {
      await expect(
        promotions().promote(STG, { actor: ALICE, dryRun }),
      ).rejects.toThrow(refusal);
      await expect(
        promotions().promote(PROD, { actor: ALICE, dryRun }),
      ).rejects.toThrow(ConflictError);
    }
    expect(await fx.remote.head()).toBe(head);
    expect(await promotedEvents()).toEqual([]);
  });

  it('answers 503 when the registry cannot be reached', async () => {
    const down = new RegistryTagDigests({
      registries: [{ host: 'docker.io', url: 'http://127.0.0.1:1' }],
      logger: mockServices.logger.mock(),
    });
    await expect(
      promotions({ registry: down }).promote(STG, { actor: ALICE }),
    ).rejects.toThrow(ServiceUnavailableError);
  });
});
