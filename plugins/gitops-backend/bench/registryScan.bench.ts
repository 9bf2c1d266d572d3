/*
 * Registry scanning at fleet size: 200 images x 500 tags in a real
 * docker-registry, 10% of tags (`dev-*`) wanted by the policy. Prints the
 * first scan, the steady-state scan of the unchanged registry, and, in the
 * same run, the floor: a bare lister paging through the same tags with the
 * same page size and the same requests in flight.
 */
import { existsSync } from 'node:fs';
import { mockServices } from '@backstage/backend-test-utils';
import { ImageScanner } from '../src/registry';
import { Semaphore } from '../src/kernel';
import {
  InMemoryImageMetadataCache,
  pushTestImage,
  seedTestTags,
  startTestRegistry,
  TestRegistry,
} from '../src/registry/__testUtils__';
import { median, timed } from './benchTools';

const IMAGES = 200;
const TAGS_PER_IMAGE = 500;
const WANTED_PER_IMAGE = 50;
const CONCURRENCY = 4;
const PAGE_SIZE = 1000;
const ROUNDS = 3;

const repositoryOf = (i: number) => `fleet/app-${String(i).padStart(3, '0')}`;
const wantsTimestamp = (tag: string) => /^dev-/.test(tag);

function tagsOf(): string[] {
  return Array.from({ length: TAGS_PER_IMAGE }, (_, i) =>
    i < WANTED_PER_IMAGE
      ? `dev-${String(i).padStart(4, '0')}`
      : `1.${Math.floor(i / 100)}.${i % 100}`,
  );
}

/** Runs `task` for every image, `width` at a time. */
async function forEachImage(
  width: number,
  task: (repository: string) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < IMAGES) {
        await task(repositoryOf(next++));
      }
    }),
  );
}

async function createDataset(registry: TestRegistry) {
  const tags = tagsOf();
  await forEachImage(8, async repository => {
    const day = Number(repository.slice(-3)) % 28;
    const digest = await pushTestImage(registry, {
      repository,
      tag: tags[0],
      created: new Date(Date.UTC(2024, 0, 1 + day)).toISOString(),
    });
    seedTestTags(registry, { repository, digest, tags: tags.slice(1) });
  });
}

/** The floor: GET tags/list and follow Link pages, nothing else. */
async function listAllTags(
  registry: TestRegistry,
): Promise<{ requests: number; tags: number }> {
  const semaphore = new Semaphore(CONCURRENCY);
  let requests = 0;
  let tags = 0;
  await forEachImage(CONCURRENCY, async repository => {
    let url:
      | string
      | undefined = `${registry.url}/v2/${repository}/tags/list?n=${PAGE_SIZE}`;
    while (url) {
      const current: string = url;
      requests++;
      const page = await semaphore.run(async () => {
        const response = await fetch(current);
        return {
          link: response.headers.get('link'),
          body: (await response.json()) as { tags: string[] },
        };
      });
      tags += page.body.tags.length;
      const next =
        page.link && /<([^>]+)>;\s*rel="?next"?/.exec(page.link)?.[1];
      url = next ? new URL(next, registry.url).href : undefined;
    }
  });
  return { requests, tags };
}

async function scanAll(scanner: ImageScanner, registry: TestRegistry) {
  let failures = 0;
  let timestamps = 0;
  await forEachImage(CONCURRENCY, async repository => {
    const result = await scanner.scan(
      { registry: registry.host, repository },
      wantsTimestamp,
    );
    if (!result.ok) {
      failures++;
      return;
    }
    timestamps += result.tags.filter(t => t.createdAt).length;
  });
  return { failures, timestamps };
}

export async function run() {
  // tmpfs when there is one: the dataset is ~300,000 files and directories.
  const registry = await startTestRegistry({
    tempRoot: existsSync('/dev/shm') ? '/dev/shm' : undefined,
  });
  try {
    const [, datasetMs] = await timed(() => createDataset(registry));
    const scanner = new ImageScanner({
      registries: [
        { host: registry.host, url: registry.url, concurrency: CONCURRENCY },
      ],
      cache: new InMemoryImageMetadataCache(),
      logger: mockServices.rootLogger({ level: 'warn' }),
    });
    const requestsSoFar = () => scanner.stats()[registry.host]?.requests ?? 0;

    const [first, firstMs] = await timed(() => scanAll(scanner, registry));
    const firstRequests = requestsSoFar();
    const firstStats = scanner.stats()[registry.host];

    // Interleaved rounds, medians: the machine's noise hits both alike.
    const steadyMs: number[] = [];
    const floorMs: number[] = [];
    let steadyRequests = 0;
    let floor = { requests: 0, tags: 0 };
    let steady = first;
    for (let round = 0; round < ROUNDS; round++) {
      const before = requestsSoFar();
      const [result, ms] = await timed(() => scanAll(scanner, registry));
      steady = result;
      steadyMs.push(ms);
      steadyRequests = requestsSoFar() - before;
      const [listed, listMs] = await timed(() => listAllTags(registry));
      floor = listed;
      floorMs.push(listMs);
    }
    const steadyTime = median(steadyMs);
    const floorTime = median(floorMs);

    console.log(
      `registry scan (${IMAGES} images x ${TAGS_PER_IMAGE} tags, ${WANTED_PER_IMAGE} dev-* wanted per image, concurrency ${CONCURRENCY}, page size ${PAGE_SIZE})`,
    );
    console.log(`  dataset (push + seed tags): ${datasetMs.toFixed(0)} ms`);
    console.log(
      `  first scan:                ${firstMs.toFixed(
        0,
      )} ms, ${firstRequests} requests (${firstStats.tagPages} tag pages, ${
        firstStats.manifests
      } manifests, ${firstStats.blobs} blobs), ${
        first.timestamps
      } timestamps, ${first.failures} failures`,
    );
    console.log(
      `  steady state:              ${steadyTime.toFixed(
        0,
      )} ms, ${steadyRequests} requests, ${steady.timestamps} timestamps, ${
        steady.failures
      } failures`,
    );
    console.log(
      `  floor, tag listing only:   ${floorTime.toFixed(0)} ms, ${
        floor.requests
      } requests, ${floor.tags} tags`,
    );
    console.log(
      `  ratio steady/floor:        time ${(steadyTime / floorTime).toFixed(
        2,
      )} (target <= 1.5), requests ${(steadyRequests / floor.requests).toFixed(
        2,
      )} (target 1.00)`,
    );
  } finally {
    const [, cleanupMs] = await timed(() => registry.stop());
    console.log(`  cleanup:                   ${cleanupMs.toFixed(0)} ms`);
  }
}
