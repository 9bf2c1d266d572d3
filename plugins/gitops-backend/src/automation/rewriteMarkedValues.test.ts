import { PolicyTarget, rewriteMarkedValues } from './rewriteMarkedValues';

const target = (overrides: Partial<PolicyTarget> = {}): PolicyTarget => ({
  image: 'ghcr.io/org/app',
  tag: '1.3.0',
  // Only a move up: 1.4.0 in the file is newer than the choice.
  moves: current => current !== '1.3.0' && current < '1.3.0',
  ...overrides,
});

describe('rewriteMarkedValues', () => {
  it('writes each marked part in its own shape, keeping comments, quoting and the rest', () => {
    const text = [
      '# a comment that stays',
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'spec:',
      '  values:',
      '    whole: ghcr.io/org/app:1.2.0 # {"$imagepolicy": "flux-system:app"}',
      '    image:',
      '      repository: org/app # {"$imagepolicy": "flux-system:app:name"}',
      '      tag: "1.2.0" # {"$imagepolicy": "flux-system:app:tag"}',
      '    other: 1.2.0 # {"$imagepolicy": "flux-system:other:tag"}',
      '---',
      'kind: ConfigMap',
      'data:',
      '  version: \'1.2.0\' # {"$imagepolicy": "flux-system:app:tag"}',
      '',
    ].join('\n');
    const result = rewriteMarkedValues(
      text,
      new Map([['flux-system/app', target()]]),
    );
    if ('error' in result) throw new Error(result.error);
    expect(result.content).toBe(
      text
        .replace('ghcr.io/org/app:1.2.0 #', 'ghcr.io/org/app:1.3.0 #')
        .replace('repository: org/app #', 'repository: ghcr.io/org/app #')
        .replace('tag: "1.2.0"', 'tag: "1.3.0"')
        .replace("version: '1.2.0'", "version: '1.3.0'"),
    );
    expect(
      result.changes.map(c => [c.field ?? 'whole', c.oldValue, c.newValue]),
    ).toEqual([
      ['whole', 'ghcr.io/org/app:1.2.0', 'ghcr.io/org/app:1.3.0'],
      ['name', 'org/app', 'ghcr.io/org/app'],
      ['tag', '1.2.0', '1.3.0'],
      ['tag', '1.2.0', '1.3.0'],
    ]);
  });

  it('leaves a newer value, a digest-pinned reference and unknown policies alone', () => {
    const text = [
      'a: ghcr.io/org/app:1.4.0 # {"$imagepolicy": "flux-system:app"}',
      `b: ghcr.io/org/app@sha256:${'a'.repeat(
        64,
      )} # {"$imagepolicy": "flux-system:app"}`,
      'c: 1.0.0 # {"$imagepolicy": "flux-system:unknown:tag"}',
      '',
    ].join('\n');
    const result = rewriteMarkedValues(
      text,
      new Map([['flux-system/app', target()]]),
    );
    expect(result).toEqual({ content: text, changes: [] });
  });

  it('writes a digest into a :digest marker and nothing without one', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    const text = `d: sha256:${'0'.repeat(
      64,
    )} # {"$imagepolicy": "flux-system:app:digest"}\n`;
    const withDigest = rewriteMarkedValues(
      text,
      new Map([['flux-system/app', target({ digest })]]),
    );
    expect('content' in withDigest && withDigest.content).toBe(
      text.replace(`sha256:${'0'.repeat(64)}`, digest),
    );
    expect(
      rewriteMarkedValues(text, new Map([['flux-system/app', target()]])),
    ).toEqual({ content: text, changes: [] });
  });

  it('refuses a file that is not clean YAML', () => {
    const result = rewriteMarkedValues(
      'a: [1\nb: 2 # {"$imagepolicy": "flux-system:app:tag"}\n',
      new Map([['flux-system/app', target()]]),
    );
    expect(result).toEqual({ error: expect.any(String) });
  });
});
