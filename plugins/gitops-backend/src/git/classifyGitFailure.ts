import { GitFailureKind } from './GitCommandError';

// Matched against stderr produced under LC_ALL=C, so English wording is stable.
// Order matters: the first match wins.
const PATTERNS: Array<[Exclude<GitFailureKind, 'timeout' | 'failed'>, RegExp]> =
  [
    [
      'host-key',
      /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No [A-Z0-9]+ host key is known/i,
    ],
    [
      'authentication',
      /Authentication failed|Permission denied \(|could not read (Username|Password)|terminal prompts disabled|returned error: 40[13]\b|invalid credentials|Load key .*: (invalid format|incorrect passphrase)/i,
    ],
    [
      'unreachable',
      /Could not resolve host|Could not resolve hostname|Connection refused|Connection timed out|Failed to connect|Couldn't connect to server|No route to host|Network is unreachable|Connection reset|Connection closed by|Operation timed out|Name or service not known/i,
    ],
    [
      'not-found',
      /not found|does not appear to be a git repository|couldn't find remote ref|returned error: 404\b|does not exist/i,
    ],
  ];

const EXPLANATIONS: Record<GitFailureKind, string> = {
  authentication:
    'the remote rejected the credentials (check the token or deploy key and its access to the repository)',
  'host-key': "the remote's SSH host key does not match known_hosts",
  unreachable: 'the remote could not be reached',
  'not-found': 'the repository or branch was not found on the remote',
  timeout: 'the git process timed out',
  failed: 'git failed',
};

/** Sorts a failed git process into a {@link GitFailureKind} from its stderr. */
export function classifyGitFailure(stderr: string): GitFailureKind {
  for (const [kind, pattern] of PATTERNS) {
    if (pattern.test(stderr)) {
      return kind;
    }
  }
  return 'failed';
}

/** A sentence a human can act on for each kind of failure. */
export function explainGitFailure(kind: GitFailureKind): string {
  return EXPLANATIONS[kind];
}
