import { LoggerService } from '@backstage/backend-plugin-api';
import {
  formatImageName,
  ImageName,
  resolveImageName,
} from '@backstage-gitops/plugin-gitops-common';
import { ByteBudgetCache, errorMessage } from '../kernel';
import { GitopsMetrics } from '../metrics';
import { CreatedAtMemo } from './CreatedAtMemo';
import { ImageMetadataCache, TagMetadata } from './ImageMetadataCache';
import {
  isTag,
  parseManifest,
  pickPlatformEntry,
  readCreatedAt,
} from './manifest';
import { RegistryClient, RegistryStats } from './RegistryClient';
import { RegistryConfig } from './RegistryConfig';
import { RegistryHosts, RegistryPolicy } from './RegistryHosts';
import { AddressResolver } from './publicAddress';
import { RegistryResponseError } from './RegistryResponseError';

export type ImageScanResult =
  | {
      ok: true;
      /** Every tag listed; createdAt only for tags `wantsTimestamp` accepted, when the image says. */
      tags: Array<{ tag: string; createdAt?: string }>;
    }
  | {
      ok: false;
      /** Which registry/image and why, e.g. `ghcr.io/org/app: image not found (HTTP 404 ...)`. */
      error: string;
      /** ISO time of the failure. */
      at: string;
    };

export type ImageScannerOptions = {
  registries: RegistryConfig[];
  /** Which hosts may be reached and the listing caps; defaults to DEFAULT_REGISTRY_POLICY. */
  policy?: RegistryPolicy;
  /** Resolves host names for the public-address check of unconfigured registries. */
  resolveAddresses?: AddressResolver;
  cache: ImageMetadataCache;
  logger: LoggerService;
  /** Replaces the global fetch, e.g. to count requests in tests and benchmarks. */
  fetch?: typeof fetch;
  /** Counts registry requests by registry and outcome; none when unset. */
  metrics?: GitopsMetrics;
};

// Lists (and nested lists) deeper than this are not images we know how to read.
const MAX_INDEX_DEPTH = 2;
// How often an image's listing prunes the persistent cache's tags of it.
const RETAIN_EVERY_MS = 60 * 60 * 1000;
// Which images pruned lately: a few hundred bytes per image, at most 1 MiB.
const RETAINED_MAX_BYTES = 1024 * 1024;

/**
 * Lists an image's tags and learns when the tags a policy cares about were
 * built. Tag metadata goes to the persistent cache, so an unchanged image
 * costs only its tag listing; a digest's creation time is asked once.
 */
export class ImageScanner {
  private readonly hosts: RegistryHosts;
  private readonly clients = new Map<string, RegistryClient>();
  private readonly createdAt = new CreatedAtMemo();
  private readonly retained = new ByteBudgetCache<string, true>({
    maxBytes: RETAINED_MAX_BYTES,
    sizeOf: key => 64 + key.length * 2,
    ttlMs: RETAIN_EVERY_MS,
  });
  private readonly pendingBlobs = new Map<
    string,
    Promise<string | undefined>
  >();
  private readonly cache: ImageMetadataCache;
  private readonly logger: LoggerService;
  private readonly fetch: typeof fetch;
  private readonly resolveAddresses?: AddressResolver;
  private readonly metrics?: GitopsMetrics;

  constructor(options: ImageScannerOptions) {
    this.hosts = new RegistryHosts(options.registries, options.policy);
    this.resolveAddresses = options.resolveAddresses;
    this.cache = options.cache;
    this.logger = options.logger;
    this.metrics = options.metrics;
    // Late-bound, so a fetch replaced after construction (test spies) is used.
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /**
   * Scans one image. `registry` undefined or 'docker.io' means Docker Hub,
   * where names without a slash get 'library/'. Hosts that are neither
   * configured nor allowed public defaults are never contacted: the scan
   * fails with what to configure. Never throws: failures come back as
   * `{ ok: false }`.
   */
  async scan(
    image: { registry?: string; repository: string },
    wantsTimestamp: (tag: string) => boolean,
  ): Promise<ImageScanResult> {
    const started = Date.now();
    let name: ImageName;
    try {
      name = resolveImageName(image);
    } catch (error) {
      return this.failure(
        `${image.registry || 'docker.io'}/${image.repository}`,
        errorMessage(error),
      );
    }
    const label = formatImageName(name);
    try {
      const client = this.clientFor(name.host);
      const tags = this.usableTags(
        await client.listTags(name.repository),
        label,
      );
      await this.retainListed(name, tags);
      const wanted = tags.filter(tag => wantsTimestamp(tag));
      const known =
        wanted.length > 0
          ? await this.cache.getTags(name.host, name.repository, wanted)
          : new Map<string, TagMetadata>();
      for (const { digest, createdAt } of known.values()) {
        if (createdAt !== undefined) {
          this.createdAt.set(name.host, digest, createdAt);
        }
      }
      const missing = wanted.filter(tag => !known.has(tag));
      const learned = await this.resolveTags(client, name, missing);
      if (learned.failure) {
        const { tag, error } = learned.failure;
        return this.failure(label, `tag ${tag}: ${errorMessage(error)}`);
      }
      this.logger.debug('Scanned image', {
        image: label,
        tags: tags.length,
        cached: known.size,
        resolved: learned.entries.size,
        durationMs: Date.now() - started,
      });
      return {
        ok: true,
        tags: tags.map(tag => {
          const createdAt = (known.get(tag) ?? learned.entries.get(tag))
            ?.createdAt;
          return createdAt === undefined ? { tag } : { tag, createdAt };
        }),
      };
    } catch (error) {
      return this.failure(label, errorMessage(error));
    }
  }

  /**
   * The manifest digest `tag` points at now (an index's own digest for a
   * multi-platform image), as Flux writes it for a `:digest` setter marker.
   * Throws when the registry cannot say; the host rules of {@link scan} hold.
   */
  async digestOf(
    image: { registry?: string; repository: string },
    tag: string,
  ): Promise<string> {
    const name = resolveImageName(image);
    const manifest = await this.clientFor(name.host).getManifest(
      name.repository,
      tag,
    );
    return manifest.digest;
  }

  /** Request counters per registry host, for benchmarks and tests. */
  stats(): Record<string, RegistryStats> {
    return Object.fromEntries(
      [...this.clients].map(([host, client]) => [host, { ...client.stats }]),
    );
  }

  /** Lets the persistent cache forget tags the registry no longer lists, once an hour per image. */
  private async retainListed(name: ImageName, tags: string[]): Promise<void> {
    const key = `${name.host}/${name.repository}`;
    if (!this.cache.retainTags || this.retained.has(key)) return;
    this.retained.set(key, true);
    try {
      await this.cache.retainTags(name.host, name.repository, tags);
    } catch (error) {
      // Only the cache's size is at stake; the scan goes on.
      this.logger.warn('Could not prune image tag metadata', {
        image: formatImageName(name),
        error: errorMessage(error),
      });
    }
  }

  private failure(label: string, reason: string): ImageScanResult {
    const error = `${label}: ${reason}`;
    this.logger.warn('Image scan failed', { image: label, error });
    return { ok: false, error, at: new Date().toISOString() };
  }

  private clientFor(host: string): RegistryClient {
    let client = this.clients.get(host);
    if (!client) {
      client = new RegistryClient(this.hosts.resolve(host), {
        fetch: this.fetch,
        logger: this.logger,
        limits: this.hosts.policy,
        resolveAddresses: this.resolveAddresses,
        metrics: this.metrics,
      });
      this.clients.set(host, client);
    }
    return client;
  }

  /** Drops duplicates and names no registry could hold, which must not reach request paths. */
  private usableTags(listed: string[], label: string): string[] {
    const tags = [...new Set(listed)];
    const valid = tags.filter(isTag);
    if (valid.length !== tags.length) {
      this.logger.warn('Registry listed invalid tag names; ignoring them', {
        image: label,
        ignored: tags.length - valid.length,
      });
    }
    return valid;
  }

  /**
   * Resolves tags missing from the cache, as many at once as the registry's
   * concurrency allows. What was learned is stored even when a tag fails,
   * so the next scan does not ask again.
   */
  private async resolveTags(
    client: RegistryClient,
    name: ImageName,
    tags: string[],
  ): Promise<{
    entries: Map<string, TagMetadata>;
    failure?: { tag: string; error: unknown };
  }> {
    const entries = new Map<string, TagMetadata>();
    if (tags.length === 0) {
      return { entries };
    }
    let failure: { tag: string; error: unknown } | undefined;
    let next = 0;
    const worker = async () => {
      while (!failure && next < tags.length) {
        const tag = tags[next++];
        try {
          entries.set(tag, await this.resolveTag(client, name, tag));
        } catch (error) {
          failure ??= { tag, error };
        }
      }
    };
    const workers = Math.min(client.registry.concurrency, tags.length);
    await Promise.all(Array.from({ length: workers }, worker));
    if (entries.size > 0) {
      try {
        await this.cache.putTags(name.host, name.repository, entries);
      } catch (error) {
        // The scan result stands; the next scan will ask the registry again.
        this.logger.warn('Could not store image tag metadata', {
          image: formatImageName(name),
          error: errorMessage(error),
        });
      }
    }
    return { entries, failure };
  }

  /** Tag -> manifest (-> platform manifest) -> config blob `created`, skipping what the memo knows. */
  private async resolveTag(
    client: RegistryClient,
    name: ImageName,
    tag: string,
  ): Promise<TagMetadata> {
    const { host, repository } = name;
    const top = await client.getManifest(repository, tag);
    const seen = [top.digest];
    const remember = (createdAt: string | undefined) => {
      for (const digest of seen) this.createdAt.set(host, digest, createdAt);
      return createdAt === undefined
        ? { digest: top.digest }
        : { digest: top.digest, createdAt };
    };
    const memo = this.createdAt.get(host, top.digest);
    if (memo !== undefined) {
      return remember(memo ?? undefined);
    }
    let manifest = parseManifest(top.json, top.contentType);
    for (let depth = 0; manifest.kind === 'index'; depth++) {
      if (depth >= MAX_INDEX_DEPTH) {
        throw new RegistryResponseError('manifest lists are nested too deep');
      }
      const entry = pickPlatformEntry(manifest.entries);
      const entryMemo = this.createdAt.get(host, entry.digest);
      if (entryMemo !== undefined) {
        return remember(entryMemo ?? undefined);
      }
      const child = await client.getManifest(repository, entry.digest);
      seen.push(entry.digest);
      manifest = parseManifest(child.json, child.contentType);
    }
    const configMemo = this.createdAt.get(host, manifest.configDigest);
    if (configMemo !== undefined) {
      return remember(configMemo ?? undefined);
    }
    seen.push(manifest.configDigest);
    return remember(
      await this.configCreatedAt(client, name, manifest.configDigest),
    );
  }

  /** Reads a config blob's `created`; tags resolved together share one download. */
  private configCreatedAt(
    client: RegistryClient,
    name: ImageName,
    digest: string,
  ): Promise<string | undefined> {
    const key = `${name.host}@${digest}`;
    let pending = this.pendingBlobs.get(key);
    if (!pending) {
      pending = client
        .getJsonBlob(name.repository, digest)
        .then(readCreatedAt)
        .finally(() => this.pendingBlobs.delete(key));
      this.pendingBlobs.set(key, pending);
    }
    return pending;
  }
}
