import { InputError } from '@backstage/errors';
import { CatFileBatchParser } from './CatFileBatchParser';
import { GitCommandError } from './GitCommandError';
import { GitMirror } from './GitMirror';
import { assertCommitSha, normaliseRepositoryPath } from './gitInputs';
import { COMMIT_DIFF_FORMAT, parseCommitDiff } from './parseCommitDiff';
import { RawChange } from './parseRawDiff';
import { parseTreeListing } from './parseTreeListing';
import { GitCommitInfo, GitFileTooLarge, GitTreeEntry } from './types';

/*
 * The reads of a mirror, each one git process on the common path. Each
 * checks its inputs first and tells a commit the mirror lacks (NotFoundError)
 * apart from git failing.
 */

/** Runs `read` about `commits` (checked to be shas) once the mirror exists. */
function readAbout<T>(
  mirror: GitMirror,
  commits: string[],
  read: () => Promise<T>,
): Promise<T> {
  commits.forEach(assertCommitSha);
  return mirror.reading(async () => {
    await mirror.require();
    return read();
  });
}

export async function listTree(
  mirror: GitMirror,
  commit: string,
  prefix?: string,
): Promise<GitTreeEntry[]> {
  const directory = normaliseRepositoryPath(prefix ?? '');
  return readAbout(mirror, [commit], async () => {
    const treeish = directory ? `${commit}:${directory}` : commit;
    try {
      const { stdout } = await mirror.git('ls-tree', [
        '-r',
        '-t',
        '-z',
        '--long',
        treeish,
      ]);
      return parseTreeListing(stdout, directory);
    } catch (error) {
      if (
        error instanceof GitCommandError &&
        /Not a valid object name|not a tree object/.test(error.stderr)
      ) {
        // The commit is missing (an error) or the prefix is (nothing under it).
        await mirror.requireCommits([commit]);
        return [];
      }
      throw error;
    }
  });
}

/**
 * From this many paths on, files are found in one tree listing and read by
 * blob id: `<commit>:<path>` makes cat-file walk every tree on the path for
 * each file, which for thousands of files in one large folder (a fleet's
 * `apps/base`) costs far more than listing the folder once.
 */
const LISTED_READ_THRESHOLD = 64;

export async function readFiles(
  mirror: GitMirror,
  commit: string,
  paths: string[],
  options?: { maxBytes?: number },
): Promise<Map<string, Buffer | GitFileTooLarge>> {
  assertCommitSha(commit);
  const maxBytes = options?.maxBytes ?? Infinity;
  if (!(maxBytes >= 0)) {
    throw new InputError('maxBytes must be zero or more');
  }
  // Keyed by the caller's spelling; asked for by the normalised path.
  const wanted = new Map<string, string>();
  for (const requested of paths) {
    const normalised = normaliseRepositoryPath(requested);
    if (normalised) wanted.set(requested, normalised);
  }
  const requestedPaths = [...wanted.keys()];

  return readAbout(mirror, [commit], async () => {
    if (wanted.size >= LISTED_READ_THRESHOLD) {
      return readListedFiles(mirror, commit, wanted, maxBytes);
    }
    // The commit itself goes first, so a missing commit is told apart from
    // missing files within the same single process.
    const objectNames = [
      commit,
      ...requestedPaths.map(requested => `${commit}:${wanted.get(requested)}`),
    ];
    const parser = new CatFileBatchParser(
      ({ index, type, size }) =>
        index > 0 && type === 'blob' && size <= maxBytes,
    );
    await mirror.git('cat-file', ['--batch'], {
      input: `${objectNames.join('\n')}\n`,
      onStdout: chunk => parser.push(chunk),
    });
    const [commitObject, ...answers] = parser.finish(objectNames.length);
    if (!commitObject.found || commitObject.type !== 'commit') {
      throw mirror.unknownCommit(commit);
    }

    const files = new Map<string, Buffer | GitFileTooLarge>();
    answers.forEach((answer, index) => {
      // Directories and submodules are not files.
      if (!answer.found || answer.type !== 'blob') return;
      files.set(
        requestedPaths[index],
        answer.content ?? { tooLarge: answer.size },
      );
    });
    return files;
  });
}

/** The deepest folder holding every path (`''` for the root). */
function commonFolder(paths: Iterable<string>): string {
  let common: string[] | undefined;
  for (const path of paths) {
    const folders = path.split('/').slice(0, -1);
    if (common === undefined) {
      common = folders;
      continue;
    }
    let i = 0;
    while (i < common.length && i < folders.length && common[i] === folders[i])
      i++;
    common = common.slice(0, i);
  }
  return (common ?? []).join('/');
}

/**
 * `readFiles` for many paths, in two processes: `ls-tree` of the folder
 * holding them all, then `cat-file --batch` of the blobs found, by id. Same
 * answer: paths that are not blobs there (missing, folders, submodules,
 * below a symlink) are absent; blobs over `maxBytes` are marked too large.
 */
async function readListedFiles(
  mirror: GitMirror,
  commit: string,
  wanted: Map<string, string>,
  maxBytes: number,
): Promise<Map<string, Buffer | GitFileTooLarge>> {
  const folder = commonFolder(wanted.values());
  const treeish = folder ? `${commit}:${folder}` : commit;
  let listing: GitTreeEntry[];
  try {
    const { stdout } = await mirror.git('ls-tree', [
      '-r',
      '-z',
      '--long',
      treeish,
    ]);
    listing = parseTreeListing(stdout, folder);
  } catch (error) {
    if (
      error instanceof GitCommandError &&
      /Not a valid object name|not a tree object/.test(error.stderr)
    ) {
      // The commit is missing (an error) or the folder is (no files).
      await mirror.requireCommits([commit]);
      return new Map();
    }
    throw error;
  }
  const blobs = new Map<string, GitTreeEntry>();
  for (const entry of listing)
    if (entry.type === 'blob') blobs.set(entry.path, entry);

  const files = new Map<string, Buffer | GitFileTooLarge>();
  const toRead: Array<{ requested: string; sha: string }> = [];
  for (const [requested, normalised] of wanted) {
    const entry = blobs.get(normalised);
    if (!entry) continue;
    if (entry.size !== undefined && entry.size > maxBytes) {
      files.set(requested, { tooLarge: entry.size });
    } else {
      toRead.push({ requested, sha: entry.sha });
    }
  }
  if (toRead.length === 0) return files;
  const parser = new CatFileBatchParser(({ size }) => size <= maxBytes);
  await mirror.git('cat-file', ['--batch'], {
    input: `${toRead.map(r => r.sha).join('\n')}\n`,
    onStdout: chunk => parser.push(chunk),
  });
  parser.finish(toRead.length).forEach((answer, index) => {
    if (!answer.found || answer.type !== 'blob') return;
    files.set(
      toRead[index].requested,
      answer.content ?? { tooLarge: answer.size },
    );
  });
  return files;
}

/**
 * The changes from `from` to `to` (with each new side's blob id) and `to`'s
 * author and message, from one
 * process: `diff-tree --stdin` given `<to> <from>` diffs `to` against `from`
 * as if it were its parent, and prints `to`'s commit first.
 */
export async function diff(
  mirror: GitMirror,
  from: string,
  to: string,
): Promise<{ changes: RawChange[]; commit: GitCommitInfo }> {
  return readAbout(mirror, [from, to], async () => {
    // diff-tree is the plumbing behind `git diff --raw` for two commits:
    // same output, no porcelain configuration in play.
    const { stdout } = await mirror.gitAbout(
      [from, to],
      'diff-tree',
      [
        '--stdin',
        '--always',
        '-r',
        '-z',
        '--raw',
        '-M',
        `--format=${COMMIT_DIFF_FORMAT}`,
      ],
      { input: `${to} ${from}\n` },
    );
    const parsed = parseCommitDiff(stdout, to);
    if (parsed) return parsed;
    // diff-tree --stdin skips a commit it cannot read, exiting 0.
    await mirror.requireCommits([from, to]);
    throw new Error(`git diff-tree in ${mirror.id} printed nothing for ${to}`);
  });
}

export async function isAncestor(
  mirror: GitMirror,
  ancestor: string,
  descendant: string,
): Promise<boolean> {
  assertCommitSha(ancestor);
  assertCommitSha(descendant);
  return mirror.reading(async () => {
    if (!(await mirror.exists())) return false;
    try {
      const { exitCode } = await mirror.git(
        'merge-base',
        ['--is-ancestor', ancestor, descendant],
        { okExitCodes: [1] },
      );
      return exitCode === 0;
    } catch (error) {
      // Existence is checked only on failure, keeping a sync's common
      // path to one process.
      if (!(error instanceof GitCommandError)) throw error;
      if (!(await mirror.commitExists(ancestor))) return false;
      await mirror.requireCommits([descendant]);
      throw error;
    }
  });
}

export async function hasCommit(
  mirror: GitMirror,
  sha: string,
): Promise<boolean> {
  assertCommitSha(sha);
  return mirror.reading(async () =>
    (await mirror.exists()) ? mirror.commitExists(sha) : false,
  );
}

export async function commitInfo(
  mirror: GitMirror,
  sha: string,
): Promise<GitCommitInfo> {
  return readAbout(mirror, [sha], async () => {
    const { stdout } = await mirror.gitAbout([sha], 'log', [
      '-1',
      '--format=%H%x00%an%x00%ae%x00%ct%x00%B',
      `${sha}^{commit}`,
      '--',
    ]);
    const [commitSha, authorName, authorEmail, committedAt, ...message] = stdout
      .toString('utf8')
      .split('\0');
    return {
      sha: commitSha,
      authorName,
      authorEmail,
      message: message.join('\0').replace(/\n+$/, ''),
      committedAt: new Date(Number(committedAt) * 1000).toISOString(),
    };
  });
}

export async function lastChange(
  mirror: GitMirror,
  from: string,
  to: string,
  path: string,
): Promise<GitCommitInfo | undefined> {
  return readAbout(mirror, [from, to], async () => {
    // `--` ends the revisions: the path is never read as an option.
    const { stdout } = await mirror.gitAbout([from, to], 'log', [
      '-1',
      '--format=%H',
      `${from}..${to}`,
      '--',
      path,
    ]);
    const sha = stdout.toString('utf8').trim();
    return sha ? commitInfo(mirror, sha) : undefined;
  });
}
