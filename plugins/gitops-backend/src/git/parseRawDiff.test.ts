import { parseRawDiff } from './parseRawDiff';

const a = 'a'.repeat(40);
const b = 'b'.repeat(40);
const zeros = '0'.repeat(40);

describe('parseRawDiff', () => {
  it('parses plain changes, renames and copies with their scores, and the new side of each', () => {
    const output = Buffer.from(
      [
        `:100644 100644 ${a} ${b} M`,
        'a.yaml',
        `:100644 100755 ${a} ${b} R087`,
        'old/b.yaml',
        'new/b.yaml',
        `:100644 000000 ${a} ${zeros} D`,
        'with\ttab and space.yaml',
        `:100644 100644 ${a} ${a} C100`,
        'x',
        'y',
        `:100644 120000 ${a} ${b} T`,
        'link',
        '',
      ].join('\0'),
    );
    expect(parseRawDiff(output)).toEqual([
      { status: 'M', path: 'a.yaml', mode: '100644', blob: b },
      {
        status: 'R',
        path: 'new/b.yaml',
        oldPath: 'old/b.yaml',
        mode: '100755',
        blob: b,
      },
      {
        status: 'D',
        path: 'with\ttab and space.yaml',
        mode: '000000',
        blob: zeros,
      },
      { status: 'C', path: 'y', oldPath: 'x', mode: '100644', blob: a },
      { status: 'T', path: 'link', mode: '120000', blob: b },
    ]);
  });

  it('parses empty output as no changes', () => {
    expect(parseRawDiff(Buffer.alloc(0))).toEqual([]);
  });

  it('refuses statuses it does not know, lines it cannot read and truncated output', () => {
    expect(() =>
      parseRawDiff(Buffer.from(`:100644 100644 ${a} ${b} U\0a\0`)),
    ).toThrow(/Unexpected git diff line/);
    expect(() => parseRawDiff(Buffer.from('M\0a\0'))).toThrow(
      /Unexpected git diff line/,
    );
    expect(() =>
      parseRawDiff(Buffer.from(`:100644 100644 ${a} ${b} R100\0only-old\0`)),
    ).toThrow(/Truncated/);
  });
});
