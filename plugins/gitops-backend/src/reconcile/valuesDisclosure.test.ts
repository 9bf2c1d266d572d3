import { isSecretLikeKey, holdsSecretLikeKey } from './secretLikeKey';
import { valuesDisclosure } from './valuesDisclosure';
import { valueSources } from './valueSources';

describe('isSecretLikeKey', () => {
  it.each([
    'password',
    'DB_PASSWORD',
    'apiToken',
    'client-secret',
    'tlsCert',
    'tls.key',
    'privateKey',
    'sshKey',
    'credentials',
    'basicAuth',
    'connectionString',
    'sentryDsn',
    'passphrase',
  ])('hides %s', key => expect(isSecretLikeKey(key)).toBe(true));

  it.each(['replicaCount', 'image', 'tag', 'host', 'port', 'resources', 'url'])(
    'shows %s',
    key => expect(isSecretLikeKey(key)).toBe(false),
  );

  it('finds a secret-like key at any depth, lists included', () => {
    expect(
      holdsSecretLikeKey({ env: [{ name: 'A', value: { apiToken: 'x' } }] }),
    ).toBe(true);
    expect(holdsSecretLikeKey({ env: [{ name: 'A', value: 'x' }] })).toBe(
      false,
    );
    expect(holdsSecretLikeKey('password')).toBe(false);
  });
});

describe('valuesDisclosure', () => {
  const plain = valuesDisclosure(valueSources());

  it('shows both sides where git holds a plain value and nothing else fills it', () => {
    expect(plain(['replicaCount'], 2, 1)).toBeUndefined();
    expect(plain(['image', 'tag'], 'dev-2', null)).toBeUndefined();
    // Git's own side, where the cluster has nothing.
    expect(
      plain(['resources'], { limits: { cpu: '1' } }, undefined),
    ).toBeUndefined();
  });

  it("withholds the cluster's side where git holds no plain value", () => {
    expect(plain(['debug'], undefined, true)).toEqual({
      sides: ['live'],
      reason: 'not-in-git',
    });
    expect(plain(['database'], { host: 'db' }, 'postgres://db')).toEqual({
      sides: ['live'],
      reason: 'not-in-git',
    });
    expect(plain(['database'], 'db', { host: 'db', extra: 1 })).toEqual({
      sides: ['live'],
      reason: 'not-in-git',
    });
  });

  it('withholds every present side at or inside a key named like a secret', () => {
    expect(plain(['auth', 'password'], 'in-git', 'live')).toEqual({
      sides: ['desired', 'live'],
      reason: 'secret-name',
    });
    expect(plain(['auth'], { token: 'in-git' }, undefined)).toEqual({
      sides: ['desired'],
      reason: 'secret-name',
    });
    expect(plain(['env', 0], undefined, { name: 'X', secretRef: 'y' })).toEqual(
      { sides: ['live'], reason: 'secret-name' },
    );
  });

  it("withholds the cluster's side wherever valuesFrom may have filled it", () => {
    const whole = valuesDisclosure(
      valueSources({ valuesFrom: [{ secretKeyRef: { name: 'db' } }] }),
    );
    expect(whole(['replicaCount'], 2, 3)).toEqual({
      sides: ['live'],
      reason: 'values-from',
    });
    const targeted = valuesDisclosure(
      valueSources({
        valuesFrom: [{ kind: 'Secret', name: 'db', targetPath: 'db.url' }],
      }),
    );
    expect(targeted(['db', 'url'], 'placeholder', 'postgres://x')).toEqual({
      sides: ['live'],
      reason: 'values-from',
    });
    expect(targeted(['replicaCount'], 2, 3)).toBeUndefined();
  });
});
