import { writeStatusAsController } from '../controllerWrites';
import {
  KubeObject,
  nameOf,
  namespaceOf,
  readMetadata,
  stringField,
} from '../kubeObject';
import { ChangeEvent, ObjectStore } from '../objectStore';
import { ResourceType } from '../resourceTypes';
import { HelmReleaseRecord } from './helmStorage';
import {
  helmControllerStatus,
  helmOperatorStatus,
  ReleaseOutcome,
} from './helmReleaseStatus';
import { actionFor, holdsDesired, upgradeRelease } from './helmUpgrade';
import { ReleaseHistory } from './releaseHistory';
import {
  createNamespace,
  createsNamespace,
  namespaceExists,
} from './releaseNamespaces';
import {
  DesiredRelease,
  desiredRelease,
  HELM_CONTROLLER_GROUP,
  HELM_OPERATOR_GROUP,
} from './releaseRequest';
import { UpgradeFaults } from './upgradeFaults';

type Seen = { fingerprint: string; requestedAt: string | undefined };
/** The fingerprint a deployed revision was made from. */
type Deployed = { version: number; fingerprint: string };

/**
 * The part of Flux (v1 Helm Operator and v2 helm-controller) that turns
 * HelmReleases into Helm releases, simulated. It reconciles a HelmRelease
 * when it is created, when its fingerprint (spec, chart-version and
 * chart-revision annotations) changes, or when a new
 * `reconcile.fluxcd.io/requestedAt` asks it to, and then reports on the
 * HelmRelease's status. A reconciliation writes a new revision (Helm's own
 * Secrets) only when the fingerprint differs from the one the deployed
 * revision was made from, or the newest revision failed; nothing else
 * creates one, a reconcile request included. Deleting the HelmRelease
 * uninstalls the release.
 *
 * With `delayMs` 0 it acts inside the write that triggered it, so the
 * revision exists by the time the client gets its response; otherwise it
 * acts that long after the last trigger, like a controller's work queue.
 */
export class SimulatedHelmOperator {
  private readonly seen = new Map<string, Seen>();
  /** By `<storage namespace>/<release name>`. */
  private readonly deployed = new Map<string, Deployed>();
  /** HelmReleases whose namespace is missing, by the request they wait with. */
  private readonly waiting = new Map<string, string>();
  private readonly faults = new UpgradeFaults();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly history: ReleaseHistory;
  private idleWaiters: Array<() => void> = [];
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly delayMs: number,
  ) {
    const secrets = store.registry.byPlural('', 'v1', 'secrets');
    if (!secrets)
      throw new Error('The Helm operator needs Secrets to be served');
    this.history = new ReleaseHistory(store, secrets);
  }

  start(): void {
    this.unsubscribe = this.store.onChange(event => this.onChange(event));
    for (const type of this.helmReleaseTypes()) {
      for (const helmRelease of this.store.readAll(type))
        this.schedule(type, helmRelease);
    }
  }

  stop(): void {
    this.unsubscribe?.();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.notifyIfIdle();
  }

  /** Makes the next install or upgrade of this release fail, as a broken chart would. */
  failNextUpgrade(
    namespace: string,
    releaseName: string,
    message = 'simulated failure requested by the test',
  ): void {
    this.faults.failNext(namespace, releaseName, message);
  }

  /** Leaves the next install or upgrade pending, as an interrupted Helm would. */
  stallNextUpgrade(namespace: string, releaseName: string): void {
    this.faults.stallNext(namespace, releaseName);
  }

  /** Resolves once no reconciliation is waiting (immediately when acting synchronously). */
  whenIdle(): Promise<void> {
    if (this.timers.size === 0) return Promise.resolve();
    return new Promise(resolve => this.idleWaiters.push(resolve));
  }

  private onChange(event: ChangeEvent): void {
    const { resource, object } = event;
    if (this.isHelmReleaseType(resource)) {
      if (event.type === 'DELETED') this.uninstall(resource, object);
      else if (this.needsAction(resource, object))
        this.schedule(resource, object);
      return;
    }
    // Releases waiting for their namespace can go ahead once it exists.
    if (
      resource.group === '' &&
      resource.kind === 'Namespace' &&
      event.type === 'ADDED'
    ) {
      this.waiting.clear();
      for (const type of this.helmReleaseTypes()) {
        for (const helmRelease of this.store.readAll(type)) {
          if (this.needsAction(type, helmRelease))
            this.schedule(type, helmRelease);
        }
      }
    }
  }

  private needsAction(type: ResourceType, helmRelease: KubeObject): boolean {
    const desired = desiredRelease(helmRelease, type.group);
    const uid = uidOf(helmRelease);
    if (this.waiting.get(uid) === waitKey(desired)) return false;
    const seen = this.seen.get(uid);
    return (
      !seen ||
      seen.fingerprint !== desired.fingerprint ||
      seen.requestedAt !== desired.requestedAt
    );
  }

  private schedule(type: ResourceType, helmRelease: KubeObject): void {
    const namespace = namespaceOf(helmRelease);
    const name = nameOf(helmRelease) ?? '';
    if (this.delayMs <= 0) {
      this.reconcile(type, namespace, name);
      return;
    }
    const key = `${type.group}/${namespace}/${name}`;
    if (this.timers.has(key)) return;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        try {
          this.reconcile(type, namespace, name);
        } finally {
          this.notifyIfIdle();
        }
      }, this.delayMs),
    );
  }

  private notifyIfIdle(): void {
    if (this.timers.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private reconcile(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): void {
    const helmRelease = this.store.read(type, namespace, name);
    if (!helmRelease || !this.needsAction(type, helmRelease)) return;
    const desired = desiredRelease(helmRelease, type.group);
    const uid = uidOf(helmRelease);
    const now = new Date();

    const missing = [desired.storageNamespace, desired.releaseNamespace].find(
      ns => !namespaceExists(this.store, ns),
    );
    if (
      missing &&
      !(
        desired.flavor === 'v2' &&
        createsNamespace(helmRelease) &&
        missing === desired.releaseNamespace
      )
    ) {
      // Not remembered as seen: retried when the namespace appears.
      this.waiting.set(uid, waitKey(desired));
      const revisions = this.history.read(
        desired.storageNamespace,
        desired.releaseName,
      );
      this.report(
        type,
        helmRelease,
        desired,
        {
          result: 'failed',
          action: actionFor(revisions),
          message: `namespaces "${missing}" not found`,
        },
        now,
      );
      return;
    }
    this.waiting.delete(uid);
    if (missing) createNamespace(this.store, missing);
    this.seen.set(uid, {
      fingerprint: desired.fingerprint,
      requestedAt: desired.requestedAt,
    });

    const outcome = upgradeRelease({
      history: this.history,
      desired,
      faults: this.faults,
      isDeployedFrom: record => this.deployedFrom(record, desired),
      now,
    });
    if (outcome.result === 'deployed') {
      this.deployed.set(releaseKey(desired), {
        version: outcome.revision.version,
        fingerprint: desired.fingerprint,
      });
    }
    this.report(type, helmRelease, desired, outcome, now);
  }

  /**
   * Whether the deployed revision already is what the HelmRelease asks for.
   * A revision this operator did not make (a test's seeded Secret) has no
   * known fingerprint, so its chart and values are compared instead.
   */
  private deployedFrom(
    record: HelmReleaseRecord,
    desired: DesiredRelease,
  ): boolean {
    const known = this.deployed.get(releaseKey(desired));
    return known && known.version === record.version
      ? known.fingerprint === desired.fingerprint
      : holdsDesired(record, desired);
  }

  private report(
    type: ResourceType,
    helmRelease: KubeObject,
    desired: DesiredRelease,
    outcome: ReleaseOutcome,
    now: Date,
  ): void {
    const input = {
      helmRelease,
      desired,
      outcome,
      history: this.history
        .read(desired.storageNamespace, desired.releaseName)
        .map(revision => revision.record),
      now: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    const v1 = desired.flavor === 'v1';
    const status = v1 ? helmOperatorStatus(input) : helmControllerStatus(input);
    writeStatusAsController(
      this.store,
      type,
      namespaceOf(helmRelease),
      nameOf(helmRelease) ?? '',
      status,
      v1 ? 'helm-operator' : 'helm-controller',
    );
  }

  private uninstall(type: ResourceType, helmRelease: KubeObject): void {
    const desired = desiredRelease(helmRelease, type.group);
    this.seen.delete(uidOf(helmRelease));
    this.waiting.delete(uidOf(helmRelease));
    this.deployed.delete(releaseKey(desired));
    this.history.removeAll(desired.storageNamespace, desired.releaseName);
  }

  private helmReleaseTypes(): ResourceType[] {
    return this.store.registry
      .all()
      .filter(type => this.isHelmReleaseType(type));
  }

  private isHelmReleaseType(type: ResourceType): boolean {
    return (
      type.kind === 'HelmRelease' &&
      (type.group === HELM_OPERATOR_GROUP ||
        type.group === HELM_CONTROLLER_GROUP)
    );
  }
}

function waitKey(desired: DesiredRelease): string {
  return `${desired.fingerprint}\u0000${desired.requestedAt ?? ''}`;
}

function releaseKey(desired: DesiredRelease): string {
  return `${desired.storageNamespace}/${desired.releaseName}`;
}

function uidOf(object: KubeObject): string {
  return (
    stringField(readMetadata(object), 'uid') ??
    `${namespaceOf(object)}/${nameOf(object)}`
  );
}
