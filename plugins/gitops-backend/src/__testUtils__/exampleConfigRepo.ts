import fs from 'node:fs/promises';
import path from 'node:path';

const examples = path.resolve(__dirname, '../../../../examples/config-repo');

/**
 * The demo config repository (examples/config-repo) as path -> content, to
 * commit into a test remote: the tests sync the very files the demo does.
 */
export async function exampleConfigRepoFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  async function walk(dir: string) {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else files[path.relative(examples, full)] = await fs.readFile(full, 'utf8');
    }
  }
  await walk(examples);
  return files;
}
