import { ByteBudgetCache, CacheBudgets, processCacheBudgets } from '../kernel';
import type { OverlayFileContent, OverlayFileReader } from './kustomizeOverlay';
import { readKustomizationFields } from './kustomizationFile';
import { ManifestLimits } from './types';
import { readYamlStream, YamlStream } from './yamlStream';

/** The names kustomize looks for in a folder, in its order. */
export const KUSTOMIZATION_FILE_NAMES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
] as const;

/** The paths kustomize tries for a folder's kustomization file. */
export const kustomizationCandidates = (dir: string) =>
  KUSTOMIZATION_FILE_NAMES.map(name => (dir ? `${dir}/${name}` : name));

/** A resource written like a file: not worth looking for a kustomization in. */
export const looksLikeFile = (path: string) => /\.(ya?ml|json)$/i.test(path);

/** Files up to this size are parsed once per distinct text within one read. */
const SHARED_PARSE_MAX_BYTES = 1024;

const sameContent = (a: string | Buffer, b: string | Buffer) =>
  Buffer.isBuffer(a) && Buffer.isBuffer(b) ? a.equals(b) : a === b;

// What a parse keeps alive per byte of text: the yaml library's documents,
// nodes and source tokens (measured at about 18x on a 160 KB kustomization
// file with node --expose-gc), plus the text itself.
const PARSED_BYTES_PER_TEXT_BYTE = 20;

type ParsedFile = {
  content: string | Buffer;
  limits: string;
  stream: YamlStream;
};

const sizeOfParsedFile = (path: string, file: ParsedFile) =>
  128 +
  path.length * 2 +
  file.limits.length * 2 +
  (typeof file.content === 'string'
    ? file.content.length * 2
    : file.content.byteLength) +
  (typeof file.content === 'string'
    ? file.content.length
    : file.content.byteLength) *
    PARSED_BYTES_PER_TEXT_BYTE;

/**
 * Parsed large files kept from one overlay read to the next, by path and
 * exact content: an environment's kustomization file listing thousands of
 * resources and patches costs tens of milliseconds to parse, and an
 * incremental sync mostly finds it unchanged. Only files of `minBytes` or
 * more are kept, within the `parsedFiles` byte budget (the least recently
 * used go first). Nothing a read is given from here is modified: resources
 * are cloned before patches are merged into them, and patches are only
 * copied from.
 */
export class ParsedFileCache {
  private readonly entries: ByteBudgetCache<string, ParsedFile>;

  constructor(
    private readonly minBytes = 8 * 1024,
    options: { maxBytes?: number; budgets?: CacheBudgets } = {},
  ) {
    this.entries = (options.budgets ?? processCacheBudgets).create(
      'parsedFiles',
      sizeOfParsedFile,
      { maxBytes: options.maxBytes },
    );
  }

  get bytes(): number {
    return this.entries.bytes;
  }

  get size(): number {
    return this.entries.size;
  }

  parse(
    path: string,
    content: string | Buffer,
    limits: ManifestLimits,
  ): YamlStream {
    const size =
      typeof content === 'string' ? content.length : content.byteLength;
    if (size < this.minBytes) return readYamlStream(path, content, limits);
    const limitsKey = JSON.stringify(limits);
    const entry = this.entries.get(path);
    if (
      entry &&
      entry.limits === limitsKey &&
      sameContent(entry.content, content)
    ) {
      return entry.stream;
    }
    const stream = readYamlStream(path, content, limits);
    this.entries.set(path, { content, limits: limitsKey, stream });
    return stream;
  }
}

/**
 * A reader that asks for each path once and remembers the answer, absent
 * ones included, so that an overlay can be read level by level in a few
 * batches and then walked without reading again.
 */
export class CachedFileReader {
  private readonly cache = new Map<string, OverlayFileContent | null>();
  private readonly streams = new Map<string, YamlStream>();
  private readonly sameText = new Map<
    string,
    { limits: ManifestLimits; stream: YamlStream }
  >();

  constructor(
    private readonly readFiles: OverlayFileReader,
    /** Parses kept across reads, when the caller keeps them. */
    private readonly parsed?: ParsedFileCache,
  ) {}

  get size(): number {
    return this.cache.size;
  }

  /**
   * A file's documents, parsed once however often they are asked for. Small
   * files with the same text (a fleet's bases each have the same
   * kustomization file) are parsed once and share what was parsed, which
   * nothing modifies.
   */
  parse(
    path: string,
    content: string | Buffer,
    limits: ManifestLimits,
  ): YamlStream {
    let stream = this.streams.get(path);
    if (stream) return stream;
    const size =
      typeof content === 'string' ? content.length : content.byteLength;
    let key: string | undefined;
    if (size <= SHARED_PARSE_MAX_BYTES) {
      key =
        typeof content === 'string'
          ? `s:${content}`
          : `b:${content.toString('latin1')}`;
    }
    const same = key === undefined ? undefined : this.sameText.get(key);
    if (same && same.limits === limits) {
      stream = {
        documents: same.stream.documents.map(d => d.at(path)),
        errors: same.stream.errors.map(e => ({ ...e, path })),
      };
    } else {
      stream = this.parsed
        ? this.parsed.parse(path, content, limits)
        : readYamlStream(path, content, limits);
      if (key !== undefined) this.sameText.set(key, { limits, stream });
    }
    this.streams.set(path, stream);
    return stream;
  }

  async read(paths: string[]): Promise<Map<string, OverlayFileContent>> {
    const missing = [...new Set(paths.filter(p => !this.cache.has(p)))];
    if (missing.length > 0) {
      const found = await this.readFiles(missing);
      for (const path of missing) this.cache.set(path, found.get(path) ?? null);
    }
    const answer = new Map<string, OverlayFileContent>();
    for (const path of paths) {
      const content = this.cache.get(path);
      if (content !== null && content !== undefined) answer.set(path, content);
    }
    return answer;
  }
}

/**
 * Reads ahead what an overlay will ask for, breadth first: each level's
 * kustomization files in one batch, then the resources and patches they
 * name in another, so that reading thousands of bases costs a few git
 * processes rather than one per folder. Problems are left to the walk that
 * follows, which reads from the cache.
 */
export async function prefetchOverlay(
  folder: string,
  reader: CachedFileReader,
  options: {
    wanted: (path: string) => boolean;
    /** Whether a folder may hold a wanted file (else it is not looked into). */
    mayHold: (path: string) => boolean;
    maxDepth: number;
    maxFiles: number;
    limits: ManifestLimits;
  },
): Promise<void> {
  const seen = new Set<string>([folder]);
  let folders = [folder];
  for (
    let depth = 0;
    folders.length > 0 && depth <= options.maxDepth;
    depth++
  ) {
    if (reader.size > options.maxFiles) return;
    const found = await reader.read(folders.flatMap(kustomizationCandidates));
    const fields = [];
    for (const dir of folders) {
      const path = kustomizationCandidates(dir).find(c => found.has(c));
      const content = path && found.get(path);
      if (
        !content ||
        !(typeof content === 'string' || Buffer.isBuffer(content))
      )
        continue;
      const [document] = reader.parse(path, content, options.limits).documents;
      if (
        document &&
        typeof document.value === 'object' &&
        document.value !== null
      ) {
        fields.push(readKustomizationFields(dir, document));
      }
    }
    const resources = fields.flatMap(f => f.resourcePaths);
    const files = await reader.read(
      [
        ...resources,
        ...fields.flatMap(f => f.patchRefs.map(p => p.path)),
      ].filter(options.wanted),
    );
    folders = [];
    for (const path of resources) {
      if (files.has(path) || seen.has(path)) continue;
      if (
        !options.mayHold(path) ||
        (!options.wanted(path) && looksLikeFile(path))
      )
        continue;
      seen.add(path);
      folders.push(path);
    }
  }
}
