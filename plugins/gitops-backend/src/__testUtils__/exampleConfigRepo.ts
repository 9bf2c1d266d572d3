import fs from 'node:fs/promises';
import path from 'node:path';

/** The example repositories: Flux v1's layout, and Flux v2's (clusters/, apps/base, overlays). */
export type ExampleConfigRepo = 'config-repo' | 'config-repo-v2';

/**
 * A demo config repository (examples/config-repo, or examples/config-repo-v2)
 * as path -> content, to commit into a test remote: the tests sync the very
 * files the demo does.
 */
export async function exampleConfigRepoFiles(
  example: ExampleConfigRepo = 'config-repo',
): Promise<Record<string, string>> {
  const examples = path.resolve(__dirname, '../../../../examples', example);
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
