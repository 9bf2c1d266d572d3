import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { FluxObjectRecord } from '../database';
import { readFluxObjectType } from '../kernel';

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
      else
        files[path.relative(examples, full)] = await fs.readFile(full, 'utf8');
    }
  }
  await walk(examples);
  return files;
}

/**
 * The Flux objects of these files (charts aside), as git sync stores them,
 * for tests of the loops that read them without running a sync.
 */
export function exampleFluxObjects(
  files: Record<string, string>,
): FluxObjectRecord[] {
  return Object.entries(files)
    .filter(([file]) => file.endsWith('.yaml') && !file.startsWith('charts/'))
    .flatMap(([file, text]) =>
      parseAllDocuments(text).flatMap(document => {
        const object = document.toJS() as Record<string, any> | null;
        const type =
          object &&
          readFluxObjectType(String(object.apiVersion), String(object.kind));
        if (!type) return [];
        return [
          {
            repository: 'config',
            path: file,
            line: 1,
            apiVersion: object!.apiVersion,
            kind: type.kind,
            namespace: object!.metadata.namespace ?? 'default',
            name: object!.metadata.name,
            spec: object!.spec ?? {},
          },
        ];
      }),
    );
}
