import { mockServices } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { ImageAutomation } from '../automation';
import { ImageAutomationParty } from '../config';
import { ImageScanner } from '../registry';
import { InMemoryImageMetadataCache } from '../registry/__testUtils__/InMemoryImageMetadataCache';
import {
  ActionsFixture,
  createActionsFixture,
  IMAGE,
} from './__testUtils__/actionsFixture';
import { ReleaseLocks } from './ReleaseLocks';
import { ReleasePromotions } from './ReleasePromotions';

jest.setTimeout(90_000);

const ALICE = 'user:default/alice';
const STAGING = {
  environment: 'staging',
  namespace: 'staging',
  name: 'podinfo',
};
const PRODUCTION = {
  environment: 'production',
  namespace: 'production',
  name: 'podinfo',
};
const STAGING_PATCH = 'apps/staging/podinfo-values.yaml';
const PRODUCTION_PATCH = 'apps/production/podinfo-values.yaml';
const BASE = 'apps/base/podinfo/release.yaml';
const PRODUCTION_MARKER =
  '# {"$imagepolicy": "flux-system:podinfo-production:tag"}';

// Images pushed with the same creation time have the same digest.
const BUILD_OLD = '2026-11-01T10:00:00Z';
const BUILD_NEW = '2026-11-20T10:00:00Z';

/**
 * Promotion and locks on examples/config-repo-v2, Flux's recommended
 * layout: staging and production from clusters/<env>, each an overlay of
 * apps/base whose patch holds the environment's tag and setter marker.
 */
describe('release actions on a Flux v2 repository', () => {
  let fx: ActionsFixture;

  const setUp = async (automation?: ImageAutomationParty) => {
    fx = await createActionsFixture({
      registry: true,
      example: 'config-repo-v2',
      automation,
    });
    // staging's release candidate is the build 6.5.1 is tagged on too;
    // production runs an older build.
    await fx.push('6.5.0-rc.1', BUILD_NEW);
    await fx.push('6.5.0', BUILD_OLD);
  };

  afterEach(async () => {
    await fx.cleanup();
  });

  const options = () => ({
    syncStateStore: fx.syncStateStore,
    eventStore: fx.eventStore,
    writers: (id: string) => {
      if (id !== 'config') throw new NotFoundError(id);
      return fx.writer();
    },
  });
  const promotions = () =>
    new ReleasePromotions({ ...options(), registry: fx.digests() });
  const locks = () => new ReleaseLocks(options());

  /** One run of this plugin's image automation over the repository, as the schedule runs it. */
  const automate = () => {
    const logger = mockServices.logger.mock();
    const scanner = new ImageScanner({
      registries: [{ host: 'ghcr.io', url: fx.registry!.url }],
      cache: new InMemoryImageMetadataCache(),
      logger,
    });
    return new ImageAutomation({
      repository: fx.repository,
      git: fx.git(),
      syncStateStore: fx.syncStateStore,
      imageStatusStore: fx.imageStatusStore,
      eventStore: fx.eventStore,
      images: {
        scan: (image, wants) => scanner.scan(image, wants),
        digestOf: (image, tag) => scanner.digestOf(image, tag),
      },
      logger,
    }).run();
  };

  describe('promotion', () => {
    it("writes the tag production's ImagePolicy allows into production's patch, marker kept, and the dry run names that file", async () => {
      await setUp();
      await fx.push('6.5.1', BUILD_NEW);
      const before = (await fx.remote.head())!;

      const dryRun = await promotions().promote(PRODUCTION, {
        actor: ALICE,
        dryRun: true,
      });
      expect(dryRun).toMatchObject({
        from: { ...STAGING, tag: '6.5.0-rc.1' },
        to: { ...PRODUCTION, tag: '6.5.0' },
        image: `ghcr.io/${IMAGE}`,
        tag: '6.5.1',
        mode: 'same-digest',
        path: PRODUCTION_PATCH,
      });
      expect(dryRun.reason).toMatch(
        /production's policy semver:~6\.5\.0 allows it/,
      );
      expect(dryRun.diff).toContain(`-      tag: 6.5.0 ${PRODUCTION_MARKER}`);
      expect(dryRun.diff).toContain(`+      tag: 6.5.1 ${PRODUCTION_MARKER}`);
      expect(await fx.remote.head()).toBe(before);

      const promotion = await promotions().promote(PRODUCTION, {
        actor: ALICE,
      });
      const head = promotion.commit!;
      expect(await fx.changedFiles(before, head)).toEqual([PRODUCTION_PATCH]);
      expect(await fx.show(head, PRODUCTION_PATCH)).toBe(
        fx.seed[PRODUCTION_PATCH].replace(
          `tag: 6.5.0 ${PRODUCTION_MARKER}`,
          `tag: 6.5.1 ${PRODUCTION_MARKER}`,
        ),
      );

      await fx.sync();
      expect(await fx.syncStateStore.getRelease(PRODUCTION)).toMatchObject({
        images: [expect.objectContaining({ tag: '6.5.1' })],
        locked: false,
      });
    });

    it("copies a tag production's policy does not allow and locks production in its patch, which a sync reads back", async () => {
      await setUp();
      const before = (await fx.remote.head())!;

      const promotion = await promotions().promote(PRODUCTION, {
        actor: ALICE,
      });
      expect(promotion).toMatchObject({
        tag: '6.5.0-rc.1',
        mode: 'copy-and-lock',
        path: PRODUCTION_PATCH,
      });
      const head = promotion.commit!;
      expect(await fx.changedFiles(before, head)).toEqual([PRODUCTION_PATCH]);
      const written = await fx.show(head, PRODUCTION_PATCH);
      expect(written).toContain(`tag: 6.5.0-rc.1 ${PRODUCTION_MARKER}`);
      expect(written).toContain(
        [
          '  name: podinfo',
          '  annotations:',
          '    fluxcd.io/locked: "true"',
          '',
        ].join('\n'),
      );

      await fx.sync();
      expect(await fx.syncStateStore.getRelease(PRODUCTION)).toMatchObject({
        locked: true,
      });
    });

    it("refuses a promotion that needs a lock when Flux's image automation commits, saying what Flux would need", async () => {
      await setUp('flux');
      const before = await fx.remote.head();
      for (const dryRun of [true, false]) {
        const refusal = promotions().promote(PRODUCTION, {
          actor: ALICE,
          dryRun,
        });
        await expect(refusal).rejects.toThrow(InputError);
        await expect(refusal).rejects.toThrow(
          /needs a lock .*ignores fluxcd\.io\/locked.*suspend the ImageUpdateAutomation flux-system\/apps .*stops every image update it makes/,
        );
      }
      expect(await fx.remote.head()).toBe(before);
    });

    it('refuses to write a tag in a base other environments read too, naming them', async () => {
      await setUp();
      await fx.push('6.5.1', BUILD_NEW);
      // production takes its tag from the base now, and so does a canary
      // environment whose overlay patches nothing.
      await fx.commit(
        {
          [PRODUCTION_PATCH]: fx.seed[PRODUCTION_PATCH].replace(
            `    image:\n      tag: 6.5.0 ${PRODUCTION_MARKER}\n`,
            '',
          ),
          'clusters/canary/apps.yaml': fx.seed[
            'clusters/production/apps.yaml'
          ].replace(/production/g, 'canary'),
          'apps/canary/kustomization.yaml': [
            'apiVersion: kustomize.config.k8s.io/v1beta1',
            'kind: Kustomization',
            'namespace: canary',
            'resources:',
            '  - ../base/podinfo',
            '',
          ].join('\n'),
        },
        'production and canary follow the base',
      );
      await fx.sync();
      expect(await fx.syncStateStore.getRelease(PRODUCTION)).toMatchObject({
        images: [expect.objectContaining({ tag: '6.5.0', file: BASE })],
      });
      const before = await fx.remote.head();

      for (const dryRun of [true, false]) {
        const refusal = promotions().promote(PRODUCTION, {
          actor: ALICE,
          dryRun,
        });
        await expect(refusal).rejects.toThrow(InputError);
        await expect(refusal).rejects.toThrow(
          `production's image tag (chart-image) is written in ${BASE}, which canary reads too: the change would also change canary. Refused: changing a file several environments share needs an explicit option, which this action does not offer yet`,
        );
      }
      expect(await fx.remote.head()).toBe(before);
    });
  });

  describe('locks', () => {
    it("lock writes fluxcd.io/locked into the environment's patch, a sync reads it through the overlay, unlock takes it out again", async () => {
      await setUp('backstage');
      const before = (await fx.remote.head())!;

      const locked = await locks().lock(STAGING, {
        actor: ALICE,
        message: 'Hold for the demo',
      });
      expect(locked).toMatchObject({ changed: true, path: STAGING_PATCH });
      expect(await fx.changedFiles(before, locked.commit!)).toEqual([
        STAGING_PATCH,
      ]);
      expect(await fx.show(locked.commit!, STAGING_PATCH)).toBe(
        fx.seed[STAGING_PATCH].replace(
          '  name: podinfo\n',
          [
            '  name: podinfo',
            '  annotations:',
            '    fluxcd.io/locked: "true"',
            `    fluxcd.io/locked_user: "${ALICE}"`,
            '    fluxcd.io/locked_msg: "Hold for the demo"',
            '',
          ].join('\n'),
        ),
      );
      await fx.sync();
      expect(await fx.syncStateStore.getRelease(STAGING)).toMatchObject({
        locked: true,
      });
      expect(await fx.syncStateStore.getRelease(PRODUCTION)).toMatchObject({
        locked: false,
      });

      // Image automation leaves the locked marker alone: a newer tag staging's policy allows stays unwritten.
      await fx.push('6.5.1-rc.1', BUILD_NEW);
      await automate();
      expect(await fx.show('main', STAGING_PATCH)).toContain(
        'tag: 6.5.0-rc.1 #',
      );

      expect(await locks().lock(STAGING, { actor: ALICE })).toMatchObject({
        changed: false,
      });
      const unlocked = await locks().unlock(STAGING, { actor: ALICE });
      expect(unlocked).toMatchObject({ changed: true, path: STAGING_PATCH });
      expect(await fx.show(unlocked.commit!, STAGING_PATCH)).toBe(
        fx.seed[STAGING_PATCH],
      );

      // Unlocked and synced, the same run writes it.
      await fx.sync();
      await automate();
      expect(await fx.show('main', STAGING_PATCH)).toContain(
        'tag: 6.5.1-rc.1 #',
      );
    });

    it("refuses lock and unlock when Flux's image-automation-controller commits, since it ignores the annotation", async () => {
      await setUp('flux');
      const before = await fx.remote.head();
      for (const act of [
        () => locks().lock(STAGING, { actor: ALICE }),
        () => locks().unlock(STAGING, { actor: ALICE }),
      ]) {
        const refusal = act();
        await expect(refusal).rejects.toThrow(InputError);
        await expect(refusal).rejects.toThrow(
          /is refused: the images of config are automated by Flux's image-automation-controller, which ignores fluxcd\.io\/locked, so a lock would hold nothing\. Flux's way is to suspend the ImageUpdateAutomation flux-system\/apps .*stops every image update it makes/,
        );
      }
      expect(await fx.remote.head()).toBe(before);
    });

    it('refuses a lock with image automation off: nothing to lock against', async () => {
      await setUp('off');
      await expect(locks().lock(STAGING, { actor: ALICE })).rejects.toThrow(
        /image automation is off for config, so there is nothing to lock against/,
      );
    });
  });
});
