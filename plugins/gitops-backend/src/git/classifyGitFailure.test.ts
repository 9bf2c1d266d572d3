import { classifyGitFailure } from './classifyGitFailure';

describe('classifyGitFailure', () => {
  it.each([
    [
      "fatal: Authentication failed for 'https://github.com/o/r.git/'",
      'authentication',
    ],
    [
      "fatal: could not read Username for 'https://host': terminal prompts disabled",
      'authentication',
    ],
    ['git@github.com: Permission denied (publickey).', 'authentication'],
    [
      'fatal: unable to access: The requested URL returned error: 403',
      'authentication',
    ],
    ['Host key verification failed.', 'host-key'],
    [
      'fatal: unable to access: Could not resolve host: nowhere.invalid',
      'unreachable',
    ],
    [
      'ssh: connect to host 127.0.0.1 port 1: Connection refused',
      'unreachable',
    ],
    [
      'ssh: Could not resolve hostname nowhere: Name or service not known',
      'unreachable',
    ],
    ['remote: Repository not found.', 'not-found'],
    ["fatal: couldn't find remote ref refs/heads/nope", 'not-found'],
    ["fatal: '/srv/x.git' does not appear to be a git repository", 'not-found'],
    ['fatal: bad object deadbeef', 'failed'],
  ])('sorts %j as %s', (stderr, kind) => {
    expect(classifyGitFailure(stderr)).toBe(kind);
  });
});
