import { isMapping } from './fieldValidation';
import { ManifestDocument } from './manifestDocument';
import { resolveRepositoryPath } from './repositoryPaths';

/** What a patch applies to; unset fields match anything. */
export type PatchTarget = { kind?: string; name?: string; namespace?: string };

/** A patch file a kustomization lists, resolved in the repository. */
export type PatchRef = { path: string; line: number; target: PatchTarget };

export type KustomizationFields = {
  namespace?: string;
  /** Resource paths resolved in the repository: files or folders. */
  resourcePaths: string[];
  patchRefs: PatchRef[];
  problems: Array<{ line?: number; message: string; blocking: boolean }>;
};

/** What this reader understands of a kustomization file; everything else is reported. */
const READ_FIELDS = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'resources',
  'bases',
  'patches',
  'patchesStrategicMerge',
  'namespace',
]);

const isRemote = (entry: string) =>
  /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
  /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) ||
  entry.includes('?ref=') ||
  entry.startsWith('git@');

/**
 * The fields of one kustomization file (one mapping, in `dir`) that git sync
 * reads: `resources` and `bases`, `patches` from files with their `target`,
 * `patchesStrategicMerge` and `namespace`. Paths that leave the repository
 * and entries that are not paths are blocking problems; fields and entries
 * it does not read (remote resources, inline patches, anything else) are
 * non-blocking ones saying so.
 */
export function readKustomizationFields(
  dir: string,
  document: ManifestDocument,
): KustomizationFields {
  const problems: KustomizationFields['problems'] = [];
  const problem = (message: string, blocking: boolean, line?: number) =>
    problems.push({ ...(line ? { line } : {}), message, blocking });
  const spec = document.value as Record<string, unknown>;
  const lineOf = (field: string) => document.lineAt([field]);
  for (const field of Object.keys(spec)) {
    if (!READ_FIELDS.has(field)) {
      problem(
        `${field} is not read: git sync reads resources, patches (from files), patchesStrategicMerge and namespace, without rendering kustomize`,
        false,
        lineOf(field),
      );
    }
  }
  const namespace =
    typeof spec.namespace === 'string' && spec.namespace
      ? spec.namespace
      : undefined;

  // Resources: files of this level, and folders read as their own level.
  const entries = [
    ...listOf(spec.resources, 'resources'),
    ...listOf(spec.bases, 'bases'),
  ];
  const resourcePaths: string[] = [];
  for (const { field, entry } of entries) {
    if (typeof entry !== 'string' || entry === '') {
      problem(
        `${field} holds an entry that is not a path`,
        true,
        lineOf(field),
      );
    } else if (isRemote(entry)) {
      problem(
        `${field} entry ${entry} is remote and is not read`,
        false,
        lineOf(field),
      );
    } else {
      const resolved = resolveRepositoryPath(dir, entry);
      if (resolved === undefined) {
        problem(
          `${field} entry ${entry} leaves the repository and is refused`,
          true,
          lineOf(field),
        );
      } else {
        resourcePaths.push(resolved);
      }
    }
  }

  // Patches: files, each document a patch, with or without a target.
  const patchRefs: PatchRef[] = [];
  for (const { entry } of listOf(spec.patches, 'patches')) {
    if (!isMapping(entry)) {
      problem(
        'patches holds an entry that is not a mapping',
        true,
        lineOf('patches'),
      );
      continue;
    }
    if (typeof entry.path !== 'string') {
      problem(
        typeof entry.patch === 'string'
          ? 'an inline patch is not read: git sync reads patches from files'
          : 'a patch without a path is not read',
        false,
        lineOf('patches'),
      );
      continue;
    }
    const target = isMapping(entry.target) ? entry.target : {};
    const unsupported = Object.keys(target).filter(
      k => !['kind', 'name', 'namespace', 'group', 'version'].includes(k),
    );
    if (unsupported.length > 0) {
      problem(
        `the patch ${entry.path} targets by ${unsupported.join(
          ', ',
        )}, which is not read; it applies by kind, name and namespace only`,
        false,
        lineOf('patches'),
      );
    }
    const resolved = resolveRepositoryPath(dir, entry.path);
    if (resolved === undefined) {
      problem(
        `the patch ${entry.path} leaves the repository and is refused`,
        true,
        lineOf('patches'),
      );
      continue;
    }
    patchRefs.push({
      path: resolved,
      line: lineOf('patches'),
      target: {
        ...(typeof target.kind === 'string' ? { kind: target.kind } : {}),
        ...(typeof target.name === 'string' ? { name: target.name } : {}),
        ...(typeof target.namespace === 'string'
          ? { namespace: target.namespace }
          : {}),
      },
    });
  }
  for (const { entry } of listOf(
    spec.patchesStrategicMerge,
    'patchesStrategicMerge',
  )) {
    if (typeof entry !== 'string' || entry.includes('\n')) {
      problem(
        'an inline patch in patchesStrategicMerge is not read: git sync reads patches from files',
        false,
        lineOf('patchesStrategicMerge'),
      );
      continue;
    }
    const resolved = resolveRepositoryPath(dir, entry);
    if (resolved === undefined) {
      problem(
        `the patch ${entry} leaves the repository and is refused`,
        true,
        lineOf('patchesStrategicMerge'),
      );
      continue;
    }
    patchRefs.push({
      path: resolved,
      line: lineOf('patchesStrategicMerge'),
      target: {},
    });
  }

  return {
    ...(namespace ? { namespace } : {}),
    resourcePaths,
    patchRefs,
    problems,
  };
}

function listOf(
  value: unknown,
  field: string,
): Array<{ field: string; entry: unknown }> {
  return Array.isArray(value) ? value.map(entry => ({ field, entry })) : [];
}
