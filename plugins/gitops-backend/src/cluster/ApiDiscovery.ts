import { ApisApi } from '@kubernetes/client-node';
import { toClusterRequestError } from './ClusterRequestError';

/** What `/apis` says of one group: its served versions, the server's preferred first. */
type ServedGroup = { versions: string[]; preferred?: string };

/**
 * How long one `/apis` answer is trusted. Long enough that a steady
 * reconcile cycle sends no discovery request (the per-namespace request
 * counts stay fixed), short enough that installing or upgrading Flux's CRDs
 * is seen within minutes; a 404 at a version discovery named forgets it at once.
 */
export const DISCOVERY_MAX_AGE_MS = 5 * 60_000;

/**
 * Which versions of which API groups a cluster serves, from its discovery
 * document `/apis`, asked once and shared by every read until it is stale.
 * Concurrent callers share one request.
 */
export class ApiDiscovery {
  private answer?: { at: number; groups: Promise<Map<string, ServedGroup>> };

  constructor(
    private readonly apis: ApisApi,
    private readonly options: { maxAgeMs?: number; now?: () => number } = {},
  ) {}

  /**
   * The version of `group` to read: the server's preferred version when it
   * is one of `known`, else the first of `known` (newest first) the server
   * serves; undefined when it serves none of them (the CRDs are not installed).
   */
  async versionOf(
    group: string,
    known: readonly string[],
  ): Promise<string | undefined> {
    const served = (await this.groups()).get(group);
    if (!served) return undefined;
    if (served.preferred && known.includes(served.preferred)) {
      return served.preferred;
    }
    return known.find(version => served.versions.includes(version));
  }

  /** The next read asks the cluster again (a version it named answered 404). */
  forget(): void {
    this.answer = undefined;
  }

  private groups(): Promise<Map<string, ServedGroup>> {
    const now = (this.options.now ?? Date.now)();
    const maxAge = this.options.maxAgeMs ?? DISCOVERY_MAX_AGE_MS;
    if (!this.answer || now - this.answer.at >= maxAge) {
      const groups = this.ask();
      this.answer = { at: now, groups };
      // A failed answer is not kept: the next read asks again.
      groups.catch(() => {
        if (this.answer?.groups === groups) this.answer = undefined;
      });
    }
    return this.answer.groups;
  }

  private async ask(): Promise<Map<string, ServedGroup>> {
    try {
      const list = await this.apis.getAPIVersions();
      const groups = new Map<string, ServedGroup>();
      for (const group of list.groups ?? []) {
        if (typeof group?.name !== 'string') continue;
        groups.set(group.name, {
          versions: (group.versions ?? [])
            .map(entry => entry?.version)
            .filter(
              (version): version is string => typeof version === 'string',
            ),
          preferred: group.preferredVersion?.version,
        });
      }
      return groups;
    } catch (error) {
      throw toClusterRequestError(error, 'discover served API groups (/apis)');
    }
  }
}
