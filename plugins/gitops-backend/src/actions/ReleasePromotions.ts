import { ConflictError, InputError } from '@backstage/errors';
import {
  GitopsPromotion,
  GitopsReleaseKey,
  imageLabel,
} from '@backstage-gitops/plugin-gitops-common';
import { lockChange, rewriteAnnotations, rewriteImageTags } from '../edits';
import { actionMessage, subjectOf } from './commitMessages';
import { PromotionDecision, decidePromotion } from './decidePromotion';
import { findPreviousStage } from './previousStage';
import { TagDigests } from './RegistryTagDigests';
import { findReleaseImage, releaseAtHead } from './releaseAtHead';
import { HeadSnapshot, PlannedCommit } from './RepositoryWriter';
import { unifiedDiff } from './unifiedDiff';
import { ReleaseActionOptions, requireRelease } from './writers';

/**
 * "Promote": the release gets the image its previous stage runs, in one
 * commit to the config repository (see `decidePromotion` for which tag and
 * whether the release is locked). A dry run answers the exact change and
 * writes nothing.
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
        releaseAtHead(snapshot, target),
        releaseAtHead(snapshot, stage.release),
      ]);
      const toImage = findReleaseImage(to, stage.container);
      const fromImage = findReleaseImage(from, stage.image.container);
      if (toImage.digest) {
        throw new InputError(
          `${target.environment} pins ${imageLabel(toImage)} by digest in ${
            target.sourcePath
          }; a promotion writes tags`,
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
          policy: toImage.policy,
        },
      });

      const image = imageLabel(toImage);
      const path = target.sourcePath;
      let content = rewriteImageTags(path, to.content, [
        {
          document: to.manifest.source.document,
          image: toImage,
          newTag: decision.tag,
        },
      ]).content;
      if (decision.mode === 'copy-and-lock') {
        const message = `Promoted ${image}:${decision.tag} from ${stage.environment.name} by ${request.actor}`;
        content = rewriteAnnotations(
          path,
          content,
          to.manifest.source.document,
          lockChange(request.actor, message),
        ).content;
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
        diff: unifiedDiff(path, to.content, content),
      };
      return {
        files: new Map([[path, Buffer.from(content, 'utf8')]]),
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
    const written = await writer.write(plan);
    if (!written) {
      // The tags differed when planned; an empty commit means someone wrote the same change first.
      throw new ConflictError(
        `Nothing to promote: ${target.sourcePath} already holds this change`,
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
