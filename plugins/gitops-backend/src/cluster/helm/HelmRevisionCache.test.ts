import { CacheBudgets } from '../../kernel';
import {
  helmSecret,
  podinfoDevHistory,
} from './__testUtils__/helmSecretFixtures';
import { HelmRevisionCache } from './HelmRevisionCache';
import { HelmSecretError } from './HelmSecretError';

const atVersion = (resourceVersion: string, index = 0) => {
  const secret = helmSecret(podinfoDevHistory[index]);
  return { ...secret, metadata: { ...secret.metadata, resourceVersion } };
};

describe('HelmRevisionCache', () => {
  it('reuses what a secret decoded to while its resourceVersion stays', () => {
    const cache = new HelmRevisionCache();
    const first = cache.decode(atVersion('10'));
    expect(first).toMatchObject({
      name: 'podinfo-dev',
      revision: 1,
      chartVersion: '0.2.0',
    });
    cache.endCycle();
    expect(cache.decode(atVersion('10'))).toBe(first);
    // Helm relabels a superseded revision: a new version is decoded anew.
    const changed = cache.decode(atVersion('11'));
    expect(changed).not.toBe(first);
    expect(changed).toEqual(first);
  });

  it('forgets secrets a whole cycle did not see', () => {
    const cache = new HelmRevisionCache();
    const first = cache.decode(atVersion('10'));
    cache.endCycle();
    cache.decode(atVersion('20', 1));
    cache.endCycle();
    expect(cache.decode(atVersion('10'))).not.toBe(first);
  });

  it('decodes without caching when there is no resourceVersion, and keeps no failure', () => {
    const cache = new HelmRevisionCache();
    const plain = helmSecret(podinfoDevHistory[0]);
    expect(cache.decode(plain)).not.toBe(cache.decode(plain));
    const broken = { ...atVersion('30'), data: { release: 'not base64!' } };
    expect(() => cache.decode(broken)).toThrow(HelmSecretError);
    expect(() => cache.decode(broken)).toThrow(HelmSecretError);
  });

  it('stays within its byte budget when a cycle sees more than fits, and still serves hits', () => {
    const budgets = new CacheBudgets({ helmRevisions: 0.01 }); // ~10 KiB
    const cache = new HelmRevisionCache(budgets);
    for (let v = 0; v < 200; v++) {
      cache.decode(atVersion(String(1000 + v), v % podinfoDevHistory.length));
      expect(cache.bytes).toBeLessThanOrEqual(
        budgets.budgetBytes('helmRevisions'),
      );
    }
    expect(cache.size).toBeGreaterThan(1);
    expect(cache.size).toBeLessThan(200);
    const recent = cache.decode(
      atVersion('1199', 199 % podinfoDevHistory.length),
    );
    expect(
      cache.decode(atVersion('1199', 199 % podinfoDevHistory.length)),
    ).toBe(recent);
    expect(budgets.report().helmRevisions).toMatchObject({
      bytes: cache.bytes,
      entries: cache.size,
      instances: 1,
    });
  });
});
