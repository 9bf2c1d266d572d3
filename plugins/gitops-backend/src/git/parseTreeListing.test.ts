import { parseTreeListing } from './parseTreeListing';

const SHA = 'a'.repeat(40);

describe('parseTreeListing', () => {
  it('parses modes, types, padded sizes and names with spaces', () => {
    const output = Buffer.from(
      [
        `040000 tree ${SHA}       -\tdev`,
        `100644 blob ${SHA}     123\tdev/my file.yaml`,
        `120000 blob ${SHA}      14\tdev/link`,
        `160000 commit ${SHA}       -\tvendor`,
        '',
      ].join('\0'),
    );
    expect(parseTreeListing(output, 'releases')).toEqual([
      { path: 'releases/dev', mode: '040000', type: 'tree', sha: SHA },
      {
        path: 'releases/dev/my file.yaml',
        mode: '100644',
        type: 'blob',
        sha: SHA,
        size: 123,
      },
      {
        path: 'releases/dev/link',
        mode: '120000',
        type: 'blob',
        sha: SHA,
        size: 14,
      },
      { path: 'releases/vendor', mode: '160000', type: 'commit', sha: SHA },
    ]);
  });

  it('keeps paths as they are without a prefix', () => {
    const output = Buffer.from(`100644 blob ${SHA}       1\ta.yaml\0`);
    expect(parseTreeListing(output)[0].path).toBe('a.yaml');
  });

  it('refuses output it does not understand', () => {
    expect(() => parseTreeListing(Buffer.from('garbage\0'))).toThrow(
      /Unexpected git ls-tree output/,
    );
  });
});
