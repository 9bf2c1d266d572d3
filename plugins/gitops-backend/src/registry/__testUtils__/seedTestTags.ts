import fs from 'node:fs';
import path from 'node:path';
import { TestRegistry } from './startTestRegistry';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Points many tags at a manifest the repository already holds by writing
 * distribution's tag links (`_manifests/tags/<tag>/current/link`) straight
 * into its filesystem storage. Benchmark datasets need 100,000 tags; through
 * the HTTP API that takes minutes (~4 ms of registry CPU per manifest PUT),
 * this way seconds. The registry reads tags from disk on every request, so
 * listing and GET by tag see them at once. (A PUT also writes a per-tag
 * digest index, which only tag deletion reads; it is left out to halve the
 * files.)
 */
export function seedTestTags(
  registry: Pick<TestRegistry, 'storagePath'>,
  options: { repository: string; digest: string; tags: string[] },
): void {
  if (!DIGEST.test(options.digest)) {
    throw new Error(
      `seedTestTags needs a sha256 digest, got ${options.digest}`,
    );
  }
  const tagsDir = path.join(
    registry.storagePath,
    'docker/registry/v2/repositories',
    options.repository,
    '_manifests/tags',
  );
  if (!fs.existsSync(tagsDir)) {
    throw new Error(
      `${options.repository} has no tags yet: push the image once (pushTestImage) before seeding tags`,
    );
  }
  // Synchronous on purpose: tens of thousands of tiny writes go faster
  // without a thread-pool hop each, and the registry runs in its own process.
  for (const tag of options.tags) {
    const current = path.join(tagsDir, tag, 'current');
    fs.mkdirSync(current, { recursive: true });
    fs.writeFileSync(path.join(current, 'link'), options.digest);
  }
}
