import { GitopsMetrics } from '../metrics';
import {
  ImageMetadataCache,
  isTag,
  RegistryClient,
  RegistryConfig,
  RegistryHosts,
  RegistryPolicy,
} from '../registry';
import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  ImageName,
  resolveImageName,
} from '@backstage-gitops/plugin-gitops-common';

/** An image as a release writes it: `registry` undefined means Docker Hub. */
export type ImageRef = { registry?: string; repository: string };

/** What a promotion asks of a registry. */
export interface TagDigests {
  /** Every tag of the image. */
  listTags(image: ImageRef): Promise<string[]>;
  /** The manifest digest each tag points at, asked now; tags the registry lacks are absent. */
  digestsOf(image: ImageRef, tags: string[]): Promise<Map<string, string>>;
  /** What image automation's scans last learned of these tags, possibly outdated. */
  cachedDigestsOf(
    image: ImageRef,
    tags: string[],
  ): Promise<Map<string, string>>;
}

/**
 * {@link TagDigests} over the OCI distribution API. Registry URLs and
 * credentials come from `gitops.registries` as for image scans, and image
 * names from the manifests in git; nothing a request sends picks a host,
 * and a host the registry policy does not allow is never contacted.
 */
export class RegistryTagDigests implements TagDigests {
  private readonly hosts: RegistryHosts;
  private readonly clients = new Map<string, RegistryClient>();

  constructor(
    private readonly options: {
      registries: RegistryConfig[];
      /** Which hosts may be reached and the listing caps, as for image scans. */
      policy?: RegistryPolicy;
      logger: LoggerService;
      /** The image scanner's cache, to find candidates without asking for each tag. */
      cache?: ImageMetadataCache;
      fetch?: typeof fetch;
      /** Counts registry requests by registry and outcome; none when unset. */
      metrics?: GitopsMetrics;
    },
  ) {
    this.hosts = new RegistryHosts(options.registries, options.policy);
  }

  async listTags(image: ImageRef): Promise<string[]> {
    const name = resolveImageName(image);
    const tags = await this.clientFor(name).listTags(name.repository);
    return [...new Set(tags)].filter(isTag);
  }

  async digestsOf(
    image: ImageRef,
    tags: string[],
  ): Promise<Map<string, string>> {
    const name = resolveImageName(image);
    const client = this.clientFor(name);
    const digests = new Map<string, string>();
    // The client caps requests in flight per registry, so these queue there.
    await Promise.all(
      [...new Set(tags)].map(async tag => {
        try {
          digests.set(
            tag,
            (await client.getManifest(name.repository, tag)).digest,
          );
        } catch (error) {
          // Deleted between the listing and now: not a candidate.
          if (!(error instanceof NotFoundError)) throw error;
        }
      }),
    );
    return digests;
  }

  async cachedDigestsOf(
    image: ImageRef,
    tags: string[],
  ): Promise<Map<string, string>> {
    const { cache } = this.options;
    if (!cache || tags.length === 0) return new Map();
    const name = resolveImageName(image);
    const known = await cache.getTags(name.host, name.repository, tags);
    return new Map([...known].map(([tag, { digest }]) => [tag, digest]));
  }

  private clientFor(name: ImageName): RegistryClient {
    let client = this.clients.get(name.host);
    if (!client) {
      client = new RegistryClient(this.hosts.resolve(name.host), {
        fetch: this.options.fetch ?? ((input, init) => fetch(input, init)),
        logger: this.options.logger,
        limits: this.hosts.policy,
        metrics: this.options.metrics,
      });
      this.clients.set(name.host, client);
    }
    return client;
  }
}
