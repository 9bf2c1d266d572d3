import {
  GitopsImageStatus,
  isDowngrade,
  PolicyDefinition,
  policyAllows,
  selectLatestTag,
  TagCandidate,
} from '@backstage-gitops/plugin-gitops-common';
import {
  FluxObjectRecord,
  ImageStatusRecord,
  ReleaseRecord,
  ReleaseRecordImage,
} from '../database';
import { errorMessage } from '../kernel';
import {
  automationFor,
  repositoryAutomations,
  RepositoryAutomation,
  resolveImagePolicy,
  ResolvedPolicy,
} from './fluxPolicies';
import { PolicyTarget } from './rewriteMarkedValues';

/** A release image whose value carries a Flux setter marker. */
export type MarkedUse = {
  release: ReleaseRecord;
  image: ReleaseRecordImage;
  ref: NonNullable<ReleaseRecordImage['imagePolicyRef']>;
  /** The file holding the marked value. */
  file: string;
};

/** One commit to make: the markers of the files one automation (or none) writes. */
export type MarkerPlan = {
  /** Unset when the repository has no ImageUpdateAutomation: this plugin's author and message. */
  automation?: RepositoryAutomation;
  /** Per file, what each policy (`namespace/name`) chose. */
  files: Map<string, Map<string, PolicyTarget>>;
  /** The release images that nominated the moves, for events. */
  uses: Array<MarkedUse & { to: string }>;
};

/** What the marked images need of a registry scanner. */
export interface MarkedImageSource {
  scan(
    image: { registry?: string; repository: string },
    wantsTimestamp: (tag: string) => boolean,
  ): Promise<
    | { ok: true; tags: TagCandidate[] }
    | { ok: false; error: string; at: string }
  >;
  /** The manifest digest of a tag, for `:digest` markers. */
  digestOf?(
    image: { registry?: string; repository: string },
    tag: string,
  ): Promise<string>;
}

/** Release images marked with setters; Flux v1's annotations do not decide these. */
export function markedUses(releases: ReleaseRecord[]): MarkedUse[] {
  return releases.flatMap(release =>
    release.images.flatMap(image =>
      image.imagePolicyRef
        ? [
            {
              release,
              image,
              ref: image.imagePolicyRef,
              file: image.file ?? release.sourcePath,
            },
          ]
        : [],
    ),
  );
}

export function statusRecord(
  use: MarkedUse,
  status: GitopsImageStatus,
): ImageStatusRecord {
  return {
    repositoryId: use.release.repository,
    environment: use.release.environment,
    namespace: use.release.namespace,
    name: use.release.name,
    container: use.image.container,
    status,
  };
}

const imageText = (image: { registry?: string; repository: string }) =>
  image.registry ? `${image.registry}/${image.repository}` : image.repository;

/** The value a use's marker holds now, to measure a move against. */
function currentTag(use: MarkedUse): string {
  return use.image.tag;
}

type PolicyOutcome =
  | { kind: 'problem'; problem: string; resolved?: ResolvedPolicy }
  | { kind: 'error'; error: string; at: string; resolved: ResolvedPolicy }
  | { kind: 'no-match'; resolved: ResolvedPolicy }
  | {
      kind: 'choice';
      resolved: ResolvedPolicy;
      /** The definition the tags were ranked by: one object per distinct policy, so it compiles once. */
      definition: PolicyDefinition;
      /** The tags the policy allows, to measure a value against the choice. */
      candidates: TagCandidate[];
      tag: string;
      reason: string;
      digest?: string;
      digestError?: string;
    };

/**
 * Decides every marked image from the repository's own Flux objects, as
 * image-reflector-controller and image-automation-controller would: the
 * ImagePolicy the marker names (the environment's own when several files
 * define it differently), the tags of its ImageRepository's image minus its
 * exclusion list, and the ImageUpdateAutomation whose update path holds the
 * marker's file. Each image is scanned once per run. Returns a status per
 * release image and the commits to make; a marker that cannot be decided
 * or written says why on its status and is never moved.
 */
export async function decideMarkedImages(options: {
  uses: MarkedUse[];
  objects: FluxObjectRecord[];
  /** The config repository: its url tells which GitRepository is this one. */
  repository: { url: string; branch: string };
  images: MarkedImageSource;
  clock: () => Date;
  signal?: AbortSignal;
}): Promise<{
  statuses: ImageStatusRecord[];
  plans: MarkerPlan[];
  problems: string[];
}> {
  const { uses, objects, images, clock, signal } = options;
  const { automations, problems } = repositoryAutomations(
    objects,
    options.repository,
  );
  const scans = new Map<string, ReturnType<MarkedImageSource['scan']>>();
  const digests = new Map<string, Promise<string>>();
  const outcomes = new Map<string, Promise<PolicyOutcome>>();
  // Many markers share an image and a policy's words: filter and rank once each.
  const unexcluded = new Map<string, TagCandidate[]>();
  const rankings = new Map<
    string,
    {
      definition: PolicyDefinition;
      allowed: TagCandidate[];
      choice?: { tag: string; reason: string };
    }
  >();
  const rank = (
    resolved: ResolvedPolicy,
    label: string,
    tags: TagCandidate[],
  ) => {
    const exclusions = `${label}\n${resolved.repository.exclusionList.join(
      '\n',
    )}`;
    let candidates = unexcluded.get(exclusions);
    if (!candidates) {
      candidates = tags.filter(t => !resolved.repository.excludes(t.tag));
      unexcluded.set(exclusions, candidates);
    }
    const key = `${exclusions}\n${JSON.stringify(resolved.policy.definition)}`;
    let ranking = rankings.get(key);
    if (!ranking) {
      const definition = resolved.policy.definition;
      const allowed = candidates.filter(t => policyAllows(definition, t.tag));
      const choice = selectLatestTag(definition, allowed);
      ranking = { definition, allowed, ...(choice ? { choice } : {}) };
      rankings.set(key, ranking);
    }
    return ranking;
  };

  const outcomeOf = (use: MarkedUse): Promise<PolicyOutcome> => {
    const key = `${use.release.environment}|${use.ref.namespace}/${
      use.ref.name
    }|${use.ref.field === 'digest'}`;
    let outcome = outcomes.get(key);
    if (!outcome) {
      outcome = decidePolicy(use);
      outcomes.set(key, outcome);
    }
    return outcome;
  };

  async function decidePolicy(use: MarkedUse): Promise<PolicyOutcome> {
    const resolved = resolveImagePolicy(
      objects,
      use.ref,
      use.release.environment,
    );
    if ('problem' in resolved)
      return { kind: 'problem', problem: resolved.problem };
    const image = resolved.repository.image;
    const label = imageText(image);
    let scan = scans.get(label);
    if (!scan) {
      // v2 policies order by the tag alone: no image metadata is fetched.
      scan = images.scan(image, () => false);
      scans.set(label, scan);
    }
    const result = await scan;
    if (!result.ok)
      return { kind: 'error', error: result.error, at: result.at, resolved };
    const {
      definition,
      allowed,
      choice: chosen,
    } = rank(resolved, label, result.tags);
    if (!chosen) return { kind: 'no-match', resolved };
    const { tag, reason } = chosen;
    const choice: PolicyOutcome = {
      kind: 'choice',
      resolved,
      definition,
      candidates: allowed,
      tag,
      reason,
    };
    if (use.ref.field !== 'digest') return choice;
    if (!images.digestOf)
      return {
        ...choice,
        digestError: 'the registry client cannot read digests',
      };
    const digestKey = `${label}:${tag}`;
    let digest = digests.get(digestKey);
    if (!digest) {
      digest = images.digestOf(image, tag);
      digests.set(digestKey, digest);
    }
    try {
      return { ...choice, digest: await digest };
    } catch (error) {
      return { ...choice, digestError: errorMessage(error) };
    }
  }

  const statuses: ImageStatusRecord[] = [];
  const plans = new Map<string, MarkerPlan>();
  for (const use of uses) {
    if (signal?.aborted) break;
    const outcome = await outcomeOf(use);
    const checkedAt = clock().toISOString();
    const about = outcome.resolved
      ? {
          imagePolicy: outcome.resolved.id,
          policy: outcome.resolved.description,
        }
      : { imagePolicy: `${use.ref.namespace}/${use.ref.name}` };
    const record = (
      status: Omit<GitopsImageStatus, 'checkedAt'> & { checkedAt?: string },
    ) =>
      statuses.push(
        statusRecord(use, {
          checkedAt,
          ...about,
          automation: 'backstage',
          ...status,
        }),
      );
    if (outcome.kind === 'problem') {
      record({ problem: outcome.problem });
      continue;
    }
    if (outcome.kind === 'error') {
      record({ error: outcome.error, checkedAt: outcome.at });
      continue;
    }
    if (outcome.kind === 'no-match') {
      record({ reason: 'No tag in the registry matches the ImagePolicy' });
      continue;
    }
    const { definition, candidates } = outcome;
    // As decideTag measures a value against the choice: never a move down.
    const movesFrom = (current: string) =>
      outcome.tag !== current &&
      !isDowngrade(definition, current, outcome.tag, candidates);
    const downgrade =
      outcome.tag !== currentTag(use) &&
      isDowngrade(definition, currentTag(use), outcome.tag, candidates);
    const base = {
      latestTag: outcome.tag,
      reason: downgrade
        ? `${outcome.reason}; older than ${currentTag(use)}, so not committed`
        : outcome.reason,
    };
    if (outcome.digestError) {
      record({
        ...base,
        error: `digest of ${outcome.tag}: ${outcome.digestError}`,
      });
      continue;
    }
    const automation = automationFor(
      automations,
      use.file,
      use.release.environment,
    );
    if (automations.length > 0 && !automation) {
      record({
        ...base,
        problem: `${use.file} is outside every ImageUpdateAutomation's update.path, so no automation writes its marker`,
      });
      continue;
    }
    record(base);
    if (use.release.locked) continue;
    const target: PolicyTarget = {
      image: imageText(outcome.resolved.repository.image),
      tag: outcome.tag,
      ...(outcome.digest ? { digest: outcome.digest } : {}),
      moves: movesFrom,
    };
    let wanted: boolean;
    if (use.ref.field === 'digest') {
      // The store keeps no digest: the file at the head says whether it moves.
      wanted = outcome.digest !== undefined;
    } else {
      wanted = use.ref.field !== 'name' && movesFrom(currentTag(use));
    }
    if (!wanted) continue;
    const planKey = automation
      ? `${automation.path}#${automation.namespace}/${automation.name}`
      : '';
    const plan: MarkerPlan = plans.get(planKey) ?? {
      ...(automation ? { automation } : {}),
      files: new Map(),
      uses: [],
    };
    plans.set(planKey, plan);
    const targets = plan.files.get(use.file) ?? new Map<string, PolicyTarget>();
    plan.files.set(use.file, targets);
    // A :tag and a :digest marker of one policy share a target; keep the digest.
    const known = targets.get(outcome.resolved.id);
    targets.set(
      outcome.resolved.id,
      known?.digest && !target.digest
        ? { ...target, digest: known.digest }
        : target,
    );
    plan.uses.push({
      ...use,
      to: use.ref.field === 'digest' ? outcome.digest! : outcome.tag,
    });
  }
  return { statuses, plans: [...plans.values()], problems };
}
