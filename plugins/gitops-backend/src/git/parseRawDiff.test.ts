import { parseNameStatus } from './parseNameStatus';

describe('parseNameStatus', () => {
  it('parses plain changes, renames and copies with their scores', () => {
    const output = Buffer.from(
      [
        'M',
        'a.yaml',
        'R087',
        'old/b.yaml',
        'new/b.yaml',
        'D',
        'with\ttab and space.yaml',
        'C100',
        'x',
        'y',
        'T',
        'link',
        '',
      ].join('\0'),
    );
    expect(parseNameStatus(output)).toEqual([
      { status: 'M', path: 'a.yaml' },
      { status: 'R', path: 'new/b.yaml', oldPath: 'old/b.yaml' },
      { status: 'D', path: 'with\ttab and space.yaml' },
      { status: 'C', path: 'y', oldPath: 'x' },
      { status: 'T', path: 'link' },
    ]);
  });

  it('parses empty output as no changes', () => {
    expect(parseNameStatus(Buffer.alloc(0))).toEqual([]);
  });

  it('refuses statuses it does not know and truncated output', () => {
    expect(() => parseNameStatus(Buffer.from('U\0a\0'))).toThrow(
      /Unexpected git diff status/,
    );
    expect(() => parseNameStatus(Buffer.from('R100\0only-old\0'))).toThrow(
      /Truncated/,
    );
  });
});
