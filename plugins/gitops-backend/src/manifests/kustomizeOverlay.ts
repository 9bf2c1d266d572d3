import { Document, isMap } from 'yaml';
import { errorMessage } from '../kernel';
import { isMapping } from './fieldValidation';
import { resolveLimits } from './limits';
import { ManifestDocument } from './manifestDocument';
import { PatchTarget, readKustomizationFields } from './kustomizationFile';
import {
  CachedFileReader,
  kustomizationCandidates,
  looksLikeFile,
  ParsedFileCache,
  prefetchOverlay,
} from './overlayFiles';

export { KUSTOMIZATION_FILE_NAMES, ParsedFileCache } from './overlayFiles';
import { mergeYamlMaps } from './overlayMerge';
import { ManifestError, ManifestLimits, ManifestSource } from './types';
import { readYamlStream } from './yamlStream';

/**
 * A file's content at one commit, or its size when it is over the limit.
 *
 * @public
 */
export type OverlayFileContent = Buffer | string | { tooLarge: number };

/**
 * Reads files of one commit of the repository, many at once: a path that is
 * not a file there (missing, or a folder) is absent from the answer.
 *
 * @public
 */
export type OverlayFileReader = (
  paths: string[],
) => Promise<ReadonlyMap<string, OverlayFileContent>>;

/**
 * A problem of an overlay; a blocking one means its picture is partial.
 *
 * @public
 */
export type OverlayProblem = ManifestError & { blocking: boolean };

/**
 * One object an overlay yields.
 *
 * @public
 */
export type OverlayResource = {
  /** The resource document as written in its file. */
  source: ManifestSource;
  /** The object the overlay yields: patches merged in, namespace applied. */
  object: Record<string, unknown>;
  /**
   * That object as one YAML document keeping the comments of the files it
   * was merged from (setter markers among them). Its lines are its own.
   */
  document: ManifestDocument;
  /** The patch documents merged in, in the order kustomize applies them. */
  patches: ManifestSource[];
  /**
   * The resource document, then each patch document, as plain values:
   * which file a merged value came from is the last one that sets it.
   */
  layers: Array<{ path: string; value: Record<string, unknown> }>;
  /** Every file it was built from: its kustomization files, its own file, its patches. */
  files: string[];
};

/**
 * What {@link readKustomizeOverlay} read of one overlay folder.
 *
 * @public
 */
export type KustomizeOverlay = {
  folder: string;
  /** The folder's kustomization file; unset when it has none (so it is no overlay). */
  kustomization?: string;
  resources: OverlayResource[];
  /** Every file read: kustomization files, resources, patches. */
  files: string[];
  /** Patch files read whose patches matched none of the resources read. */
  unmatchedPatches: string[];
  problems: OverlayProblem[];
};

/**
 * Options of {@link readKustomizeOverlay}.
 *
 * @public
 */
export type ReadOverlayOptions = {
  /**
   * Read only the resource and patch files in this set (kustomization files
   * are always read): what a sync re-derives when only some of the files an
   * overlay is built from changed.
   */
  onlyFiles?: ReadonlySet<string>;
  /** How deep kustomizations may include one another (default 16). */
  maxDepth?: number;
  /** How many files one overlay may read (default 20,000). */
  maxFiles?: number;
  limits?: Partial<ManifestLimits>;
  /** Parses of large files kept from earlier reads (see `ParsedFileCache`). */
  parsedFiles?: ParsedFileCache;
};

type Patch = {
  tree: Document.Parsed;
  source: ManifestSource;
  value: Record<string, unknown>;
  target: PatchTarget;
};

/** A resource on its way out: merged step by step, level by level. */
type Pending = {
  tree: Document;
  source: ManifestSource;
  patches: ManifestSource[];
  layers: OverlayResource['layers'];
  files: Set<string>;
};

/** Most paths an incremental read asks for in one batch before walking. */
const ONE_BATCH_READ_AHEAD = 256;

/** Kinds that have no namespace, which kustomize's `namespace` leaves alone. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
]);

const stringAt = (tree: Document, path: string[]): string | undefined => {
  const value = tree.getIn(path);
  return typeof value === 'string' ? value : undefined;
};

/**
 * What git sync reads of a kustomize overlay, without rendering kustomize:
 * starting at `folder`'s kustomization file, its `resources` (files, and
 * folders through their own kustomization file), `patches` (a file with an
 * optional `target` of kind, name and namespace) and `patchesStrategicMerge`
 * merged into the objects they patch (mappings merge, sequences and scalars
 * replace, null removes: kustomize's merge for objects it has no schema
 * for, such as Flux's custom resources), and `namespace` (the outermost
 * kustomization's wins). Paths leaving the repository, cycles and nesting
 * past `maxDepth` are refused as blocking problems; what it does not read
 * (remote resources, inline and JSON 6902 patches, components, generators,
 * other transformers) is a non-blocking problem on the kustomization file
 * saying so, and the rest still reads.
 *
 * @public
 */
export async function readKustomizeOverlay(
  folder: string,
  readFiles: OverlayFileReader,
  options: ReadOverlayOptions = {},
): Promise<KustomizeOverlay> {
  const limits = resolveLimits(options.limits);
  const maxDepth = options.maxDepth ?? 16;
  const maxFiles = options.maxFiles ?? 20_000;
  const only = options.onlyFiles;
  const problems: OverlayProblem[] = [];
  const filesRead = new Set<string>();
  const usedPatchFiles = new Set<string>();
  const readPatchFiles = new Set<string>();
  let budgetExceeded = false;
  const wanted = (path: string) => !only || only.has(path);
  // With onlyFiles, a folder holding none of them has nothing to give.
  const foldersOfWanted = new Set(
    [...(only ?? [])].flatMap(p =>
      p
        .split('/')
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
    ),
  );
  const mayHold = (path: string) =>
    !only || foldersOfWanted.has(path) || only.has(path);
  const cached = new CachedFileReader(readFiles, options.parsedFiles);

  const read = async (paths: string[]) => {
    if (filesRead.size + paths.length > maxFiles) {
      if (!budgetExceeded) {
        problems.push({
          path: folder,
          message: `the overlay reads more than ${maxFiles} files; the rest was not read`,
          blocking: true,
        });
      }
      budgetExceeded = true;
      return new Map<string, OverlayFileContent>();
    }
    const contents = await cached.read(paths);
    paths.filter(p => contents.has(p)).forEach(p => filesRead.add(p));
    return contents;
  };

  /** The documents of a file, or a blocking problem saying why not. */
  const documentsOf = (
    path: string,
    content: OverlayFileContent,
  ): ManifestDocument[] | undefined => {
    if (!(typeof content === 'string' || Buffer.isBuffer(content))) {
      problems.push({
        path,
        message: `file is ${content.tooLarge} bytes, over the limit of ${limits.maxFileBytes}; it was not read`,
        blocking: true,
      });
      return undefined;
    }
    const stream = cached.parse(path, content, limits);
    if (stream.errors.length > 0) {
      problems.push(...stream.errors.map(e => ({ ...e, blocking: true })));
      return undefined;
    }
    return stream.documents;
  };

  const findKustomization = async (dir: string) => {
    const candidates = kustomizationCandidates(dir);
    const contents = await read(candidates);
    const path = candidates.find(c => contents.has(c));
    return path ? { path, content: contents.get(path)! } : undefined;
  };

  const readLevel = async (
    dir: string,
    kustomization: { path: string; content: OverlayFileContent },
    stack: string[],
  ): Promise<Pending[]> => {
    const kPath = kustomization.path;
    const problem = (message: string, blocking: boolean, line?: number) =>
      problems.push({
        path: kPath,
        ...(line ? { line } : {}),
        message,
        blocking,
      });
    const documents = documentsOf(kPath, kustomization.content);
    if (!documents) return [];
    const document = documents[0];
    if (documents.length !== 1 || !isMapping(document.value)) {
      problem('a kustomization file must hold one mapping', true);
      return [];
    }
    const fields = readKustomizationFields(dir, document);
    fields.problems.forEach(p => problem(p.message, p.blocking, p.line));
    const { namespace, resourcePaths, patchRefs } = fields;
    const lineOf = (field: string) => document.lineAt([field]);

    const fileReads = await read(
      [...new Set([...resourcePaths, ...patchRefs.map(p => p.path)])].filter(
        wanted,
      ),
    );

    const pending: Pending[] = [];
    for (const path of resourcePaths) {
      const content = fileReads.get(path);
      if (content !== undefined) {
        pending.push(...resourcesOf(path, content, kPath));
        continue;
      }
      // Not a file here: a folder with its own kustomization.
      if (stack.includes(path)) {
        problem(
          `resources entry ${path} includes itself (${[...stack, path].join(
            ' -> ',
          )}) and is refused`,
          true,
          lineOf('resources'),
        );
        continue;
      }
      if (stack.length >= maxDepth) {
        problem(
          `resources entry ${path} nests kustomizations deeper than ${maxDepth} levels and is refused`,
          true,
          lineOf('resources'),
        );
        continue;
      }
      // With onlyFiles, a file not asked for is not a folder to look into.
      if (!mayHold(path) || (!wanted(path) && looksLikeFile(path))) continue;
      const nested = await findKustomization(path);
      if (!nested) {
        // With onlyFiles, an unread file is not a missing folder.
        if (wanted(path)) {
          problem(
            `resources entry ${path} is neither a file nor a folder with a kustomization file`,
            true,
            lineOf('resources'),
          );
        }
        continue;
      }
      const inner = await readLevel(path, nested, [...stack, path]);
      inner.forEach(r => r.files.add(kPath));
      pending.push(...inner);
    }
    for (const resource of pending) resource.files.add(kPath);

    // Patches name what they patch: look resources up by name, not one by one.
    const byName = new Map<string, Pending[]>();
    for (const resource of pending) {
      const name = stringAt(resource.tree, ['metadata', 'name']) ?? '';
      byName.set(name, [...(byName.get(name) ?? []), resource]);
    }
    const candidatesFor = (patch: Patch) => {
      const metadata = isMapping(patch.value.metadata)
        ? patch.value.metadata
        : {};
      const name =
        Object.keys(patch.target).length > 0
          ? patch.target.name
          : metadata.name;
      return typeof name === 'string' ? byName.get(name) ?? [] : pending;
    };
    for (const ref of patchRefs) {
      const content = fileReads.get(ref.path);
      if (content === undefined) {
        if (wanted(ref.path)) {
          problem(`the patch ${ref.path} is not a file`, true, ref.line);
        }
        continue;
      }
      readPatchFiles.add(ref.path);
      const patches = patchesOf(ref.path, content, ref.target);
      if (!patches) {
        // A patch that does not read may patch whatever it targets: all
        // of this level when it names no target.
        for (const resource of pending) {
          if (
            Object.keys(ref.target).length === 0 ||
            matchesTarget(resource.tree, ref.target)
          ) {
            resource.files.add(ref.path);
          }
        }
        usedPatchFiles.add(ref.path);
        continue;
      }
      for (const patch of patches) {
        for (const resource of candidatesFor(patch).filter(r =>
          matches(r.tree, patch),
        )) {
          try {
            if (!isMap(resource.tree.contents) || !isMap(patch.tree.contents)) {
              throw new Error('it is not a mapping');
            }
            mergeYamlMaps(resource.tree.contents, patch.tree.contents);
          } catch (error) {
            problems.push({
              path: patch.source.path,
              line: patch.source.line,
              message: `patch could not be merged into ${describe(
                resource,
              )}: ${errorMessage(error)}`,
              blocking: true,
            });
            continue;
          }
          usedPatchFiles.add(ref.path);
          resource.patches.push(patch.source);
          resource.layers.push({ path: patch.source.path, value: patch.value });
          resource.files.add(ref.path);
        }
      }
    }

    if (namespace) {
      for (const resource of pending) {
        const kind = stringAt(resource.tree, ['kind']);
        if (
          kind &&
          !CLUSTER_SCOPED.has(kind) &&
          isMap(resource.tree.get('metadata', true))
        ) {
          resource.tree.setIn(['metadata', 'namespace'], namespace);
        }
      }
    }
    return pending;
  };

  function resourcesOf(
    path: string,
    content: OverlayFileContent,
    kPath: string,
  ): Pending[] {
    const documents = documentsOf(path, content);
    if (!documents) return [];
    const out: Pending[] = [];
    for (const document of documents) {
      const value = document.value;
      if (
        !isMapping(value) ||
        typeof value.kind !== 'string' ||
        typeof value.apiVersion !== 'string'
      ) {
        problems.push({
          path,
          line: document.line,
          message: `document ${document.index} is not a Kubernetes object (it needs apiVersion and kind)`,
          blocking: true,
        });
        continue;
      }
      out.push({
        tree: document.tree.clone(),
        source: document.source,
        patches: [],
        layers: [{ path, value }],
        files: new Set([kPath, path]),
      });
    }
    return out;
  }

  function patchesOf(
    path: string,
    content: OverlayFileContent,
    target: PatchTarget,
  ): Patch[] | undefined {
    const documents = documentsOf(path, content);
    if (!documents) return undefined;
    const out: Patch[] = [];
    for (const document of documents) {
      if (!isMapping(document.value)) {
        problems.push({
          path,
          line: document.line,
          message: `document ${document.index} is not read: only strategic-merge patches (mappings) are, not JSON 6902 patches`,
          blocking: false,
        });
        continue;
      }
      out.push({
        tree: document.tree,
        source: document.source,
        value: document.value,
        target,
      });
    }
    return out;
  }

  // A few files asked for: read them, and the kustomization files that may
  // lead to them, in one batch rather than one git read per level.
  if (only) {
    const ahead = [
      ...only,
      ...[folder, ...foldersOfWanted].flatMap(kustomizationCandidates),
    ];
    if (ahead.length <= ONE_BATCH_READ_AHEAD) await cached.read(ahead);
  }
  await prefetchOverlay(folder, cached, {
    wanted,
    mayHold,
    maxDepth,
    maxFiles,
    limits,
  });
  const top = await findKustomization(folder);
  if (!top) {
    return {
      folder,
      resources: [],
      files: [...filesRead],
      unmatchedPatches: [],
      problems,
    };
  }
  const pending = await readLevel(folder, top, [folder]);
  const resources: OverlayResource[] = [];
  for (const resource of pending) {
    const finished = finish(resource, limits);
    if ('problem' in finished) problems.push(finished.problem);
    else resources.push(finished.resource);
  }
  const unmatchedPatches = [...readPatchFiles]
    .filter(p => !usedPatchFiles.has(p))
    .sort();
  // Reading everything, a patch that patches nothing is a mistake worth saying.
  if (!only) {
    for (const path of unmatchedPatches) {
      problems.push({
        path,
        message: 'this patch matches no resource of the overlay',
        blocking: false,
      });
    }
  }
  return {
    folder,
    kustomization: top.path,
    resources,
    files: [...filesRead].sort(),
    unmatchedPatches,
    problems,
  };
}

function describe(resource: Pending): string {
  const kind = stringAt(resource.tree, ['kind']) ?? 'object';
  const name = stringAt(resource.tree, ['metadata', 'name']) ?? '';
  return `${kind} ${name} of ${resource.source.path}`;
}

/**
 * Whether a patch applies to a resource: by its target when it has one,
 * else by the kind, name (and namespace, when written) of the patch itself.
 */
function matches(resource: Document, patch: Patch): boolean {
  const { target } = patch;
  if (Object.keys(target).length > 0) return matchesTarget(resource, target);
  const metadata = isMapping(patch.value.metadata) ? patch.value.metadata : {};
  return (
    patch.value.kind === stringAt(resource, ['kind']) &&
    metadata.name === stringAt(resource, ['metadata', 'name']) &&
    (metadata.namespace === undefined ||
      metadata.namespace === stringAt(resource, ['metadata', 'namespace']))
  );
}

function matchesTarget(resource: Document, target: PatchTarget): boolean {
  return (
    (target.kind === undefined ||
      target.kind === stringAt(resource, ['kind'])) &&
    (target.name === undefined ||
      target.name === stringAt(resource, ['metadata', 'name'])) &&
    (target.namespace === undefined ||
      target.namespace === stringAt(resource, ['metadata', 'namespace']))
  );
}

/** The merged object, written out and read back as one document. */
function finish(
  resource: Pending,
  limits: ManifestLimits,
): { resource: OverlayResource } | { problem: OverlayProblem } {
  const { source } = resource;
  let text: string;
  try {
    text = resource.tree.toString();
  } catch (error) {
    return {
      problem: {
        path: source.path,
        line: source.line,
        message: `document ${
          source.document
        } could not be merged with its patches: ${errorMessage(error)}`,
        blocking: true,
      },
    };
  }
  const stream = readYamlStream(source.path, text, {
    ...limits,
    // The merged object is bounded by the files it came from.
    maxFileBytes: Number.MAX_SAFE_INTEGER,
  });
  const [document] = stream.documents;
  if (!document || !isMapping(document.value) || stream.errors.length > 0) {
    return {
      problem: {
        path: source.path,
        line: source.line,
        message: `document ${
          source.document
        } with its patches is not an object: ${
          stream.errors[0]?.message ?? 'empty'
        }`,
        blocking: true,
      },
    };
  }
  return {
    resource: {
      source,
      object: document.value,
      document,
      patches: resource.patches,
      layers: resource.layers,
      files: [...resource.files].sort(),
    },
  };
}
