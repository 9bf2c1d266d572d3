import { nextLink } from './linkHeader';
import { isDigest, isTag, MANIFEST_ACCEPT } from './manifest';
import { ResolvedRegistry } from './RegistryConfig';
import { RegistryAuth } from './RegistryAuth';
import { DEFAULT_REGISTRY_POLICY, RegistryPolicy } from './RegistryHosts';
import { expectOk, parseJson, sha256Digest } from './registryResponse';
import { RegistryResponseError } from './RegistryResponseError';
import {
  BODY_LIMITS,
  RegistryStats,
  RegistryTransport,
  RegistryTransportOptions,
} from './RegistryTransport';
import { checkLinkTarget } from './trustedUrls';

export type { RegistryStats } from './RegistryTransport';

export type FetchedManifest = {
  /** Digest of the manifest bytes, from `Docker-Content-Digest` or computed. */
  digest: string;
  contentType: string | null;
  json: unknown;
};

const DEFAULT_PAGE_SIZE = 1000;
const MAX_PAGES = 100_000;

/**
 * Speaks the OCI distribution API to one registry: tag listings, manifests
 * and config blobs, over {@link RegistryAuth} (ping, Basic and bearer-token
 * auth) and {@link RegistryTransport} (timeouts, bounded 429 retries, a cap
 * on requests in flight, request counters).
 */
export class RegistryClient {
  readonly stats: RegistryStats;
  private readonly auth: RegistryAuth;
  private readonly limits: Pick<
    RegistryPolicy,
    'maxTagsPerImage' | 'maxListingBytes'
  >;

  constructor(
    readonly registry: ResolvedRegistry,
    deps: RegistryTransportOptions & {
      /** Caps on one image's tag listing (defaults: {@link DEFAULT_REGISTRY_POLICY}). */
      limits?: Pick<RegistryPolicy, 'maxTagsPerImage' | 'maxListingBytes'>;
    },
  ) {
    const transport = new RegistryTransport(registry, deps);
    this.stats = transport.stats;
    this.auth = new RegistryAuth(registry, transport);
    this.limits = deps.limits ?? DEFAULT_REGISTRY_POLICY;
  }

  /**
   * Every tag of `repository`, following `Link: rel="next"` pages on the
   * registry's own host. A listing over the tag or byte cap fails (it is
   * the image's problem) before it is held in memory whole.
   */
  async listTags(
    repository: string,
    pageSize = DEFAULT_PAGE_SIZE,
  ): Promise<string[]> {
    const { maxTagsPerImage, maxListingBytes } = this.limits;
    let listedBytes = 0;
    const tags: string[] = [];
    const visited = new Set<string>();
    let url: URL | undefined = this.url(
      `/v2/${repository}/tags/list?n=${pageSize}`,
    );
    while (url) {
      if (visited.has(url.href) || visited.size >= MAX_PAGES) {
        throw new RegistryResponseError(
          `the tag list pages loop or never end (at ${url.pathname}${url.search})`,
        );
      }
      visited.add(url.href);
      const response = await this.auth.get(
        url,
        'tagPage',
        repository,
        undefined,
        {
          bytes: Math.min(BODY_LIMITS.tagPage, maxListingBytes - listedBytes),
          over: `the tag listing is larger than ${maxListingBytes} bytes (gitops.registryPolicy.maxListingBytes)`,
        },
      );
      listedBytes += response.body.length;
      expectOk(
        response,
        'listing tags',
        code => `image not found (HTTP 404${code} listing tags)`,
      );
      tags.push(...pageTags(parseJson(response.body, 'the tag list')));
      if (tags.length > maxTagsPerImage) {
        throw new RegistryResponseError(
          `the image lists more than ${maxTagsPerImage} tags (gitops.registryPolicy.maxTagsPerImage)`,
        );
      }
      const link = nextLink(response.headers.get('link'));
      url = link ? checkLinkTarget(link, this.registry) : undefined;
    }
    return tags;
  }

  /** A manifest by tag or digest; any of the image and list media types. */
  async getManifest(
    repository: string,
    reference: string,
  ): Promise<FetchedManifest> {
    if (!isTag(reference) && !isDigest(reference)) {
      throw new RegistryResponseError(
        `"${reference}" is neither a tag nor a digest`,
      );
    }
    const response = await this.auth.get(
      this.url(`/v2/${repository}/manifests/${reference}`),
      'manifest',
      repository,
      MANIFEST_ACCEPT,
    );
    expectOk(
      response,
      `fetching manifest ${reference}`,
      code => `manifest ${reference} not found (HTTP 404${code})`,
    );
    const computed = sha256Digest(response.body);
    if (
      isDigest(reference) &&
      reference.startsWith('sha256:') &&
      reference !== computed
    ) {
      throw new RegistryResponseError(
        `manifest ${reference} does not match its digest`,
      );
    }
    const header = response.headers.get('docker-content-digest');
    return {
      digest: [reference, header].find(isDigest) ?? computed,
      contentType: response.headers.get('content-type'),
      json: parseJson(response.body, `manifest ${reference}`),
    };
  }

  /** A JSON blob (an image config), checked against its digest. */
  async getJsonBlob(repository: string, digest: string): Promise<unknown> {
    const response = await this.auth.get(
      this.url(`/v2/${repository}/blobs/${digest}`),
      'blob',
      repository,
    );
    expectOk(
      response,
      `fetching config blob ${digest}`,
      code => `config blob ${digest} not found (HTTP 404${code})`,
    );
    if (
      digest.startsWith('sha256:') &&
      sha256Digest(response.body) !== digest
    ) {
      throw new RegistryResponseError(
        `config blob ${digest} does not match its digest`,
      );
    }
    return parseJson(response.body, `config blob ${digest}`);
  }

  private url(path: string): URL {
    return new URL(path, this.registry.baseUrl);
  }
}

/** The tags of one page of a listing; `"tags": null` is an empty page. */
function pageTags(page: unknown): string[] {
  const tags = (page as { tags?: unknown } | null)?.tags;
  if (tags === null) return [];
  if (!Array.isArray(tags) || !tags.every(tag => typeof tag === 'string')) {
    throw new RegistryResponseError(
      'the tag list has no "tags" array of strings',
    );
  }
  return tags;
}
