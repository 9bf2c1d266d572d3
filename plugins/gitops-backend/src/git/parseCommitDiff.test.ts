import { parseCommitDiff } from './parseCommitDiff';

const sha = 'a6fd529b7ae3e62100fb22ef746fbaa6863e053c';
const blob = 'b'.repeat(40);
const raw = (status: string) =>
  `:100644 100644 ${'a'.repeat(40)} ${blob} ${status}`;
const header = (message: string) =>
  [sha, 'Al B', 'al@example.com', '1796017995', message, sha, ''].join('\0');

describe('parseCommitDiff', () => {
  it('reads the commit, then the changes after the newline', () => {
    const parsed = parseCommitDiff(
      Buffer.from(
        `${header('Bump app\n\nbody\n')}\n${raw('M')}\0b.yaml\0${raw(
          'R100',
        )}\0a\0c\0${raw('A')}\0we ird\tname\0`,
      ),
      sha,
    );
    expect(parsed).toEqual({
      commit: {
        sha,
        authorName: 'Al B',
        authorEmail: 'al@example.com',
        message: 'Bump app\n\nbody',
        committedAt: '2026-11-30T05:53:15.000Z',
      },
      changes: [
        { status: 'M', path: 'b.yaml', mode: '100644', blob },
        { status: 'R', path: 'c', oldPath: 'a', mode: '100644', blob },
        { status: 'A', path: 'we ird\tname', mode: '100644', blob },
      ],
    });
  });

  it('reads a commit without changes, and a message holding NULs and newlines', () => {
    const parsed = parseCommitDiff(
      Buffer.from(header('odd\0message\n\0\nM\0x\0\n\n')),
      sha,
    );
    expect(parsed?.commit.message).toBe('odd\0message\n\0\nM\0x\0');
    expect(parsed?.changes).toEqual([]);
  });

  it('is undefined when git printed nothing, and refuses output about another commit or cut short', () => {
    expect(parseCommitDiff(Buffer.alloc(0), sha)).toBeUndefined();
    expect(() =>
      parseCommitDiff(Buffer.from(header('m')), 'b'.repeat(40)),
    ).toThrow(/instead of/);
    expect(() =>
      parseCommitDiff(
        Buffer.from([sha, 'Al B', 'a@b', '1', 'message'].join('\0')),
        sha,
      ),
    ).toThrow('Truncated');
    expect(() =>
      parseCommitDiff(Buffer.from(`${header('m')}${raw('M')}\0x\0`), sha),
    ).toThrow('Unexpected');
  });
});
