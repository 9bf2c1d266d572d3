import { describeFluxPolicy } from '@backstage-gitops/plugin-gitops-common';
import { FluxSources } from '../charts';
import { FluxObjectRecord } from '../database';
import {
  FluxImagePolicy,
  FluxImageRepository,
  FluxImageUpdateAutomation,
  FluxObjectReading,
  FluxObjectSource,
  isUnderUpdatePath,
  readImagePolicy,
  readImageRepository,
  readImageUpdateAutomation,
} from '../manifests';

/** A Flux object of the repository: its spec and the file it is written in. */
export type FluxObjectInRepository = FluxObjectRecord;

/** What a setter marker's ImagePolicy resolves to in the repository. */
export type ResolvedPolicy = {
  /** `namespace/name` of the ImagePolicy. */
  id: string;
  policy: FluxImagePolicy;
  repository: FluxImageRepository;
  /** In the spec's words: `semver:>=6.0.0-0 <7.0.0`. */
  description: string;
};

/** An ImageUpdateAutomation that writes to this repository, and where it is written. */
export type RepositoryAutomation = FluxImageUpdateAutomation & { path: string };

const idOf = (o: { namespace: string; name: string }) =>
  `${o.namespace}/${o.name}`;

/** The objects by `kind namespace/name`, built once per list: markers look up thousands. */
const indexes = new WeakMap<
  FluxObjectInRepository[],
  Map<string, FluxObjectInRepository[]>
>();
function named(
  objects: FluxObjectInRepository[],
  kind: string,
  wanted: { namespace: string; name: string },
): FluxObjectInRepository[] {
  let index = indexes.get(objects);
  if (!index) {
    index = new Map();
    for (const object of objects) {
      const key = `${object.kind} ${idOf(object)}`;
      index.set(key, [...(index.get(key) ?? []), object]);
    }
    indexes.set(objects, index);
  }
  return index.get(`${kind} ${idOf(wanted)}`) ?? [];
}

/** One reading per stored object (an ImageRepository's exclusion list compiles once). */
const readings = new WeakMap<
  FluxObjectInRepository,
  FluxObjectReading<unknown>
>();
function readOnce<T>(
  object: FluxObjectInRepository,
  read: (o: FluxObjectSource) => FluxObjectReading<T>,
): FluxObjectReading<T> {
  let reading = readings.get(object) as FluxObjectReading<T> | undefined;
  if (!reading) {
    reading = read(object);
    readings.set(object, reading);
  }
  return reading;
}

/** Where a repository keeps an environment's Flux objects: `clusters/<env>/`. */
const clusterFolder = (environment: string) => `clusters/${environment}/`;

/**
 * The one reading of `namespace/name` among the repository's objects of a
 * kind. The same object may be written in several clusters' folders; when
 * their specs differ, the one in `preferFolder` (the environment's
 * `clusters/<env>/`) decides, and without one there it is ambiguous.
 */
function pick<T>(
  objects: FluxObjectInRepository[],
  wanted: { namespace: string; name: string },
  kind: string,
  read: (o: FluxObjectSource) => FluxObjectReading<T>,
  preferFolder: string | undefined,
): { value: T; object: FluxObjectInRepository } | { problem: string } {
  const candidates = named(objects, kind, wanted);
  if (candidates.length === 0) {
    return { problem: `no ${kind} ${idOf(wanted)} in the repository` };
  }
  const distinct = (list: FluxObjectInRepository[]) =>
    new Set(list.map(o => JSON.stringify(o.spec))).size;
  let chosen = candidates;
  if (distinct(candidates) > 1) {
    const preferred = preferFolder
      ? candidates.filter(o => o.path.startsWith(preferFolder))
      : [];
    if (preferred.length === 0 || distinct(preferred) > 1) {
      return {
        problem: `${kind} ${idOf(wanted)} is ambiguous: ${candidates
          .map(o => o.path)
          .join(', ')} define it differently`,
      };
    }
    chosen = preferred;
  }
  const object = chosen[0];
  const reading = readOnce(object, read);
  return reading.ok
    ? { value: reading.value, object }
    : { problem: `${object.path}: ${reading.error}` };
}

/**
 * The ImagePolicy a marker names, with its ImageRepository, as the
 * repository's files define them for the release's environment; or why
 * the marker cannot be automated.
 */
export function resolveImagePolicy(
  objects: FluxObjectInRepository[],
  ref: { namespace: string; name: string },
  environment: string,
): ResolvedPolicy | { problem: string } {
  const policy = pick(
    objects,
    ref,
    'ImagePolicy',
    readImagePolicy,
    clusterFolder(environment),
  );
  if ('problem' in policy) return policy;
  // The ImageRepository is looked for beside its policy first.
  const folder = policy.object.path.includes('/')
    ? policy.object.path.slice(0, policy.object.path.lastIndexOf('/') + 1)
    : clusterFolder(environment);
  const repository = pick(
    objects,
    policy.value.imageRepositoryRef,
    'ImageRepository',
    readImageRepository,
    folder,
  );
  if ('problem' in repository) {
    return { problem: `ImagePolicy ${idOf(ref)}: ${repository.problem}` };
  }
  return {
    id: idOf(ref),
    policy: policy.value,
    repository: repository.value,
    description: describeFluxPolicy(policy.value.definition),
  };
}

/**
 * The ImageUpdateAutomations that write to this repository: those whose
 * `sourceRef` is unset or names a GitRepository of the repository that is
 * the repository itself (its url, or bootstrap's `flux-system` applying its
 * own folder, as chart resolution tells), on the branch this plugin
 * follows. Automations that do not read cleanly come back as problems.
 */
export function repositoryAutomations(
  objects: FluxObjectInRepository[],
  repository: { url: string; branch: string },
): { automations: RepositoryAutomation[]; problems: string[] } {
  const branch = repository.branch;
  const sources = new FluxSources(objects, repository.url);
  const gitRepositories = new Set(
    objects
      .filter(o => o.kind === 'GitRepository' && sources.isThisRepository(o))
      .map(idOf),
  );
  const automations: RepositoryAutomation[] = [];
  const problems: string[] = [];
  for (const object of objects) {
    if (object.kind !== 'ImageUpdateAutomation') continue;
    const reading = readImageUpdateAutomation(object);
    if (!reading.ok) {
      problems.push(`${object.path}: ${reading.error}`);
      continue;
    }
    const { sourceRef, checkoutBranch } = reading.value;
    if (
      sourceRef &&
      (sourceRef.kind !== 'GitRepository' ||
        !gitRepositories.has(idOf(sourceRef)))
    ) {
      continue;
    }
    if (checkoutBranch && checkoutBranch !== branch) continue;
    automations.push({ ...reading.value, path: object.path });
  }
  return { automations, problems };
}

/**
 * The automation that writes a marker in `file`: one whose `update.path`
 * holds it, the environment's own (in `clusters/<env>/`) first, then the
 * narrowest path. Undefined when none does.
 */
export function automationFor(
  automations: RepositoryAutomation[],
  file: string,
  environment: string,
): RepositoryAutomation | undefined {
  const folder = clusterFolder(environment);
  return automations
    .filter(a => isUnderUpdatePath(a.updatePath, file))
    .sort(
      (a, b) =>
        Number(b.path.startsWith(folder)) - Number(a.path.startsWith(folder)) ||
        b.updatePath.length - a.updatePath.length ||
        a.path.localeCompare(b.path),
    )[0];
}
