import { decodeHelmReleaseSecret } from './decodeHelmReleaseSecret';
import { HelmReleaseSecret, HelmRevision } from './types';

/**
 * Decodes Helm's release Secrets once per version. A reconcile cycle lists
 * every Secret of a namespace, but few change between cycles; a Secret seen
 * again at the same resourceVersion is not decoded again, so decoding work
 * follows what changed. Secrets not seen during a cycle are forgotten at its
 * end, which bounds the cache to what the cluster holds.
 */
export class HelmRevisionCache {
  private previous = new Map<string, HelmRevision>();
  private current = new Map<string, HelmRevision>();

  /** Throws HelmSecretError as decodeHelmReleaseSecret does; failures are not kept. */
  decode(secret: HelmReleaseSecret): HelmRevision {
    const { name, namespace, resourceVersion } = secret.metadata ?? {};
    if (!name || !resourceVersion) return decodeHelmReleaseSecret(secret);
    const key = `${namespace ?? ''}/${name}@${resourceVersion}`;
    const revision =
      this.current.get(key) ??
      this.previous.get(key) ??
      decodeHelmReleaseSecret(secret);
    this.current.set(key, revision);
    return revision;
  }

  /** Ends a cycle: what was not decoded or reused since the last call goes. */
  endCycle(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}
