import { ConflictError, InputError } from '@backstage/errors';
import {
  GitopsPromotion,
  GitopsReleaseKey,
  imageLabel,
} from '@backstage-gitops/plugin-gitops-common';
import { lockChange, rewriteAnnotations, rewriteImageTags } from '../edits';
import { fluxIgnoresLocks, partyOf } from './automationParty';
import { actionMessage, subjectOf } from './commitMessages';
import { PromotionDecision, decidePromotion } from './decidePromotion';
import { markerPolicyOf } from './markerPolicy';
import { findPreviousStage } from './previousStage';
import { TagDigests } from './RegistryTagDigests';
import { findReleaseImage, releaseAtHead } from './releaseAtHead';
import {
  readsAnnotationsFrom,
  readsValueFrom,
  refuseSharedFile,
  valueFileOf,
} from './sharedFile';
import { HeadSnapshot, PlannedCommit } from './RepositoryWriter';
import { unifiedDiff } from './unifiedDiff';
import { ReleaseActionOptions, requireRelease } from './writers';

/**
 * "Promote": the release gets the image its previous stage runs, in one
 * commit to the config repository (see `decidePromotion` for which tag and
 * whether the release is locked). A dry run answers the exact change and
 * writes nothing.
 *
 * The tag is written in the file that holds the target's value (in Flux
 * v2's layout, its overlay's patch, marker and all), the lock where
 * per-environment edits go. A value in a base other environments read too
 * is refused, naming them. A Flux v2 setter marker's ImagePolicy decides
 * which tags the target allows; under Flux's own image automation, which
 * ignores locks, a promotion that would need one is refused.
 */
export class ReleasePromotions {
  private readonly clock: () => Date;

  constructor(
    private readonly options: ReleaseActionOptions & { registry: TagDigests },
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  async promote(
    key: GitopsReleaseKey,
    request: { actor: string; dryRun?: boolean },
  ): Promise<GitopsPromotion> {
    const { syncStateStore, eventStore } = this.options;
    const target = await requireRelease(syncStateStore, key);
    const stage = await findPreviousStage(syncStateStore, target);
    const writer = this.options.writers(target.repository);
    const targetImage = target.images.find(
      i => i.container === stage.container,
    );
    const path = targetImage
      ? valueFileOf(target, targetImage)
      : target.sourcePath;
    await refuseSharedFile(syncStateStore, target, {
      what: `image tag (${stage.container})`,
      path,
      reads: readsValueFrom(path),
    });
    const markerPolicy = await markerPolicyOf(
      syncStateStore,
      target,
      targetImage,
    );
    const lockPath = target.sourcePath;

    // A retry on a new head asks the registry again only if git changed the question.
    const decisions = new Map<string, Promise<PromotionDecision>>();
    const decide = (question: Parameters<typeof decidePromotion>[1]) => {
      const id = JSON.stringify(question);
      let decision = decisions.get(id);
      if (!decision) {
        decision = decidePromotion(this.options.registry, question);
        decisions.set(id, decision);
      }
      return decision;
    };

    const plan = async (
      snapshot: HeadSnapshot,
    ): Promise<PlannedCommit<GitopsPromotion>> => {
      const [to, from] = await Promise.all([
        releaseAtHead(snapshot, target, path),
        releaseAtHead(
          snapshot,
          stage.release,
          valueFileOf(stage.release, stage.image),
        ),
      ]);
      const toImage = findReleaseImage(to, stage.container);
      const fromImage = findReleaseImage(from, stage.image.container);
      if (toImage.digest) {
        throw new InputError(
          `${target.environment} pins ${imageLabel(
            toImage,
          )} by digest in ${path}; a promotion writes tags`,
        );
      }
      const decision = await decide({
        image: {
          registry: fromImage.registry,
          repository: fromImage.repository,
        },
        from: {
          environment: stage.environment.name,
          tag: fromImage.tag,
          ...(fromImage.digest ? { digest: fromImage.digest } : {}),
        },
        to: {
          environment: target.environment,
          tag: toImage.tag,
          ...(markerPolicy ?? { policy: toImage.policy }),
        },
      });

      const image = imageLabel(toImage);
      const content = rewriteImageTags(path, to.content, [
        { document: to.document, image: toImage, newTag: decision.tag },
      ]).content;
      // Each changed file: its text at the head, and as the commit writes it.
      const files = new Map([[path, { before: to.content, after: content }]]);
      if (decision.mode === 'copy-and-lock') {
        if (partyOf(writer.repository) === 'flux') {
          throw await fluxIgnoresLocks(
            syncStateStore,
            target,
            `Promoting ${image}:${decision.tag} to ${target.environment} needs a lock (${decision.reason}); it`,
          );
        }
        if (lockPath !== path) {
          await refuseSharedFile(syncStateStore, target, {
            what: 'lock',
            path: lockPath,
            reads: readsAnnotationsFrom(lockPath),
          });
        }
        const at =
          lockPath === path ? to : await releaseAtHead(snapshot, target);
        const before = files.get(lockPath)?.after ?? at.content;
        const message = `Promoted ${image}:${decision.tag} from ${stage.environment.name} by ${request.actor}`;
        files.set(lockPath, {
          before: files.get(lockPath)?.before ?? at.content,
          after: rewriteAnnotations(
            lockPath,
            before,
            at.document,
            lockChange(request.actor, message),
          ).content,
        });
      }
      const promotion: GitopsPromotion = {
        from: {
          environment: stage.release.environment,
          namespace: stage.release.namespace,
          name: stage.release.name,
          tag: fromImage.tag,
        },
        to: { ...key, tag: toImage.tag },
        container: toImage.container,
        image,
        tag: decision.tag,
        digest: decision.digest,
        mode: decision.mode,
        reason: decision.reason,
        path,
        diff: [...files]
          .map(([file, { before, after }]) => unifiedDiff(file, before, after))
          .join('\n'),
      };
      return {
        files: new Map(
          [...files].map(([file, { after }]) => [
            file,
            Buffer.from(after, 'utf8'),
          ]),
        ),
        message: actionMessage({
          subject: `Promote ${image}:${decision.tag} to ${target.environment}`,
          body: [
            `From ${stage.environment.name} (${stage.release.namespace}/${
              stage.release.name
            }, ${fromImage.tag || decision.digest}): ${decision.reason}.`,
          ],
          actor: request.actor,
        }),
        value: promotion,
      };
    };

    if (request.dryRun) {
      return (await writer.preview(plan)).value;
    }
    const written = await writer.write(plan, { reason: 'promotion' });
    if (!written) {
      // The tags differed when planned; an empty commit means someone wrote the same change first.
      throw new ConflictError(
        `Nothing to promote: ${path} already holds this change`,
      );
    }
    const promotion: GitopsPromotion = {
      ...written.value,
      commit: written.commit,
      requestedBy: request.actor,
    };
    await eventStore.addEvents([
      {
        type: 'promoted',
        repository: target.repository,
        ...key,
        commit: written.commit,
        author: writer.repository.author.name,
        message: subjectOf(written.message),
        actor: request.actor,
        details: {
          from: promotion.from,
          to: promotion.to,
          image: promotion.image,
          container: promotion.container,
          tag: promotion.tag,
          digest: promotion.digest,
          mode: promotion.mode,
        },
        at: this.clock(),
      },
    ]);
    return promotion;
  }
}
