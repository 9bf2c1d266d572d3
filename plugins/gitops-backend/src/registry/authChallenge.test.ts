import { parseAuthChallenges, pickAuthChallenge } from './authChallenge';

describe('parseAuthChallenges', () => {
  it('reads a bearer challenge with quoted parameters', () => {
    expect(
      parseAuthChallenges(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/nginx:pull',
        },
      },
    ]);
  });

  it('reads several challenges, unquoted values and escapes', () => {
    expect(
      parseAuthChallenges(
        'Basic realm="a \\"b\\"", Bearer realm=https://x/token, error=insufficient_scope',
      ),
    ).toEqual([
      { scheme: 'basic', params: { realm: 'a "b"' } },
      {
        scheme: 'bearer',
        params: { realm: 'https://x/token', error: 'insufficient_scope' },
      },
    ]);
  });

  it('copes with nothing and with junk', () => {
    expect(parseAuthChallenges(null)).toEqual([]);
    expect(parseAuthChallenges('')).toEqual([]);
    expect(parseAuthChallenges('Negotiate abc==')).toEqual([
      { scheme: 'negotiate', params: { abc: '=' } },
    ]);
  });
});

describe('pickAuthChallenge', () => {
  it('prefers Bearer with a realm over Basic', () => {
    expect(
      pickAuthChallenge('Basic realm="r", Bearer realm="https://t/token"')
        ?.scheme,
    ).toBe('bearer');
    expect(
      pickAuthChallenge('Bearer service="x", Basic realm="r"')?.scheme,
    ).toBe('basic');
    expect(pickAuthChallenge('Digest realm="r"')).toBeUndefined();
  });
});
