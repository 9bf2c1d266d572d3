import { InputError } from '@backstage/errors';
import { hasUrlCredentials } from './remoteUrlCredentials';
import { GitRemote } from './types';

// Checks on everything that ends up in a git argument or a directory name.
// Anything starting with '-' could be read by git as an option, so none of
// these allow it.

const REPOSITORY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]/;
const URL_SCHEMES = new Set(['https:', 'http:', 'ssh:', 'file:']);

/** A repository id names its working copy directory under workDir. */
export function assertRepositoryId(id: string): void {
  if (!REPOSITORY_ID.test(id) || id.includes('..')) {
    throw new InputError(
      `Invalid git repository id ${JSON.stringify(
        id,
      )}: use letters, digits, '.', '_' and '-'`,
    );
  }
}

/** Commits are named by full sha, never by ref or abbreviation, so answers cannot shift. */
export function assertCommitSha(sha: string): void {
  if (!FULL_SHA.test(sha)) {
    throw new InputError(
      `Invalid commit sha ${JSON.stringify(
        sha,
      )}: expected a full lowercase hex sha`,
    );
  }
}

/** Branch names follow git's ref rules (a subset of `git check-ref-format --branch`). */
export function assertBranchName(branch: string): void {
  const invalid =
    branch.length === 0 ||
    branch.startsWith('-') ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.endsWith('.lock') ||
    branch.includes('..') ||
    branch.includes('//') ||
    branch.includes('@{') ||
    branch === '@' ||
    // eslint-disable-next-line no-control-regex -- git refuses control characters in ref names
    /[\x00-\x20\x7f~^:?*[\\]/.test(branch) ||
    branch.split('/').some(part => part.startsWith('.'));
  if (invalid) {
    throw new InputError(`Invalid git branch name ${JSON.stringify(branch)}`);
  }
}

/**
 * A repository path as git names it: '/'-separated and relative, with empty
 * and '.' segments dropped ('./a//b/' is 'a/b'). '..' segments and newlines
 * (`cat-file --batch` reads one name per line) are refused. '' is the root.
 */
export function normaliseRepositoryPath(value: string): string {
  if (/[\0\n\r]/.test(value)) {
    throw new InputError(`Invalid repository path ${JSON.stringify(value)}`);
  }
  const segments = value.split('/').filter(part => part !== '' && part !== '.');
  if (segments.includes('..')) {
    throw new InputError(
      `Invalid repository path ${JSON.stringify(value)}: '..' is not allowed`,
    );
  }
  return segments.join('/');
}

/**
 * The remote URL must be one git can fetch without running anything local
 * (no `ext::`), must not look like an option, and must not carry a password:
 * credentials belong in `auth`, where they stay out of argv and config.
 */
export function assertRemote(remote: GitRemote): void {
  const { url, auth } = remote;
  if (url.startsWith('-') || /[\0\n\r\s]/.test(url)) {
    throw new InputError('Invalid git remote URL');
  }
  let scheme: string;
  if (SCP_LIKE.test(url) && !url.includes('://')) {
    scheme = 'ssh:';
  } else if (url.startsWith('/')) {
    scheme = 'file:';
  } else {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InputError('Invalid git remote URL: not a URL');
    }
    scheme = parsed.protocol;
    if (!URL_SCHEMES.has(scheme)) {
      throw new InputError(`Unsupported git remote URL scheme ${scheme}`);
    }
    if (hasUrlCredentials(url)) {
      throw new InputError(
        'The git remote URL must not contain a password or token (userinfo before "@"); put it in the auth settings',
      );
    }
  }
  if (auth.type === 'token' && scheme !== 'https:' && scheme !== 'http:') {
    throw new InputError('Token auth needs an http(s) git remote URL');
  }
  if (auth.type === 'token' && !auth.token) {
    throw new InputError('Token auth needs a token');
  }
  if (auth.type === 'ssh' && scheme !== 'ssh:') {
    throw new InputError(
      'SSH auth needs an ssh:// or user@host:path git remote URL',
    );
  }
  if (auth.type === 'ssh' && (!auth.privateKey || !auth.knownHosts)) {
    throw new InputError(
      'SSH auth needs a private key and known_hosts entries',
    );
  }
  assertBranchName(remote.branch);
}
