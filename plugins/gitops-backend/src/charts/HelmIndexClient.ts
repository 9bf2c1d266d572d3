import { NotAllowedError } from '@backstage/errors';
import { parse } from 'yaml';
import { HelmRepositoryConfig } from '../config';
import { MANIFEST_LIMITS } from '../manifests';
import { readLimitedBody } from '../registry';

/** Bounds on what one Helm repository's index may cost. */
export type HelmIndexLimits = {
  /** Bytes of index.yaml (default 10 MiB). */
  maxIndexBytes: number;
  /** Chart versions the whole index may list (default 100,000). */
  maxEntries: number;
  /** One request, headers and body (default 10 s). */
  timeoutMs: number;
};

export const DEFAULT_HELM_INDEX_LIMITS: HelmIndexLimits = {
  maxIndexBytes: 10 * 1024 * 1024,
  maxEntries: 100_000,
  timeoutMs: 10_000,
};

/** Each chart of an index with the versions it lists. */
export type HelmIndex = Map<string, string[]>;

const trailingSlash = (path: string) =>
  path.endsWith('/') ? path : `${path}/`;

/**
 * Reads the index.yaml of Helm repositories over http(s). A url is fetched
 * only when it lies under a configured `gitops.helmRepositories` url (same
 * scheme, host and port, and below its path), with that entry's
 * credentials; redirects are not followed, so an answer cannot send the
 * request elsewhere.
 */
export class HelmIndexClient {
  private readonly limits: HelmIndexLimits;
  private readonly fetch: typeof fetch;

  constructor(
    private readonly repositories: HelmRepositoryConfig[],
    options: { fetch?: typeof fetch; limits?: Partial<HelmIndexLimits> } = {},
  ) {
    this.limits = { ...DEFAULT_HELM_INDEX_LIMITS, ...options.limits };
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The configured entry a url lies under, or NotAllowedError saying what to configure. */
  configured(url: string): HelmRepositoryConfig {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new NotAllowedError(`Helm repository url "${url}" is not a URL`);
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
      throw new NotAllowedError(
        `Helm repository url "${url}" is neither http(s) nor oci`,
      );
    }
    const matches = this.repositories.filter(entry => {
      const listed = new URL(entry.url);
      return (
        listed.origin === target.origin &&
        trailingSlash(target.pathname).startsWith(
          trailingSlash(listed.pathname),
        )
      );
    });
    if (matches.length === 0) {
      throw new NotAllowedError(
        `Helm repository host ${target.host} is not allowed: add ${target.origin} to gitops.helmRepositories`,
      );
    }
    // The most specific entry gives the credentials.
    return matches.sort((a, b) => b.url.length - a.url.length)[0];
  }

  /** The repository's index: its charts and their versions. */
  async read(url: string): Promise<HelmIndex> {
    const entry = this.configured(url);
    const indexUrl = new URL('index.yaml', trailingSlash(url));
    const headers: Record<string, string> = {
      accept: 'application/yaml, application/json, */*',
    };
    if (entry.username !== undefined && entry.password !== undefined) {
      headers.authorization = `Basic ${Buffer.from(
        `${entry.username}:${entry.password}`,
      ).toString('base64')}`;
    }
    const where = `${indexUrl.origin}${indexUrl.pathname}`;
    const signal = AbortSignal.timeout(this.limits.timeoutMs);
    let body: Buffer;
    try {
      const response = await this.fetch(indexUrl, {
        headers,
        redirect: 'manual',
        signal,
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        throw new NotAllowedError(
          `${where} redirects (HTTP ${response.status}); redirects are not followed`,
        );
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`${where} answered HTTP ${response.status}`);
      }
      body = await readLimitedBody(response, {
        bytes: this.limits.maxIndexBytes,
        over: `${where} is larger than ${this.limits.maxIndexBytes} bytes`,
      });
    } catch (error) {
      if (signal.aborted) {
        throw new Error(
          `${where} did not answer within ${this.limits.timeoutMs} ms`,
        );
      }
      throw error;
    }
    return this.parse(body, where);
  }

  private parse(body: Buffer, where: string): HelmIndex {
    let document: unknown;
    try {
      document = parse(body.toString('utf8'), {
        maxAliasCount: MANIFEST_LIMITS.maxAliasCount,
        uniqueKeys: false,
      });
    } catch (error) {
      throw new Error(
        `${where} is not a Helm repository index: ${(error as Error).message}`,
      );
    }
    const entries = (document as { entries?: unknown } | null)?.entries;
    if (!entries || typeof entries !== 'object' || Array.isArray(entries)) {
      throw new Error(
        `${where} is not a Helm repository index: it has no entries`,
      );
    }
    const index: HelmIndex = new Map();
    let count = 0;
    for (const [chart, list] of Object.entries(
      entries as Record<string, unknown>,
    )) {
      if (!Array.isArray(list)) continue;
      count += list.length;
      if (count > this.limits.maxEntries) {
        throw new Error(
          `${where} lists more than ${this.limits.maxEntries} chart versions`,
        );
      }
      index.set(
        chart,
        list.flatMap(item => {
          const version = (item as { version?: unknown } | null)?.version;
          return typeof version === 'string' ? [version] : [];
        }),
      );
    }
    return index;
  }
}
