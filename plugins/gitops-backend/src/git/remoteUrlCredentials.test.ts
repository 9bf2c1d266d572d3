import {
  hasUrlCredentials,
  withoutUrlCredentials,
} from './remoteUrlCredentials';

describe('remote URL credentials', () => {
  it.each([
    [
      'https://ghp_token@github.com/org/config.git',
      'https://github.com/org/config.git',
    ],
    [
      'https://user:pass@git.example.com/config.git',
      'https://git.example.com/config.git',
    ],
    ['HTTP://x-access-token:abc@host:8080/r.git', 'HTTP://host:8080/r.git'],
    // A token that holds an '@' of its own is removed whole.
    ['https://to@ken@host/r.git', 'https://host/r.git'],
    ['file://user@localhost/srv/r.git', 'file://localhost/srv/r.git'],
    ['ssh://git:secret@host/r.git', 'ssh://git@host/r.git'],
  ])('finds and removes the credential of %s', (url, shown) => {
    expect(hasUrlCredentials(url)).toBe(true);
    expect(withoutUrlCredentials(url)).toBe(shown);
  });

  it.each([
    'https://github.com/org/config.git',
    'https://host/path/with@sign',
    'ssh://git@host:2222/org/config.git',
    'git@github.com:org/config.git',
    'file:///srv/config.git',
    '/srv/config.git',
  ])('leaves %s as it is: no credential in it', url => {
    expect(hasUrlCredentials(url)).toBe(false);
    expect(withoutUrlCredentials(url)).toBe(url);
  });
});
