// Runs in the fixtures process (fixturesProcess.js): starts one simulated
// cluster per environment and a real docker-registry holding the fleet's
// images, then answers the benchmark's messages until told to stop.
import {
  KubernetesDouble,
  startKubernetesDouble,
} from '@backstage-gitops/kubernetes-double';
import { existsSync } from 'node:fs';
import {
  pushTestImage,
  seedTestTags,
  startTestRegistry,
  TestRegistry,
} from '../../src/registry/__testUtils__';
import type { FixtureReply, FixtureRequest } from './fixtureMessages';

async function pushImages(
  registry: TestRegistry,
  request: Extract<FixtureRequest, { type: 'start' }>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < request.images.length) {
        const repository = request.images[next++];
        let digest = '';
        for (const tag of request.tags) {
          digest = await pushTestImage(registry, {
            repository,
            tag,
            created: request.created,
          });
        }
        // Tags no policy wants, so listings are as long as a real image's.
        seedTestTags(registry, {
          repository,
          digest,
          tags: Array.from(
            { length: request.otherTags },
            (_, i) => `1.${Math.floor(i / 100)}.${i % 100}`,
          ),
        });
      }
    }),
  );
}

export function serve() {
  const doubles: KubernetesDouble[] = [];
  let registry: TestRegistry | undefined;
  const send = (reply: FixtureReply) => process.send!(reply);

  const stop = async () => {
    for (const double of doubles) await double.stop();
    await registry?.stop();
  };

  process.on('message', async (request: FixtureRequest) => {
    try {
      if (!request || typeof request !== 'object') return;
      if (request.type === 'start') {
        for (const cluster of request.clusters) {
          doubles.push(
            await startKubernetesDouble({
              operatorDelayMs: 0,
              namespaces: [cluster.namespace],
            }),
          );
        }
        registry = await startTestRegistry({
          tempRoot: existsSync('/dev/shm') ? '/dev/shm' : undefined,
        });
        await pushImages(registry, request);
        send({
          type: 'ready',
          clusters: doubles.map(d => ({ url: d.url, token: d.token })),
          registry: { host: registry.host, url: registry.url },
        });
      } else if (request.type === 'push') {
        const digest = await pushTestImage(registry!, request);
        send({ type: 'pushed', id: request.id, digest });
      } else if (request.type === 'memory') {
        send({
          type: 'memory',
          id: request.id,
          rssBytes: process.memoryUsage().rss,
        });
      } else if (request.type === 'stop') {
        await stop();
        send({ type: 'stopped' });
        process.exit(0);
      }
    } catch (error) {
      send({
        type: 'error',
        message: String((error as Error)?.stack ?? error),
      });
    }
  });
  // The benchmark died: do not leave the registry and its files behind.
  process.on('disconnect', () => {
    stop().finally(() => process.exit(0));
  });
}
