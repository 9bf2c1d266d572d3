import { applyMergePatch } from './mergePatch';

describe('applyMergePatch', () => {
  it('merges maps, deletes on null and replaces everything else', () => {
    const target = {
      metadata: { labels: { app: 'web', tier: 'db' } },
      spec: { ports: [80, 443], replicas: 1 },
    };
    const patched = applyMergePatch(target, {
      metadata: { labels: { tier: null, env: 'dev' } },
      spec: { ports: [8080] },
    });
    expect(patched).toEqual({
      metadata: { labels: { app: 'web', env: 'dev' } },
      spec: { ports: [8080], replicas: 1 },
    });
    expect(target.metadata.labels.tier).toBe('db');
  });
});
