import { readKustomizeOverlay } from './kustomizeOverlay';
import { CachedFileReader, ParsedFileCache } from './overlayFiles';
import { resolveLimits } from './limits';

const limits = resolveLimits({});

describe('ParsedFileCache', () => {
  it('parses a large file again only when its content changes', () => {
    const cache = new ParsedFileCache(16);
    const text = 'resources:\n  - a.yaml\n  - b.yaml\n';
    const first = cache.parse(
      'k/kustomization.yaml',
      Buffer.from(text),
      limits,
    );
    expect(cache.parse('k/kustomization.yaml', Buffer.from(text), limits)).toBe(
      first,
    );
    const changed = cache.parse(
      'k/kustomization.yaml',
      Buffer.from(`${text}  - c.yaml\n`),
      limits,
    );
    expect(changed).not.toBe(first);
    expect(changed.documents[0].value).toEqual({
      resources: ['a.yaml', 'b.yaml', 'c.yaml'],
    });
    // Other limits, another path or a small file: parsed anew.
    expect(
      cache.parse(
        'k/kustomization.yaml',
        Buffer.from(`${text}  - c.yaml\n`),
        resolveLimits({ maxDocuments: 3 }),
      ),
    ).not.toBe(changed);
    expect(
      cache.parse('j/kustomization.yaml', Buffer.from(text), limits)
        .documents[0].path,
    ).toBe('j/kustomization.yaml');
    const small = cache.parse('s.yaml', 'a: 1', limits);
    expect(cache.parse('s.yaml', 'a: 1', limits)).not.toBe(small);
  });

  it('stays within its byte budget when fed more than it holds, and still serves hits', () => {
    const maxBytes = 64 * 1024;
    const cache = new ParsedFileCache(1, { maxBytes });
    const text = (i: number) =>
      `resources:\n${Array.from(
        { length: 20 },
        (_, n) => `  - app-${i}-${n}\n`,
      ).join('')}`;
    const first = cache.parse('k0/kustomization.yaml', text(0), limits);
    for (let i = 1; i < 200; i++) {
      cache.parse(`k${i}/kustomization.yaml`, text(i), limits);
      expect(cache.bytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(cache.size).toBeGreaterThan(1);
    expect(cache.size).toBeLessThan(200);
    // The oldest went; the newest is still served from the cache.
    expect(cache.parse('k0/kustomization.yaml', text(0), limits)).not.toBe(
      first,
    );
    const last = cache.parse('k199/kustomization.yaml', text(199), limits);
    expect(cache.parse('k199/kustomization.yaml', text(199), limits)).toBe(
      last,
    );
  });

  it('gives an overlay read the same answer when its files come from the cache', async () => {
    const files: Record<string, string> = {
      'apps/dev/kustomization.yaml':
        'namespace: dev\nresources:\n  - ../base\npatches:\n  - path: patch.yaml\n',
      'apps/dev/patch.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  b: "2"\n',
      'apps/base/kustomization.yaml': 'resources:\n  - map.yaml\n',
      'apps/base/map.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: "1"\n',
    };
    const reader = async (paths: string[]) =>
      new Map(
        paths
          .filter(p => files[p] !== undefined)
          .map(p => [p, files[p]] as const),
      );
    const parsedFiles = new ParsedFileCache(1);
    const plain = await readKustomizeOverlay('apps/dev', reader);
    const first = await readKustomizeOverlay('apps/dev', reader, {
      parsedFiles,
    });
    const second = await readKustomizeOverlay('apps/dev', reader, {
      parsedFiles,
    });
    const shape = (o: typeof plain) => ({
      ...o,
      resources: o.resources.map(r => ({ ...r, document: r.document.text })),
    });
    expect(shape(first)).toEqual(shape(plain));
    expect(shape(second)).toEqual(shape(plain));
    // Merging patches into the base never alters what the cache holds.
    expect(second.resources[0].object).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app', namespace: 'dev' },
      data: { a: '1', b: '2' },
    });
  });
});

describe('CachedFileReader', () => {
  it('parses small files of the same text once, each document sourced at its own file', async () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\nbroken: [\n';
    const reader = new CachedFileReader(async () => new Map());
    const one = reader.parse('a/one.yaml', Buffer.from(text), limits);
    const two = reader.parse('b/two.yaml', Buffer.from(text), limits);
    expect(two.documents[0].tree).toBe(one.documents[0].tree);
    expect(two.documents.map(d => d.source)).toEqual([
      { path: 'b/two.yaml', document: 0, line: 1 },
    ]);
    expect(two.errors).toEqual(
      one.errors.map(e => ({ ...e, path: 'b/two.yaml' })),
    );
    expect(two.errors[0]).toEqual(
      expect.objectContaining({ path: 'b/two.yaml', line: 7 }),
    );
    expect(two.documents[0].lineAt(['metadata', 'name'])).toBe(4);
    // As a string, or under other limits: parsed on its own.
    expect(reader.parse('c.yaml', text, limits).documents[0].tree).not.toBe(
      one.documents[0].tree,
    );
    expect(
      reader.parse(
        'd.yaml',
        Buffer.from(text),
        resolveLimits({ maxDocuments: 5 }),
      ).documents[0].tree,
    ).not.toBe(one.documents[0].tree);
  });
});
