// Runs in the fixtures process (fixturesProcess.js): starts one simulated
// cluster per environment and a real docker-registry holding the fleet's
// images, then answers the benchmark's messages until told to stop.
import {
  buildHelmReleaseSecret,
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
import {
  environmentOf,
  imageOf,
  RELEASES_PER_ENTITY,
  releaseNameOf,
  tagOf,
} from './fleetRepository';

/** Installs revision 1 of every release of `namespace`'s environment, as git first asks it. */
function seedHelmReleases(
  double: KubernetesDouble,
  namespace: string,
  entities: number,
  registryHost: string,
) {
  const at = new Date(Date.UTC(2024, 0, 1));
  for (let entity = 0; entity < entities; entity++) {
    for (let r = 0; r < RELEASES_PER_ENTITY; r++) {
      if (environmentOf(r) !== namespace) continue;
      const name = releaseNameOf(entity, r);
      double.objects().put(
        buildHelmReleaseSecret(
          {
            name,
            namespace,
            version: 1,
            info: {
              first_deployed: at.toISOString(),
              last_deployed: at.toISOString(),
              deleted: '',
              description: 'Install complete',
              status: 'deployed',
            },
            chart: {
              metadata: { name: 'app', version: '0.1.0', appVersion: '1.0.0' },
            },
            config: {
              image: {
                repository: `${registryHost}/${imageOf(entity)}`,
                tag: tagOf(namespace, 1),
              },
              replicaCount: 2,
            },
            manifest: '',
          },
          { createdAt: at, modifiedAt: at },
        ),
      );
    }
  }
}

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
        registry = await startTestRegistry({
          tempRoot: existsSync('/dev/shm') ? '/dev/shm' : undefined,
        });
        for (const cluster of request.clusters) {
          const double = await startKubernetesDouble({
            operatorDelayMs: 0,
            namespaces: [cluster.namespace],
          });
          doubles.push(double);
          if (cluster.seed) {
            seedHelmReleases(
              double,
              cluster.namespace,
              cluster.seed.entities,
              registry.host,
            );
          }
        }
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
