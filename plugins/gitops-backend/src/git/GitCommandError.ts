import { CustomErrorBase } from '@backstage/errors';

/**
 * Why a git process failed, as far as its stderr tells:
 * - authentication: the remote rejected or asked for credentials
 * - host-key: the SSH host key is not the one in known_hosts
 * - unreachable: the remote host could not be resolved or connected to
 * - not-found: the repository or branch does not exist (or is hidden from these credentials)
 * - timeout: the process ran longer than allowed and was killed
 * - failed: anything else
 */
export type GitFailureKind =
  | 'authentication'
  | 'host-key'
  | 'unreachable'
  | 'not-found'
  | 'timeout'
  | 'failed';

/**
 * A git process that failed. The message names the git subcommand and
 * carries its stderr with credentials scrubbed; it never holds a secret.
 */
export class GitCommandError extends CustomErrorBase {
  name = 'GitCommandError' as const;

  readonly command: string;
  readonly kind: GitFailureKind;
  readonly exitCode: number | undefined;
  /** Scrubbed stderr of the process. */
  readonly stderr: string;

  constructor(options: {
    command: string;
    kind: GitFailureKind;
    message: string;
    exitCode?: number;
    stderr?: string;
  }) {
    super(options.message);
    this.command = options.command;
    this.kind = options.kind;
    this.exitCode = options.exitCode;
    this.stderr = options.stderr ?? '';
  }
}

/** A commit that would change nothing; callers skip it instead of committing. */
export class EmptyCommitError extends CustomErrorBase {
  name = 'EmptyCommitError' as const;
}
