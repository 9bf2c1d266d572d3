import { ConflictError } from '@backstage/errors';
import { GitRepository } from '../git';
import {
  MANIFEST_LIMITS,
  ManifestError,
  ParsedManifestFile,
  parseManifestFile,
} from '../manifests';

/** A manifest file as it reads at the head a writer works on. */
export type ManifestAtHead = {
  path: string;
  /** The whole file, which is what a writer rewrites; empty when it was too large to read. */
  content: Buffer;
  parsed: ParsedManifestFile;
};

/**
 * Reads and parses manifest files at `head`, each bounded by the parser's
 * size limit: a file over it is read as its size only and comes back as a
 * file that did not read cleanly, never as a missing one. Missing paths are
 * absent from the map.
 */
export async function readManifestsAtHead(
  git: GitRepository,
  head: string,
  paths: string[],
): Promise<Map<string, ManifestAtHead>> {
  const files = new Map<string, ManifestAtHead>();
  const read = await git.readFiles(head, paths, {
    maxBytes: MANIFEST_LIMITS.maxFileBytes,
  });
  for (const [path, content] of read) {
    files.set(
      path,
      Buffer.isBuffer(content)
        ? { path, content, parsed: parseManifestFile(path, content) }
        : {
            path,
            content: Buffer.alloc(0),
            parsed: tooLarge(path, content.tooLarge),
          },
    );
  }
  return files;
}

function tooLarge(path: string, size: number): ParsedManifestFile {
  return {
    path,
    helmReleases: [],
    namespaces: [],
    others: [],
    errors: [
      {
        path,
        message: `file is ${size} bytes, over the limit of ${MANIFEST_LIMITS.maxFileBytes} bytes; it was not parsed`,
      },
    ],
    complete: false,
  };
}

/** Why a writer leaves a file alone: the first problem that kept part of it unread. */
export type BrokenFile = {
  path: string;
  head: string;
  line?: number;
  message: string;
  /** How many more problems the file has. */
  more: number;
};

/**
 * Undefined for a file that read cleanly. A writer must not build on any
 * other: a rewrite of a file read in part could drop or corrupt what the
 * parser left out, and a decision read from it may be the typo's, not the
 * owner's.
 */
export function brokenFile(
  file: ManifestAtHead,
  head: string,
): BrokenFile | undefined {
  if (file.parsed.complete) return undefined;
  const [first, ...rest]: Array<ManifestError | undefined> = file.parsed.errors;
  return {
    path: file.path,
    head,
    ...(first?.line !== undefined ? { line: first.line } : {}),
    message: first?.message ?? 'the file did not read completely',
    more: rest.length,
  };
}

/** `releases/stg/podinfo.yaml line 11 does not read cleanly at 0123456789ab: ...` */
export function describeBrokenFile(file: BrokenFile): string {
  const where = file.line !== undefined ? ` line ${file.line}` : '';
  const more = file.more > 0 ? ` (and ${file.more} more problems)` : '';
  return `${file.path}${where} does not read cleanly at ${file.head.slice(
    0,
    12,
  )}: ${file.message}${more}`;
}

/** The answer of promote, lock and unlock on a file that does not read cleanly. */
export function brokenFileConflict(file: BrokenFile): ConflictError {
  return new ConflictError(`${describeBrokenFile(file)}; fix the file first`);
}
