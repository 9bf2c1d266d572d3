import {
  FLUX_DEFAULT_EXCLUSION_LIST,
  PolicyDefinition,
  compileExclusionList,
  parseImageReference,
  policyAllows,
} from '@backstage-gitops/plugin-gitops-common';
import { FluxObjectKind, readFluxObjectType } from '../kernel';
import {
  FieldPath,
  InvalidFieldError,
  optionalList,
  optionalMapping,
  optionalString,
  requireMapping,
  requireString,
} from './fieldValidation';

/**
 * Flux v2's image automation objects as the repository holds them: the
 * three kinds' specs read into one typed shape whatever served version
 * (`v1`, `v1beta2`, `v1beta1`) they are written at. Their fields kept the
 * same names and meaning across those versions; what a version lacks is
 * simply absent.
 */

/** A Flux object as stored by git sync: where it is and its spec. */
export type FluxObjectSource = {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  spec: Record<string, unknown>;
};

export type ObjectName = { namespace: string; name: string };

export type FluxImageRepository = ObjectName & {
  /** `spec.image`, e.g. `ghcr.io/stefanprodan/podinfo`, split as image references are. */
  image: { registry?: string; repository: string };
  /** RE2 patterns; Flux's `^.*\.sig$` when the spec sets none. */
  exclusionList: readonly string[];
  /** Whether a tag is never a candidate. */
  excludes: (tag: string) => boolean;
};

export type FluxImagePolicy = ObjectName & {
  imageRepositoryRef: ObjectName;
  definition: PolicyDefinition;
};

export type FluxImageUpdateAutomation = ObjectName & {
  /** Unset: the GitRepository of the same name and namespace, as Flux assumes for `flux-system`. */
  sourceRef?: { kind: string; name: string; namespace: string };
  /** `git.checkout.ref.branch`, when the automation checks out a branch of its own. */
  checkoutBranch?: string;
  author?: { name: string; email: string };
  messageTemplate?: string;
  /** `git.push.branch`; unset pushes to the checkout branch. */
  pushBranch?: string;
  /** `update.path` as a folder of the repository without `./` or a trailing `/`; `''` is the whole repository. */
  updatePath: string;
};

export type FluxObjectReading<T> =
  | { ok: true; value: T }
  | { ok: false; error: string };

function read<T>(
  object: FluxObjectSource,
  kind: FluxObjectKind,
  reader: (spec: Record<string, unknown>) => T,
): FluxObjectReading<T> {
  const type = readFluxObjectType(object.apiVersion, object.kind);
  if (type?.kind !== kind) {
    return {
      ok: false,
      error: `${object.apiVersion} ${object.kind} is not a ${kind} Flux serves`,
    };
  }
  try {
    return { ok: true, value: reader(object.spec) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: `${kind} ${object.namespace}/${object.name}: ${message}`,
    };
  }
}

function optionalOrder(value: unknown, fieldPath: FieldPath): 'asc' | 'desc' {
  const order = optionalString(value, fieldPath) ?? 'asc';
  if (order !== 'asc' && order !== 'desc') {
    throw new InvalidFieldError(
      fieldPath,
      `spec.${fieldPath.join('.')} must be asc or desc, not "${order}"`,
    );
  }
  return order;
}

export function readImageRepository(
  object: FluxObjectSource,
): FluxObjectReading<FluxImageRepository> {
  return read(object, 'ImageRepository', spec => {
    const text = requireString(spec.image, ['image']);
    const parsed = parseImageReference(text);
    if (!parsed || parsed.tag || parsed.digest) {
      throw new Error(
        `spec.image "${text}" must name an image without a tag or digest`,
      );
    }
    const listed = optionalList(spec.exclusionList, ['exclusionList']);
    const exclusionList = listed
      ? listed.map((p, i) => requireString(p, ['exclusionList', i]))
      : FLUX_DEFAULT_EXCLUSION_LIST;
    return {
      namespace: object.namespace,
      name: object.name,
      image: {
        ...(parsed.registry ? { registry: parsed.registry } : {}),
        repository: parsed.repository,
      },
      exclusionList,
      excludes: compileExclusionList(exclusionList),
    };
  });
}

function readPolicyDefinition(spec: Record<string, unknown>): PolicyDefinition {
  const policy = requireMapping(spec.policy, ['policy']);
  const semver = optionalMapping(policy.semver, ['policy', 'semver']);
  const alphabetical = optionalMapping(policy.alphabetical, [
    'policy',
    'alphabetical',
  ]);
  const numerical = optionalMapping(policy.numerical, ['policy', 'numerical']);
  if ([semver, alphabetical, numerical].filter(Boolean).length !== 1) {
    throw new Error(
      'spec.policy must set exactly one of semver, alphabetical and numerical',
    );
  }
  const filterTags = optionalMapping(spec.filterTags, ['filterTags']);
  const pattern =
    filterTags && optionalString(filterTags.pattern, ['filterTags', 'pattern']);
  const extract =
    filterTags && optionalString(filterTags.extract, ['filterTags', 'extract']);
  const filter =
    pattern || extract
      ? { pattern: pattern || '^.*$', ...(extract ? { extract } : {}) }
      : undefined;
  let ordering: PolicyDefinition['policy'];
  if (semver) {
    ordering = {
      kind: 'semver-strict',
      range: requireString(semver.range, ['policy', 'semver', 'range']),
    };
  } else if (alphabetical) {
    ordering = {
      kind: 'alphabetical',
      order: optionalOrder(alphabetical.order, [
        'policy',
        'alphabetical',
        'order',
      ]),
    };
  } else {
    ordering = {
      kind: 'numerical',
      order: optionalOrder(numerical!.order, ['policy', 'numerical', 'order']),
    };
  }
  const definition: PolicyDefinition = {
    policy: ordering,
    ...(filter ? { filter } : {}),
  };
  // Compiles the range and patterns once, so a policy nobody can read is
  // refused here, with its name, rather than at each tag.
  policyAllows(definition, '0.0.0');
  return definition;
}

export function readImagePolicy(
  object: FluxObjectSource,
): FluxObjectReading<FluxImagePolicy> {
  return read(object, 'ImagePolicy', spec => {
    const ref = requireMapping(spec.imageRepositoryRef, ['imageRepositoryRef']);
    return {
      namespace: object.namespace,
      name: object.name,
      imageRepositoryRef: {
        name: requireString(ref.name, ['imageRepositoryRef', 'name']),
        namespace:
          optionalString(ref.namespace, ['imageRepositoryRef', 'namespace']) ||
          object.namespace,
      },
      definition: readPolicyDefinition(spec),
    };
  });
}

/** `./apps/staging/` -> `apps/staging`; `./` or unset -> `''`; refuses leaving the repository. */
export function normalizeUpdatePath(path: string | undefined): string {
  const parts = (path ?? '').split('/').filter(p => p !== '' && p !== '.');
  if (parts.includes('..') || (path ?? '').startsWith('/')) {
    throw new Error(
      `spec.update.path "${path}" must stay inside the repository`,
    );
  }
  return parts.join('/');
}

/** Whether a repository file is under an automation's `update.path`. */
export function isUnderUpdatePath(updatePath: string, file: string): boolean {
  return (
    updatePath === '' ||
    file === updatePath ||
    file.startsWith(`${updatePath}/`)
  );
}

export function readImageUpdateAutomation(
  object: FluxObjectSource,
): FluxObjectReading<FluxImageUpdateAutomation> {
  return read(object, 'ImageUpdateAutomation', spec => {
    const sourceRef = optionalMapping(spec.sourceRef, ['sourceRef']);
    const git = optionalMapping(spec.git, ['git']) ?? {};
    const checkout = optionalMapping(git.checkout, ['git', 'checkout']);
    const ref =
      checkout && optionalMapping(checkout.ref, ['git', 'checkout', 'ref']);
    const commit = optionalMapping(git.commit, ['git', 'commit']);
    const author =
      commit && optionalMapping(commit.author, ['git', 'commit', 'author']);
    const push = optionalMapping(git.push, ['git', 'push']);
    const update = optionalMapping(spec.update, ['update']);
    const strategy =
      update && optionalString(update.strategy, ['update', 'strategy']);
    if (strategy && strategy !== 'Setters') {
      throw new Error(
        `spec.update.strategy "${strategy}" is not Setters, the only strategy Flux has`,
      );
    }
    const checkoutBranch =
      ref && optionalString(ref.branch, ['git', 'checkout', 'ref', 'branch']);
    const messageTemplate =
      commit &&
      optionalString(commit.messageTemplate, [
        'git',
        'commit',
        'messageTemplate',
      ]);
    const pushBranch =
      push && optionalString(push.branch, ['git', 'push', 'branch']);
    return {
      namespace: object.namespace,
      name: object.name,
      ...(sourceRef
        ? {
            sourceRef: {
              kind:
                optionalString(sourceRef.kind, ['sourceRef', 'kind']) ??
                'GitRepository',
              name: requireString(sourceRef.name, ['sourceRef', 'name']),
              namespace:
                optionalString(sourceRef.namespace, [
                  'sourceRef',
                  'namespace',
                ]) || object.namespace,
            },
          }
        : {}),
      ...(checkoutBranch ? { checkoutBranch } : {}),
      ...(author
        ? {
            author: {
              name: requireString(author.name, [
                'git',
                'commit',
                'author',
                'name',
              ]),
              email:
                optionalString(author.email, [
                  'git',
                  'commit',
                  'author',
                  'email',
                ]) ?? '',
            },
          }
        : {}),
      ...(messageTemplate ? { messageTemplate } : {}),
      ...(pushBranch ? { pushBranch } : {}),
      updatePath: normalizeUpdatePath(
        update && optionalString(update.path, ['update', 'path']),
      ),
    };
  });
}
