/**
 * Words that mark a values key as holding a secret, matched case-insensitively
 * anywhere in the key once `-`, `_` and `.` are removed (`db_password`,
 * `apiToken`, `client-secret`, `tlsCert`, `privateKey`). Showing too little
 * costs a value on a card; showing too much leaks a credential, so the list
 * errs on the side of hiding (`certManager` and `author` are hidden too).
 */
export const SECRET_KEY_WORDS: readonly string[] = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'credential',
  'cert',
  'auth',
  'private',
  'apikey',
  'accesskey',
  'signingkey',
  'encryptionkey',
  'connectionstring',
  'dsn',
  'salt',
];

/** `key` alone or as the end of a name (`tls.key`, `sshKey`, `masterKey`). */
const KEY_SUFFIX = 'key';

/** Whether a values key is named like something that holds a secret. */
export function isSecretLikeKey(key: string): boolean {
  const word = key.toLowerCase().replace(/[-_.]/g, '');
  return (
    word.endsWith(KEY_SUFFIX) || SECRET_KEY_WORDS.some(w => word.includes(w))
  );
}

// Values are bounded by what Helm stores, but a walk over a hostile tree is
// bounded too: past this many keys, assume the worst.
const MAX_KEYS_SEARCHED = 10_000;

/** Whether a value holds, at any depth, a mapping key named like a secret. */
export function holdsSecretLikeKey(value: unknown): boolean {
  const pending: unknown[] = [value];
  let searched = 0;
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    const entries = Array.isArray(next)
      ? next.map(item => ['', item] as const)
      : Object.entries(next);
    for (const [key, item] of entries) {
      if (++searched > MAX_KEYS_SEARCHED) return true;
      if (key !== '' && isSecretLikeKey(key)) return true;
      pending.push(item);
    }
  }
  return false;
}
