import { repositoryLinks, webRepository } from './links';

describe('webRepository', () => {
  it.each([
    [
      'https://github.com/example/config.git',
      'https://github.com/example/config',
    ],
    [
      'https://github.example.com/org/config/',
      'https://github.example.com/org/config',
    ],
    [
      'https://gitlab.com/group/sub/config.git',
      'https://gitlab.com/group/sub/config',
    ],
    [
      'https://token:x-oauth@github.com/example/config',
      'https://github.com/example/config',
    ],
  ])('reads %s as %s', (url, base) => {
    expect(webRepository(url)?.base).toBe(base);
  });

  it.each([
    'git@github.com:example/config.git',
    'ssh://git@github.com/example/config.git',
    'http://github.com/example/config',
    'https://bitbucket.org/example/config',
    'https://github.com/example',
    '/tmp/config-repo',
    'file:///tmp/config-repo',
    'not a url',
  ])('gives no link for %s', url => {
    expect(webRepository(url)).toBeUndefined();
  });
});

describe('repositoryLinks', () => {
  const links = repositoryLinks([
    { id: 'gh', url: 'https://github.com/example/config', branch: 'main' },
    { id: 'gl', url: 'https://gitlab.com/group/config.git', branch: 'main' },
    { id: 'local', url: '/srv/git/config', branch: 'main' },
  ]);

  it('builds commit and file pages in each host style', () => {
    expect(links.commit('gh', 'abc')).toBe(
      'https://github.com/example/config/commit/abc',
    );
    expect(links.commit('gl', 'abc')).toBe(
      'https://gitlab.com/group/config/-/commit/abc',
    );
    expect(links.file('gh', 'abc', 'releases/dev/pod info.yaml')).toBe(
      'https://github.com/example/config/blob/abc/releases/dev/pod%20info.yaml',
    );
    expect(links.file('gl', 'abc', 'a.yaml')).toBe(
      'https://gitlab.com/group/config/-/blob/abc/a.yaml',
    );
  });

  it('links nothing for unknown or non-web repositories', () => {
    expect(links.commit('local', 'abc')).toBeUndefined();
    expect(links.commit('missing', 'abc')).toBeUndefined();
    expect(repositoryLinks(undefined).commit('gh', 'abc')).toBeUndefined();
  });
});
