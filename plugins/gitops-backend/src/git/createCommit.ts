import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { EmptyCommitError } from './GitCommandError';
import { GitMirror } from './GitMirror';
import { assertCommitSha, normaliseRepositoryPath } from './gitInputs';
import { parseTreeListing } from './parseTreeListing';

export type CommitRequest = {
  parent: string;
  files: Map<string, Buffer>;
  message: string;
  author: { name: string; email: string };
};

/**
 * Writes a commit on `parent` that sets these files' contents, with git's
 * plumbing and no working tree; existing files keep their mode. Never an
 * empty commit: {@link EmptyCommitError} when nothing would change.
 */
export async function createCommit(
  mirror: GitMirror,
  request: CommitRequest,
): Promise<string> {
  assertCommitSha(request.parent);
  const files = [...request.files].map(([requested, content]) => {
    const normalised = normaliseRepositoryPath(requested);
    if (!normalised) {
      throw new InputError(`Cannot commit the path "${requested}"`);
    }
    return { path: normalised, content };
  });
  return mirror.exclusive(async () => {
    await mirror.require();
    // A private index and blob files: the mirror has no working tree and
    // parallel commits must not share an index.
    const scratch = await fs.mkdtemp(path.join(mirror.workDir, '.commit-'));
    try {
      const env = { GIT_INDEX_FILE: path.join(scratch, 'index') };
      await mirror.git('read-tree', [request.parent], { env });
      const tree = await writeTree(mirror, request.parent, files, scratch, env);
      const parentTree = await gitLine(mirror, 'rev-parse', [
        `${request.parent}^{tree}`,
      ]);
      if (tree === parentTree) {
        throw new EmptyCommitError(
          `Nothing to commit in ${mirror.id}: the files already hold these contents`,
        );
      }
      const { name, email } = request.author;
      const identity = {
        GIT_AUTHOR_NAME: name,
        GIT_AUTHOR_EMAIL: email,
        GIT_COMMITTER_NAME: name,
        GIT_COMMITTER_EMAIL: email,
      };
      return await gitLine(
        mirror,
        'commit-tree',
        [tree, '-p', request.parent, '-F', '-'],
        {
          env: identity,
          input: request.message.endsWith('\n')
            ? request.message
            : `${request.message}\n`,
        },
      );
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  });
}

/** Stages `files` over the parent's index in `env` and writes the tree: its sha. */
async function writeTree(
  mirror: GitMirror,
  parent: string,
  files: Array<{ path: string; content: Buffer }>,
  scratch: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const paths = files.map(f => f.path);
  const modes = new Map<string, string>();
  const listing = await mirror.git('ls-tree', [
    '-z',
    '-r',
    '--long',
    parent,
    '--',
    ...paths,
  ]);
  for (const entry of parseTreeListing(listing.stdout, '')) {
    modes.set(entry.path, entry.mode);
  }
  const blobFiles = await Promise.all(
    files.map(async (f, i) => {
      const file = path.join(scratch, `blob-${i}`);
      await fs.writeFile(file, f.content);
      return file;
    }),
  );
  const blobs = (
    await gitLine(
      mirror,
      'hash-object',
      ['-w', '--stdin-paths', '--no-filters'],
      {
        input: `${blobFiles.join('\n')}\n`,
      },
    )
  ).split('\n');
  const indexInfo = paths
    .map((p, i) => `${modes.get(p) ?? '100644'} ${blobs[i]}\t${p}`)
    .join('\n');
  await mirror.git('update-index', ['--add', '--index-info'], {
    env,
    input: `${indexInfo}\n`,
  });
  return gitLine(mirror, 'write-tree', [], { env });
}

/** The trimmed standard output of one git command. */
async function gitLine(
  mirror: GitMirror,
  command: string,
  args: string[],
  options?: Parameters<GitMirror['git']>[2],
): Promise<string> {
  const { stdout } = await mirror.git(command, args, options);
  return stdout.toString('utf8').trim();
}
