import { InputError } from '@backstage/errors';
import {
  assertBranchName,
  assertRemote,
  normaliseRepositoryPath,
} from './gitInputs';

describe('gitInputs', () => {
  it('normalises repository paths and refuses escapes and newlines', () => {
    expect(normaliseRepositoryPath('./releases//dev/')).toBe('releases/dev');
    expect(normaliseRepositoryPath('/')).toBe('');
    expect(() => normaliseRepositoryPath('releases/../../etc')).toThrow(
      InputError,
    );
    expect(() => normaliseRepositoryPath('a\nb')).toThrow(InputError);
  });

  it('accepts ordinary branch names and refuses what git would not', () => {
    ['main', 'release/v1.2', 'feature_x-1'].forEach(branch =>
      expect(() => assertBranchName(branch)).not.toThrow(),
    );
    [
      '',
      '-f',
      'a..b',
      'a b',
      'a:b',
      'x.lock',
      '.hidden',
      'a/.b',
      'a@{1}',
      'a~1',
    ].forEach(branch =>
      expect(() => assertBranchName(branch)).toThrow(InputError),
    );
  });

  it('accepts the URL forms git syncs from and matches them to the auth', () => {
    const none = { type: 'none' } as const;
    const ok = (
      url: string,
      auth: Parameters<typeof assertRemote>[0]['auth'] = none,
    ) =>
      expect(() => assertRemote({ url, branch: 'main', auth })).not.toThrow();
    ok('https://github.com/org/config.git', { type: 'token', token: 't' });
    ok('git@github.com:org/config.git', {
      type: 'ssh',
      privateKey: 'k',
      knownHosts: 'h',
    });
    ok('ssh://git@host:2222/org/config.git', {
      type: 'ssh',
      privateKey: 'k',
      knownHosts: 'h',
    });
    ok('file:///srv/config.git');
    ok('/srv/config.git');

    const bad = (
      url: string,
      auth: Parameters<typeof assertRemote>[0]['auth'] = none,
    ) =>
      expect(() => assertRemote({ url, branch: 'main', auth })).toThrow(
        InputError,
      );
    bad('ftp://host/repo.git');
    // A token may be the username; only ssh's user is not a secret.
    bad('https://ghp_token@github.com/org/config.git');
    bad('ssh://git:secret@host/repo.git', {
      type: 'ssh',
      privateKey: 'k',
      knownHosts: 'h',
    });
    bad('https://host/repo.git', {
      type: 'ssh',
      privateKey: 'k',
      knownHosts: 'h',
    });
    bad('git@host:repo.git', { type: 'token', token: 't' });
    bad('https://host/repo.git', { type: 'token', token: '' });
    bad('ssh://host/repo.git', {
      type: 'ssh',
      privateKey: 'k',
      knownHosts: '',
    });
  });
});
