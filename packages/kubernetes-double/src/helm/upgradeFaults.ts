import { DesiredRelease } from './releaseRequest';

/** A fault a test asked for, taken by the next install or upgrade of its release. */
export type UpgradeFault =
  | { kind: 'fail'; message: string }
  | { kind: 'stall' };

/**
 * Faults tests inject into the simulated operator, by
 * `<namespace>/<release name>`; the namespace may be the release's own or
 * the one Helm stores it in.
 */
export class UpgradeFaults {
  private readonly failures = new Map<string, string>();
  private readonly stalls = new Set<string>();

  failNext(namespace: string, releaseName: string, message: string): void {
    this.failures.set(`${namespace}/${releaseName}`, message);
  }

  stallNext(namespace: string, releaseName: string): void {
    this.stalls.add(`${namespace}/${releaseName}`);
  }

  /** The fault waiting for this release, removed so that it happens once; a failure before a stall. */
  take(desired: DesiredRelease): UpgradeFault | undefined {
    const key = [desired.storageNamespace, desired.releaseNamespace]
      .map(namespace => `${namespace}/${desired.releaseName}`)
      .find(
        candidate => this.failures.has(candidate) || this.stalls.has(candidate),
      );
    if (key === undefined) return undefined;
    const message = this.failures.get(key);
    if (message !== undefined) {
      this.failures.delete(key);
      return { kind: 'fail', message };
    }
    this.stalls.delete(key);
    return { kind: 'stall' };
  }
}
