import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { KUBERNETES_YAML_OPTIONS, parseManifestFile } from '../manifests';
import { decodeUtf8File, rewriteImageTags } from './index';

const PATH = 'releases/dev/app.yaml';

const tag = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/);
// Comments may hold anything printable, in any script, emoji included.
const comment = fc
  .string({ unit: 'grapheme', maxLength: 20 })
  .map(text => text.replace(/[\p{Cc}\p{Cs}\u2028\u2029\ufeff]/gu, ''));
const quote = fc.constantFrom('', "'", '"');

const file = fc
  .record({
    shape: fc.constantFrom('object', 'siblings', 'reference'),
    eol: fc.constantFrom('\n', '\r\n'),
    indent: fc.constantFrom('  ', '    '),
    quote,
    comments: fc.array(comment, { minLength: 4, maxLength: 4 }),
    leadingDocument: fc.boolean(),
    bom: fc.boolean(),
    finalNewline: fc.boolean(),
    oldTag: tag,
  })
  .map(
    ({
      shape,
      eol,
      indent: i,
      quote: written,
      comments,
      leadingDocument,
      bom,
      finalNewline,
      oldTag,
    }) => {
      // A person quotes a tag YAML would otherwise read as a number or boolean
      // (as Kubernetes reads YAML: `n`, `y`, `on` and `off` are booleans too).
      const q =
        written === '' &&
        typeof parse(oldTag, KUBERNETES_YAML_OPTIONS) !== 'string'
          ? '"'
          : written;
      const token = (t: string) =>
        `${q}${shape === 'reference' ? `org/app:${t}` : t}${q}`;
      const head = [
        ...(leadingDocument
          ? [`# ${comments[0]}`, 'kind: ConfigMap', 'apiVersion: v1', '---']
          : []),
        `# ${comments[1]}`,
        'apiVersion: helm.fluxcd.io/v1',
        'kind: HelmRelease',
        'metadata:',
        `${i}name: app`,
        `${i}namespace: dev`,
        `${i}annotations:`,
        `${i}${i}fluxcd.io/automated: "true"`,
        'spec:',
        `${i}chart: {git: "git@example.com:c", path: charts/app}`,
        `${i}values:`,
      ];
      const valueLinesByShape: Record<typeof shape, string[]> = {
        object: [
          `${i}${i}image:`,
          `${i}${i}${i}repository: org/app # ${comments[2]}`,
          `${i}${i}${i}tag: `,
        ],
        siblings: [`${i}${i}image: org/app`, `${i}${i}tag: `],
        reference: [`${i}${i}image: `],
      };
      const valueLines = valueLinesByShape[shape];
      const before = [...head, ...valueLines].join(eol);
      const after =
        [` # ${comments[3]}`, `${i}${i}replicaCount: 1`].join(eol) +
        (finalNewline ? eol : '');
      // Generated around the tag token, so the expected result is known exactly.
      return {
        before: `${bom ? '\ufeff' : ''}${before}`,
        after,
        token,
        oldTag,
      };
    },
  );

const parsed = (content: string) =>
  parseAllDocuments(content, KUBERNETES_YAML_OPTIONS).map(document =>
    document.toJS(),
  );

describe('rewriteImageTags on generated files', () => {
  it('changes only the bytes of the tag, and the file reads back with the new tag', () => {
    fc.assert(
      fc.property(file, tag, ({ before, after, token, oldTag }, newTag) => {
        const content = before + token(oldTag) + after;
        const bytes = Buffer.from(content, 'utf8');
        const [release] = parseManifestFile(PATH, content).helmReleases;
        const image = release.images.find(
          candidate => candidate.container === 'chart-image',
        )!;
        expect(image.tag).toBe(oldTag);

        const result = rewriteImageTags(PATH, decodeUtf8File(PATH, bytes), [
          { document: release.source.document, image, newTag },
        ]);
        const written = Buffer.from(result.content, 'utf8');

        // Byte for byte around the tag scalar; the scalar holds the new value
        // in the quoting found, or quoted where plain would not read as a string.
        const [head, tail] = [
          Buffer.from(before, 'utf8'),
          Buffer.from(after, 'utf8'),
        ];
        expect(written.subarray(0, head.length).equals(head)).toBe(true);
        expect(
          written.subarray(written.length - tail.length).equals(tail),
        ).toBe(true);
        const scalar = written
          .subarray(head.length, written.length - tail.length)
          .toString('utf8');
        const value = token(newTag).replace(/^['"]|['"]$/g, '');
        // Written as the token, or quoted so that it still reads as the value.
        expect(
          scalar === token(newTag)
            ? value
            : parse(scalar, KUBERNETES_YAML_OPTIONS),
        ).toBe(value);
        expect(result.changed).toBe(oldTag !== newTag);
        const [reread] = parseManifestFile(PATH, result.content).helmReleases;
        expect(
          reread.images.find(candidate => candidate.container === 'chart-image')
            ?.tag,
        ).toBe(newTag);
        // Everything but the tag reads back as it was.
        expect(parsed(result.content)).toEqual(
          parsed(before + JSON.stringify(value) + after),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a file that is not valid UTF-8 instead of writing U+FFFD over its bytes', () => {
    const latin1 = Buffer.concat([
      Buffer.from('# caf'),
      Buffer.from([0xe9]),
      Buffer.from(' (Latin-1)\napiVersion: helm.fluxcd.io/v1\n'),
    ]);
    expect(() => decodeUtf8File(PATH, latin1)).toThrow(
      `${PATH} is not valid UTF-8; nothing was rewritten, so its other bytes are not replaced`,
    );
    // What a lenient read would have written back.
    expect(Buffer.from(latin1.toString('utf8'), 'utf8').equals(latin1)).toBe(
      false,
    );
  });
});
