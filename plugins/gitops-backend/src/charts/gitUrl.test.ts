import { normalizeGitUrl, sameGitRepository } from './gitUrl';

describe('normalizeGitUrl', () => {
  it.each([
    'https://github.com/example/podinfo-fleet',
    'https://github.com/example/podinfo-fleet.git',
    'https://GitHub.com/example/podinfo-fleet/',
    'https://token@github.com:443/example/podinfo-fleet.git/',
    'ssh://git@github.com/example/podinfo-fleet',
    'ssh://git@github.com:22/example/podinfo-fleet.git',
    'git@github.com:example/podinfo-fleet.git',
    'github.com:example/podinfo-fleet',
  ])('reads %s as github.com/example/podinfo-fleet', url => {
    expect(normalizeGitUrl(url)).toBe('github.com/example/podinfo-fleet');
  });

  it('keeps what tells repositories apart: paths (case too), ports, local folders', () => {
    expect(
      sameGitRepository(
        'https://github.com/example/Fleet',
        'https://github.com/example/fleet',
      ),
    ).toBe(false);
    expect(
      sameGitRepository(
        'https://git.example.com:8443/fleet',
        'https://git.example.com/fleet',
      ),
    ).toBe(false);
    expect(
      sameGitRepository(
        'https://github.com/example/fleet',
        'https://github.com/other/fleet',
      ),
    ).toBe(false);
    expect(normalizeGitUrl('file:///srv/git/fleet.git/')).toBe(
      '/srv/git/fleet',
    );
    expect(
      sameGitRepository('file:///srv/git/fleet.git', '/srv/git/fleet'),
    ).toBe(true);
  });
});
