import { ConflictError } from '@backstage/errors';
import { parseManifestFile } from '../manifests';
import { lockChange, unlockChange } from './lockAnnotations';
import { rewriteAnnotations } from './rewriteAnnotations';

const PATH = 'releases/stg/app.yaml';

function release(
  annotations: string[],
  extra: { metadata?: string[] } = {},
): string {
  return [
    '# the staging release',
    'apiVersion: helm.fluxcd.io/v1',
    'kind: HelmRelease',
    'metadata:',
    '  name: app',
    '  namespace: stg',
    ...(extra.metadata ?? []),
    ...(annotations.length
      ? ['  annotations:', ...annotations.map(a => `    ${a}`)]
      : []),
    '  labels:',
    '    app: app # who owns it',
    'spec:',
    '  chart: {git: "git@example.com:config", path: charts/app}',
    '  values:',
    '    image:',
    '      repository: org/app',
    '      tag: stg-1 # bumped by automation',
    '',
  ].join('\n');
}

const LOCK = lockChange(
  'user:default/alice',
  'Promoted org/app:dev-1 from dev by user:default/alice',
);
const LOCK_LINES = [
  '    fluxcd.io/locked: "true"',
  '    fluxcd.io/locked_user: "user:default/alice"',
  '    fluxcd.io/locked_msg: "Promoted org/app:dev-1 from dev by user:default/alice"',
];

function annotationsOf(content: string, document = 0) {
  const file = parseManifestFile(PATH, content);
  expect(file.errors).toEqual([]);
  return file.helmReleases[document].annotations;
}

describe('rewriteAnnotations', () => {
  it('adds entries below the last one, indented like it, and nothing else', () => {
    const content = release([
      'fluxcd.io/automated: "true"',
      "filter.fluxcd.io/chart-image: 'glob:stg-*' # policy",
    ]);
    const result = rewriteAnnotations(PATH, content, 0, LOCK);
    expect(result.changed).toBe(true);
    expect(result.content).toBe(
      content.replace(
        "    filter.fluxcd.io/chart-image: 'glob:stg-*' # policy\n",
        `    filter.fluxcd.io/chart-image: 'glob:stg-*' # policy\n${LOCK_LINES.join(
          '\n',
        )}\n`,
      ),
    );
    const parsed = parseManifestFile(PATH, result.content).helmReleases[0];
    expect(parsed).toMatchObject({
      locked: true,
      lockedBy: 'user:default/alice',
    });
  });

  it('adds an annotations block at the end of metadata when there is none', () => {
    const content = release([]);
    const result = rewriteAnnotations(PATH, content, 0, LOCK);
    expect(result.content).toBe(
      content.replace(
        '    app: app # who owns it\n',
        `    app: app # who owns it\n  annotations:\n${LOCK_LINES.join(
          '\n',
        )}\n`,
      ),
    );
  });

  it('follows the indentation the file uses', () => {
    const content =
      'apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n    name: app\n    namespace: stg\nspec:\n    chart: {git: x, path: charts/app}\n';
    const result = rewriteAnnotations(PATH, content, 0, {
      set: { 'fluxcd.io/locked': 'true' },
    });
    expect(result.content).toBe(
      content.replace(
        '    namespace: stg\n',
        '    namespace: stg\n    annotations:\n        fluxcd.io/locked: "true"\n',
      ),
    );
  });

  it('changes an existing value in place, keeping its quoting', () => {
    const content = release([
      "fluxcd.io/locked: 'false' # not yet",
      'fluxcd.io/automated: "true"',
    ]);
    const result = rewriteAnnotations(PATH, content, 0, {
      set: { 'fluxcd.io/locked': 'true' },
    });
    expect(result.content).toBe(
      content.replace("'false' # not yet", "'true' # not yet"),
    );
  });

  it('writes a boolean written plain back as a string', () => {
    const content = release(['fluxcd.io/locked: false']);
    const result = rewriteAnnotations(PATH, content, 0, {
      set: { 'fluxcd.io/locked': 'true' },
    });
    expect(result.content).toBe(
      content.replace('fluxcd.io/locked: false', 'fluxcd.io/locked: "true"'),
    );
  });

  it('changes nothing when the values are already there', () => {
    const content = release(['fluxcd.io/locked: "true"']);
    expect(
      rewriteAnnotations(PATH, content, 0, {
        set: { 'fluxcd.io/locked': 'true' },
      }),
    ).toEqual({
      content,
      changed: false,
    });
    expect(
      rewriteAnnotations(PATH, content, 0, { remove: ['nope'] }).changed,
    ).toBe(false);
  });

  it('removes entries with their whole line, comments on it included', () => {
    const content = release([
      'fluxcd.io/automated: "true"',
      'fluxcd.io/locked: "true" # frozen for the audit',
      'fluxcd.io/locked_user: bob',
      'filter.fluxcd.io/chart-image: glob:stg-*',
    ]);
    const result = rewriteAnnotations(PATH, content, 0, unlockChange());
    expect(result.content).toBe(
      content
        .replace('    fluxcd.io/locked: "true" # frozen for the audit\n', '')
        .replace('    fluxcd.io/locked_user: bob\n', ''),
    );
  });

  it('removes the annotations key once the last entry goes', () => {
    const content = release([
      'fluxcd.io/locked: "true"',
      'flux.weave.works/locked_msg: |',
      '  a block',
      '  message',
    ]);
    const result = rewriteAnnotations(PATH, content, 0, unlockChange());
    expect(result.content).toBe(release([]));
  });

  it('lock then unlock gives back the file byte for byte', () => {
    for (const content of [
      release([
        'fluxcd.io/automated: "true"',
        'filter.fluxcd.io/chart-image: glob:stg-*',
      ]),
      release([]),
    ]) {
      const locked = rewriteAnnotations(PATH, content, 0, LOCK).content;
      expect(locked).not.toBe(content);
      expect(rewriteAnnotations(PATH, locked, 0, unlockChange()).content).toBe(
        content,
      );
    }
  });

  it('keeps CRLF line endings and a missing final newline', () => {
    const crlf = release(['fluxcd.io/automated: "true"']).replace(
      /\n/g,
      '\r\n',
    );
    const locked = rewriteAnnotations(PATH, crlf, 0, LOCK).content;
    expect(locked.replace(/\r\n/g, '')).not.toContain('\n');
    expect(locked).toBe(
      crlf.replace(
        '    fluxcd.io/automated: "true"\r\n',
        `    fluxcd.io/automated: "true"\r\n${LOCK_LINES.join('\r\n')}\r\n`,
      ),
    );

    const lastLine =
      'apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n  name: app\n  annotations:\n    a: b';
    expect(
      rewriteAnnotations(PATH, lastLine, 0, { set: { c: 'd' } }).content,
    ).toBe(`${lastLine}\n    c: "d"`);
  });

  it('edits a flow mapping on one line, keeping the entries that stay as written', () => {
    const content = release([]).replace(
      '  labels:',
      "  annotations: {fluxcd.io/automated: 'true', x: y}\n  labels:",
    );
    const locked = rewriteAnnotations(PATH, content, 0, {
      set: { 'fluxcd.io/locked': 'true' },
    }).content;
    expect(locked).toBe(
      content.replace(
        "{fluxcd.io/automated: 'true', x: y}",
        `{fluxcd.io/automated: 'true', x: y, fluxcd.io/locked: "true"}`,
      ),
    );
    expect(rewriteAnnotations(PATH, locked, 0, unlockChange()).content).toBe(
      content,
    );
  });

  it('fills an empty annotations key', () => {
    const content = release([]).replace(
      '  labels:',
      '  annotations:\n  labels:',
    );
    const result = rewriteAnnotations(PATH, content, 0, {
      set: { 'fluxcd.io/locked': 'true' },
    });
    expect(result.content).toBe(
      content.replace(
        '  annotations:\n',
        '  annotations:\n    fluxcd.io/locked: "true"\n',
      ),
    );
  });

  it('changes only the document it is told to', () => {
    const first = release(['fluxcd.io/automated: "true"']);
    const second = first.replace('name: app', 'name: app-two');
    const content = `${first}---\n${second}`;
    const result = rewriteAnnotations(PATH, content, 1, LOCK);
    expect(result.content.startsWith(first)).toBe(true);
    expect(annotationsOf(result.content, 0)).toEqual({
      'fluxcd.io/automated': 'true',
    });
    expect(annotationsOf(result.content, 1)).toMatchObject({
      'fluxcd.io/locked': 'true',
    });
  });

  it('escapes what a message may hold', () => {
    const content = release(['a: b']);
    const message = 'say "hi"\\ then: # not a comment\nbye';
    const result = rewriteAnnotations(PATH, content, 0, {
      set: { 'fluxcd.io/locked_msg': message },
    });
    expect(annotationsOf(result.content)['fluxcd.io/locked_msg']).toBe(message);
  });

  it('refuses what it cannot edit safely, writing nothing', () => {
    const flowMetadata =
      'apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata: {name: app, namespace: stg}\nspec: {}\n';
    expect(() => rewriteAnnotations(PATH, flowMetadata, 0, LOCK)).toThrow(
      ConflictError,
    );
    expect(() => rewriteAnnotations(PATH, release(['a: b']), 3, LOCK)).toThrow(
      /no YAML document 3/,
    );
    expect(() =>
      rewriteAnnotations(PATH, `${release(['a: b'])}  bad: [\n`, 0, LOCK),
    ).toThrow(/YAML errors/);
    const listAnnotations = release([]).replace(
      '  labels:',
      '  annotations:\n    - a\n  labels:',
    );
    expect(() => rewriteAnnotations(PATH, listAnnotations, 0, LOCK)).toThrow(
      /not a mapping/,
    );
  });
});
