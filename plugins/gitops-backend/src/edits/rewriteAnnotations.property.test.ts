import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { decodeUtf8File } from './utf8File';
import { KUBERNETES_YAML_OPTIONS } from '../manifests';
import { rewriteAnnotations } from './rewriteAnnotations';

const PATH = 'releases/stg/app.yaml';

const printable = (maxLength: number) =>
  fc
    .string({ unit: 'grapheme', maxLength })
    .map(text => text.replace(/[\p{Cc}\p{Cs}\u2028\u2029\ufeff]/gu, ''));
const KEYS = [
  'fluxcd.io/locked',
  'fluxcd.io/locked_msg',
  'fluxcd.io/locked_user',
  'fluxcd.io/automated',
  'filter.fluxcd.io/chart-image',
  'example.com/owner',
];

const release = fc.record({
  eol: fc.constantFrom('\n', '\r\n'),
  indent: fc.constantFrom('  ', '    '),
  existing: fc.dictionary(fc.constantFrom(...KEYS), printable(12), {
    maxKeys: 4,
  }),
  comments: fc.array(printable(16), { minLength: 2, maxLength: 2 }),
  leadingDocument: fc.boolean(),
  bom: fc.boolean(),
});

const change = fc.record({
  set: fc.dictionary(fc.constantFrom(...KEYS), printable(24), { maxKeys: 3 }),
  remove: fc.uniqueArray(fc.constantFrom(...KEYS), { maxLength: 3 }),
});

const documents = (content: string) =>
  parseAllDocuments(content, KUBERNETES_YAML_OPTIONS).map(document =>
    document.toJS(),
  );

describe('rewriteAnnotations on generated files', () => {
  it('changes only the annotations block, and the file reads back with the intended annotations', () => {
    fc.assert(
      fc.property(release, change, (file, edit) => {
        const remove = edit.remove.filter(key => !(key in edit.set));
        const { eol, indent: i } = file;
        const entries = Object.entries(file.existing);
        const head = [
          ...(file.leadingDocument
            ? [
                `# ${file.comments[0]}`,
                'kind: ConfigMap',
                'apiVersion: v1',
                '---',
              ]
            : []),
          `# ${file.comments[1]}`,
          'apiVersion: helm.fluxcd.io/v1',
          'kind: HelmRelease',
          'metadata:',
          `${i}name: app`,
          `${i}namespace: stg`,
          `${i}labels:`,
          `${i}${i}app: app # ${file.comments[0]}`,
          '',
        ].join(eol);
        const annotations = entries.length
          ? [
              `${i}annotations:`,
              ...entries.map(([k, v]) => `${i}${i}${k}: ${JSON.stringify(v)}`),
              '',
            ].join(eol)
          : '';
        // The block is the last of metadata, where a missing one is added.
        const tail = [
          'spec:',
          `${i}values:`,
          `${i}${i}image: {repository: org/app, tag: stg-1}`,
          '',
        ].join(eol);
        const before = `${file.bom ? '\ufeff' : ''}${head}`;
        const content = before + annotations + tail;
        const bytes = Buffer.from(content, 'utf8');
        const document = file.leadingDocument ? 1 : 0;

        const result = rewriteAnnotations(
          PATH,
          decodeUtf8File(PATH, bytes),
          document,
          {
            set: edit.set,
            remove,
          },
        );
        const written = Buffer.from(result.content, 'utf8');

        // Bytes before and after the annotations block are untouched.
        const [headBytes, tailBytes] = [
          Buffer.from(before, 'utf8'),
          Buffer.from(tail, 'utf8'),
        ];
        expect(written.subarray(0, headBytes.length).equals(headBytes)).toBe(
          true,
        );
        expect(
          written.subarray(written.length - tailBytes.length).equals(tailBytes),
        ).toBe(true);
        // Entries left alone keep their lines as written.
        const untouched = entries.filter(
          ([key]) => !(key in edit.set) && !remove.includes(key),
        );
        for (const [key, value] of untouched) {
          expect(result.content).toContain(
            `${i}${i}${key}: ${JSON.stringify(value)}${eol}`,
          );
        }

        const expected: Record<string, string> = { ...file.existing };
        for (const key of remove) delete expected[key];
        Object.assign(expected, edit.set);
        const after = documents(result.content);
        const original = documents(content);
        expect(after[document].metadata.annotations ?? {}).toEqual(expected);
        delete after[document].metadata.annotations;
        delete original[document].metadata.annotations;
        expect(after).toEqual(original);
        expect(result.changed).toBe(result.content !== content);
      }),
      { numRuns: 300 },
    );
  });
});
