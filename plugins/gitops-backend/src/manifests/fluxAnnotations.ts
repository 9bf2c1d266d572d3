/**
 * Flux v1's automation annotations, read the way fluxd read them so that
 * existing config repositories keep their meaning.
 */

const POLICY_PREFIX = 'fluxcd.io/';
/** The prefix before the Weaveworks -> CNCF rename; many repositories still use it. */
const LEGACY_POLICY_PREFIX = 'flux.weave.works/';
const FILTER_PREFIX = 'filter.fluxcd.io/';

/** Image path annotations only ever existed under fluxcd.io. */
const REPOSITORY_PATH_PREFIX = 'repository.fluxcd.io/';
const TAG_PATH_PREFIX = 'tag.fluxcd.io/';
const REGISTRY_PATH_PREFIX = 'registry.fluxcd.io/';

/** Dot paths under spec.values named by the `<part>.fluxcd.io/<container>` annotations. */
export type AnnotatedImagePaths = {
  repository?: string;
  tag?: string;
  registry?: string;
};

export type FluxAnnotations = {
  automated: boolean;
  locked: boolean;
  lockedBy?: string;
  lockedMessage?: string;
  ignored: boolean;
  /** Container name -> the filter as written. */
  filters: ReadonlyMap<string, string>;
  /** Container name -> where its image is written. */
  imagePaths: ReadonlyMap<string, AnnotatedImagePaths>;
};

/** `fluxcd.io/<name>` wins over `flux.weave.works/<name>` when both are set. */
function policyValue(
  annotations: Record<string, string>,
  name: string,
): string | undefined {
  return (
    annotations[POLICY_PREFIX + name] ??
    annotations[LEGACY_POLICY_PREFIX + name]
  );
}

/** fluxd treats a policy as set only when its value is exactly "true". */
function policyFlag(
  annotations: Record<string, string>,
  name: string,
): boolean {
  return policyValue(annotations, name) === 'true';
}

/**
 * Filters per container. Precedence when several name the same container:
 * `filter.fluxcd.io/<c>`, then `fluxcd.io/tag.<c>`, then
 * `flux.weave.works/tag.<c>` (fluxd's own choice among them depended on map
 * order, so any fixed order is an improvement).
 */
function readFilters(annotations: Record<string, string>): Map<string, string> {
  const ranked = new Map<string, { rank: number; filter: string }>();
  const offer = (container: string, rank: number, filter: string) => {
    if (!container) return;
    const current = ranked.get(container);
    if (!current || rank < current.rank)
      ranked.set(container, { rank, filter });
  };
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(FILTER_PREFIX)) {
      offer(key.slice(FILTER_PREFIX.length), 0, value);
    } else if (key.startsWith(`${POLICY_PREFIX}tag.`)) {
      offer(key.slice(`${POLICY_PREFIX}tag.`.length), 1, value);
    } else if (key.startsWith(`${LEGACY_POLICY_PREFIX}tag.`)) {
      offer(key.slice(`${LEGACY_POLICY_PREFIX}tag.`.length), 2, value);
    }
  }
  return new Map(
    [...ranked].map(([container, { filter }]) => [container, filter]),
  );
}

function readImagePaths(
  annotations: Record<string, string>,
): Map<string, AnnotatedImagePaths> {
  const parts: Array<[string, keyof AnnotatedImagePaths]> = [
    [REPOSITORY_PATH_PREFIX, 'repository'],
    [TAG_PATH_PREFIX, 'tag'],
    [REGISTRY_PATH_PREFIX, 'registry'],
  ];
  const result = new Map<string, AnnotatedImagePaths>();
  for (const [key, value] of Object.entries(annotations)) {
    for (const [prefix, part] of parts) {
      const container = key.startsWith(prefix) ? key.slice(prefix.length) : '';
      if (container && value) {
        result.set(container, { ...result.get(container), [part]: value });
      }
    }
  }
  return result;
}

export function readFluxAnnotations(
  annotations: Record<string, string>,
): FluxAnnotations {
  return {
    automated: policyFlag(annotations, 'automated'),
    locked: policyFlag(annotations, 'locked'),
    lockedBy: policyValue(annotations, 'locked_user'),
    lockedMessage: policyValue(annotations, 'locked_msg'),
    ignored: policyFlag(annotations, 'ignore'),
    filters: readFilters(annotations),
    imagePaths: readImagePaths(annotations),
  };
}

/**
 * The policy of one container: its filter as written; `glob:*` for an
 * automated release without one (fluxd's default); none otherwise.
 */
export function containerPolicy(
  flux: FluxAnnotations,
  container: string,
): string | undefined {
  return flux.filters.get(container) ?? (flux.automated ? 'glob:*' : undefined);
}
