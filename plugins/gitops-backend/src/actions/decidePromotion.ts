import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  describePolicy,
  GitopsPromotion,
  imageLabel,
  parseImagePolicy,
  PolicyDefinition,
} from '@backstage-gitops/plugin-gitops-common';
import { errorMessage } from '../kernel';
import { findTagOnDigest } from './findTagOnDigest';
import { ImageRef, TagDigests } from './RegistryTagDigests';

export type PromotionDecision = {
  mode: GitopsPromotion['mode'];
  tag: string;
  digest: string;
  reason: string;
};

export type PromotionQuestion = {
  image: ImageRef;
  /** The stage the image comes from, and its tag there. */
  from: { environment: string; tag: string; digest?: string };
  /**
   * The promoted stage, its tag now, and the filter as written (none when
   * automation leaves it alone); a Flux v2 ImagePolicy comes read already,
   * as `definition`, with `policy` its description.
   */
  to: {
    environment: string;
    tag: string;
    policy?: string;
    definition?: PolicyDefinition;
  };
};

const short = (digest: string) =>
  digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1');

function readPolicy(question: PromotionQuestion): PolicyDefinition {
  if (question.to.definition) return question.to.definition;
  try {
    return parseImagePolicy(question.to.policy);
  } catch (error) {
    throw new InputError(
      `The image policy of ${question.to.environment} (${
        question.to.policy
      }) is invalid: ${errorMessage(error)}`,
    );
  }
}

/** Registry faults are the registry's: 503, never the caller's 401 or 403. */
async function fromRegistry<T>(
  image: ImageRef,
  ask: () => Promise<T>,
): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    throw new ServiceUnavailableError(
      `Cannot read ${imageLabel(image)} from its registry: ${errorMessage(
        error,
      )}`,
    );
  }
}

/**
 * What a promotion writes. The image is the digest the previous stage's tag
 * points at now. When the registry has a tag on that digest which this
 * stage's policy allows, that tag (the policy's choice among several):
 * `same-digest`, automation stays on. Otherwise the previous stage's tag,
 * which the policy would undo at the next scan, so the release must be
 * locked: `copy-and-lock`. A stage without a policy takes the tag as it is.
 *
 * `ConflictError` when this stage already runs the image, or the previous
 * stage's tag is gone from the registry; `ServiceUnavailableError` when the
 * registry cannot answer.
 */
export async function decidePromotion(
  registry: TagDigests,
  question: PromotionQuestion,
): Promise<PromotionDecision> {
  const { image, from, to } = question;
  const label = imageLabel(image);
  let digest = from.digest;
  if (!digest) {
    digest = (
      await fromRegistry(image, () => registry.digestsOf(image, [from.tag]))
    ).get(from.tag);
    if (!digest) {
      throw new ConflictError(
        `${label}:${from.tag}, which ${from.environment} runs, is not in the registry`,
      );
    }
  }

  let decision: PromotionDecision;
  if (to.policy === undefined && !to.definition) {
    if (!from.tag) {
      throw new InputError(
        `${from.environment} pins ${label} by digest only; there is no tag to promote`,
      );
    }
    decision = {
      mode: 'same-digest',
      tag: from.tag,
      digest,
      reason: `${to.environment} follows no image policy, so the tag is written as it is and automation leaves it alone`,
    };
  } else {
    const def = readPolicy(question);
    // A Flux ImagePolicy in its own words, as the card shows it.
    const policy = to.definition && to.policy ? to.policy : describePolicy(def);
    const found = await fromRegistry(image, () =>
      findTagOnDigest(registry, image, digest!, def),
    );
    const unchecked = found.unchecked
      ? ` (${found.unchecked} more tags it allows were not checked)`
      : '';
    if (found.tag) {
      const among =
        found.matches > 1
          ? `; the policy's choice among ${found.matches} such tags`
          : '';
      decision = {
        mode: 'same-digest',
        tag: found.tag,
        digest,
        reason: `${found.tag} is the same image (${short(digest)}) as ${
          from.tag || 'the one'
        } ${from.environment} runs, and ${
          to.environment
        }'s policy ${policy} allows it${among}`,
      };
    } else if (!from.tag) {
      throw new InputError(
        `${from.environment} pins ${label} by digest only and no tag on ${short(
          digest,
        )} matches ${policy}${unchecked}; there is no tag to promote`,
      );
    } else {
      decision = {
        mode: 'copy-and-lock',
        tag: from.tag,
        digest,
        reason: `no tag on ${short(digest)} matches ${
          to.environment
        }'s policy ${policy}${unchecked}, so ${
          from.tag
        } is written and the release is locked, or the next image scan would undo it`,
      };
    }
  }

  if (decision.tag === to.tag) {
    throw new ConflictError(
      `Nothing to promote: ${to.environment} already runs ${label}:${to.tag}`,
    );
  }
  if (to.tag) {
    const current = await fromRegistry(image, () =>
      registry.digestsOf(image, [to.tag]),
    );
    if (current.get(to.tag) === digest) {
      throw new ConflictError(
        `Nothing to promote: ${
          to.environment
        } already runs that image (${label}:${to.tag}, ${short(digest)})`,
      );
    }
  }
  return decision;
}
