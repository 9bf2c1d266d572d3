import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { testGitEnvironment } from '../git/__testUtils__';
import { unifiedDiff } from './unifiedDiff';

/** What git itself prints for the change, from the first hunk on. */
async function gitHunks(before: string, after: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-diff-test-'));
  try {
    await fs.writeFile(path.join(dir, 'a'), before);
    await fs.writeFile(path.join(dir, 'b'), after);
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'git',
        ['diff', '--no-index', '--no-color', '-U3', 'a', 'b'],
        { cwd: dir, env: testGitEnvironment(), encoding: 'utf8' },
        (error, stdout) =>
          // exit code 1 means "differs"
          error && error.code !== 1 ? reject(error) : resolve(stdout),
      ),
    );
    return out.slice(out.indexOf('@@'));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const ours = (before: string, after: string) => {
  const diff = unifiedDiff('releases/stg/podinfo.yaml', before, after);
  return diff.slice(diff.indexOf('@@'));
};

const lines = (count: number, prefix = 'line') =>
  Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}\n`).join('');

describe('unifiedDiff', () => {
  it('is empty when nothing changed', () => {
    expect(unifiedDiff('x.yaml', 'a\n', 'a\n')).toBe('');
  });

  it('names the file the way git does', () => {
    expect(unifiedDiff('releases/stg/podinfo.yaml', 'a\n', 'b\n')).toBe(
      '--- a/releases/stg/podinfo.yaml\n+++ b/releases/stg/podinfo.yaml\n@@ -1 +1 @@\n-a\n+b\n',
    );
  });

  it.each([
    [
      'one changed line',
      lines(10),
      lines(10).replace('line 5\n', 'line five\n'),
    ],
    [
      'two changes far apart, two hunks',
      lines(30),
      lines(30)
        .replace('line 3\n', 'line three\n')
        .replace('line 27\n', 'line 27\nadded\n'),
    ],
    [
      'two changes close together, one hunk',
      lines(20),
      lines(20).replace('line 8\n', 'eight\n').replace('line 12\n', 'twelve\n'),
    ],
    ['lines added at the start', lines(6), `new 1\nnew 2\n${lines(6)}`],
    ['lines removed at the end', lines(8), lines(5)],
    ['everything replaced', lines(3), lines(4, 'other')],
    ['from empty', '', lines(2)],
    ['to empty', lines(2), ''],
    ['a final newline added', 'a\nb', 'a\nb\n'],
    ['a final newline removed', 'a\nb\n', 'a\nb'],
    ['a last line without newline changed', 'a\nb', 'a\nc'],
    ['CRLF lines', 'a\r\nb\r\nc\r\n', 'a\r\nB\r\nc\r\n'],
    [
      'annotations inserted and a tag changed',
      'metadata:\n  annotations:\n    a: "1"\nspec:\n  values:\n    image:\n      tag: dev-1\n',
      'metadata:\n  annotations:\n    a: "1"\n    fluxcd.io/locked: "true"\nspec:\n  values:\n    image:\n      tag: dev-2\n',
    ],
  ])('prints the hunks git prints: %s', async (_name, before, after) => {
    expect(ours(before, after)).toBe(await gitHunks(before, after));
  });
});
