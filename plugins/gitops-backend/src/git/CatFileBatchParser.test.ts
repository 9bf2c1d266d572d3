import { CatFileBatchParser } from './CatFileBatchParser';

const SHA = 'b'.repeat(40);

const output = Buffer.concat([
  Buffer.from(`${SHA} commit 5\nhello\n`),
  Buffer.from(`${SHA}:missing.yaml missing\n`),
  Buffer.from(`${SHA} blob 3\na\nb\n`),
  Buffer.from(`${SHA} blob 0\n\n`),
  Buffer.from(`${SHA} blob 10\n0123456789\n`),
  Buffer.from(`${SHA} tree 4\n\0\0\n\0\n`),
]);

function parse(chunkSize: number) {
  const parser = new CatFileBatchParser(
    ({ index, type, size }) => index > 0 && type === 'blob' && size <= 5,
  );
  for (let offset = 0; offset < output.length; offset += chunkSize) {
    parser.push(output.subarray(offset, offset + chunkSize));
  }
  return parser.finish(6);
}

describe('CatFileBatchParser', () => {
  it.each([1, 2, 7, output.length])(
    'parses found, missing, empty, skipped and binary objects in chunks of %i bytes',
    chunkSize => {
      expect(parse(chunkSize)).toEqual([
        { found: true, type: 'commit', size: 5 },
        { found: false },
        { found: true, type: 'blob', size: 3, content: Buffer.from('a\nb') },
        { found: true, type: 'blob', size: 0, content: Buffer.alloc(0) },
        { found: true, type: 'blob', size: 10 },
        { found: true, type: 'tree', size: 4 },
      ]);
    },
  );

  it('throws when the output stops early', () => {
    const parser = new CatFileBatchParser(() => true);
    parser.push(Buffer.from(`${SHA} blob 10\n01234`));
    expect(() => parser.finish(1)).toThrow(/Truncated git cat-file output/);
  });

  it('throws on a header it does not understand', () => {
    const parser = new CatFileBatchParser(() => true);
    expect(() => parser.push(Buffer.from('something odd\n'))).toThrow(
      /Unexpected git cat-file header/,
    );
  });
});
