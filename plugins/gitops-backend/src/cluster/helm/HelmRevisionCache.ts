import {
  approxBytes,
  ByteBudgetCache,
  CacheBudgets,
  processCacheBudgets,
} from '../../kernel';
import { decodeHelmReleaseSecret } from './decodeHelmReleaseSecret';
import { HelmReleaseSecret, HelmRevision } from './types';

// A revision's values can nest deeper than the header fields; weigh them
// that deep so a release with large values counts as large.
const REVISION_DEPTH = 8;

const sizeOfRevision = (key: string, revision: HelmRevision) =>
  48 + key.length * 2 + approxBytes(revision, REVISION_DEPTH);

/**
 * Decodes Helm's release Secrets once per version. A reconcile cycle lists
 * every Secret of a namespace, but few change between cycles; a Secret seen
 * again at the same resourceVersion is not decoded again, so decoding work
 * follows what changed. Secrets not seen during a cycle are forgotten at its
 * end, and the whole is bounded by the `helmRevisions` byte budget (least
 * recently used first), so a cluster with more history than fits is decoded
 * in part each cycle rather than held whole.
 */
export class HelmRevisionCache {
  private readonly revisions: ByteBudgetCache<string, HelmRevision>;
  private seen = new Set<string>();

  constructor(budgets: CacheBudgets = processCacheBudgets) {
    this.revisions = budgets.create('helmRevisions', sizeOfRevision);
  }

  /** Throws HelmSecretError as decodeHelmReleaseSecret does; failures are not kept. */
  decode(secret: HelmReleaseSecret): HelmRevision {
    const { name, namespace, resourceVersion } = secret.metadata ?? {};
    if (!name || !resourceVersion) return decodeHelmReleaseSecret(secret);
    const key = `${namespace ?? ''}/${name}@${resourceVersion}`;
    let revision = this.revisions.get(key);
    if (!revision) {
      revision = decodeHelmReleaseSecret(secret);
      this.revisions.set(key, revision);
    }
    this.seen.add(key);
    return revision;
  }

  /** Ends a cycle: what was not decoded or reused since the last call goes. */
  endCycle(): void {
    for (const key of [...this.revisions.keys()]) {
      if (!this.seen.has(key)) this.revisions.delete(key);
    }
    this.seen = new Set();
  }

  /** Bytes and entries held, for tests and the memory report. */
  get bytes(): number {
    return this.revisions.bytes;
  }

  get size(): number {
    return this.revisions.size;
  }
}
