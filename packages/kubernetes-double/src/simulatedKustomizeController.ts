import { writeStatusAsController } from './controllerWrites';
import {
  cloneJson,
  isJsonObject,
  JsonObject,
  JsonValue,
  jsonEqual,
} from './jsonValue';
import {
  KubeObject,
  metadataOf,
  nameOf,
  namespaceOf,
  readMetadata,
  stringField,
  stringMapOf,
} from './kubeObject';
import { ObjectStore } from './objectStore';
import { formatApiVersion, ResourceType } from './resourceTypes';
import { applyConfiguration } from './serverSideApply';
import { foldStringData } from './storageStrategy';

/** The source a Kustomization builds from (`spec.sourceRef`, namespace filled in). */
export type KustomizationSource = {
  kind: string;
  name: string;
  namespace: string;
};

/**
 * What building a Kustomization's path gave: the objects to apply, or why
 * the build failed. `revision` is the source's revision as Flux writes it,
 * e.g. `main@sha1:<sha>`.
 */
export type RenderedKustomization =
  | { revision: string; objects: JsonObject[] }
  | { revision: string; error: string };

/** Builds `path` (as in `spec.path`) of `source` at its head. */
export type RenderKustomization = (
  path: string,
  source: KustomizationSource,
) => Promise<RenderedKustomization>;

export type SimulatedKustomizeControllerOptions = {
  store: ObjectStore;
  render: RenderKustomization;
};

/** What one Kustomization's reconciliation came to, for tests and logs. */
export type KustomizationOutcome = {
  namespace: string;
  name: string;
  result: 'applied' | 'failed' | 'suspended';
  revision?: string;
  message?: string;
};

export const KUSTOMIZE_CONTROLLER_MANAGER = 'kustomize-controller';
const KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';
const NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
const NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace';
const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

/** One applied object, as Flux's `status.inventory.entries` name it. */
type InventoryEntry = { id: string; v: string };

/** A rendered object with the kind the cluster serves it as. */
type Placed = { type: ResourceType; object: JsonObject; entry: InventoryEntry };

/**
 * Flux's kustomize-controller, simulated: on each `tick` it reconciles every
 * Kustomization the double holds that is not suspended. It builds the
 * Kustomization's `spec.path` through `render` (the double knows no git),
 * applies the objects server-side as `kustomize-controller` (Namespaces
 * first), and with `spec.prune` deletes what it applied before and no longer
 * builds. As the real one, it applies the set as a whole: a build failure,
 * or an object the cluster cannot take, applies nothing and deletes nothing.
 * It writes status as Flux does: the Ready condition, the last applied and
 * attempted revisions, `observedGeneration` and the inventory.
 *
 * It is a simulation: no health checks, no dependsOn, no variable
 * substitution, no decryption.
 */
export class SimulatedKustomizeController {
  private readonly store: ObjectStore;
  private readonly render: RenderKustomization;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<KustomizationOutcome[]> | undefined;

  constructor(options: SimulatedKustomizeControllerOptions) {
    this.store = options.store;
    this.render = options.render;
  }

  /** Ticks every `intervalMs` until `stop`; `onError` hears a tick that threw. */
  start(intervalMs: number, onError: (error: unknown) => void = () => {}) {
    this.stop();
    const loop = () => {
      this.tick()
        .catch(onError)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(loop, intervalMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Reconciles every Kustomization once; a tick already running is joined, not doubled. */
  tick(): Promise<KustomizationOutcome[]> {
    if (!this.running) {
      this.running = this.reconcileAll().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async reconcileAll(): Promise<KustomizationOutcome[]> {
    const outcomes: KustomizationOutcome[] = [];
    for (const type of this.kustomizationTypes()) {
      for (const kustomization of this.store.readAll(type)) {
        outcomes.push(await this.reconcile(type, kustomization));
      }
    }
    return outcomes;
  }

  private kustomizationTypes(): ResourceType[] {
    return this.store.registry
      .all()
      .filter(
        type => type.group === KUSTOMIZE_GROUP && type.kind === 'Kustomization',
      );
  }

  private async reconcile(
    type: ResourceType,
    kustomization: KubeObject,
  ): Promise<KustomizationOutcome> {
    const name = nameOf(kustomization) ?? '';
    const namespace = namespaceOf(kustomization) ?? 'default';
    const spec = isJsonObject(kustomization.spec) ? kustomization.spec : {};
    if (spec.suspend === true) return { namespace, name, result: 'suspended' };

    const sourceRef = isJsonObject(spec.sourceRef) ? spec.sourceRef : {};
    const source: KustomizationSource = {
      kind: stringField(sourceRef, 'kind') ?? 'GitRepository',
      name: stringField(sourceRef, 'name') ?? '',
      namespace: stringField(sourceRef, 'namespace') ?? namespace,
    };
    const path = stringField(spec, 'path') ?? './';
    let rendered: RenderedKustomization;
    try {
      rendered = await this.render(path, source);
    } catch (error) {
      rendered = { revision: '', error: messageOf(error) };
    }

    if ('error' in rendered) {
      return this.fail(type, kustomization, {
        reason: 'BuildFailed',
        message: `kustomize build failed: ${rendered.error}`,
        revision: rendered.revision,
      });
    }
    const placed = this.place(rendered.objects, spec, kustomization);
    if ('error' in placed) {
      return this.fail(type, kustomization, {
        reason: 'ReconciliationFailed',
        message: placed.error,
        revision: rendered.revision,
      });
    }

    for (const item of placed) this.apply(item);
    const entries = placed.map(item => item.entry);
    if (spec.prune === true) this.prune(kustomization, entries);
    this.writeStatus(type, kustomization, {
      ready: true,
      reason: 'ReconciliationSucceeded',
      message: `Applied revision: ${rendered.revision}`,
      lastAppliedRevision: rendered.revision,
      lastAttemptedRevision: rendered.revision,
      inventory: entries,
    });
    return {
      namespace,
      name,
      result: 'applied',
      revision: rendered.revision,
    };
  }

  /**
   * Every rendered object with the kind it is served as and the namespace it
   * lands in, cluster-scoped ones first; or the first reason the cluster
   * would refuse the set, in which case nothing is applied.
   */
  private place(
    objects: JsonObject[],
    spec: JsonObject,
    kustomization: KubeObject,
  ): Placed[] | { error: string } {
    const targetNamespace = stringField(spec, 'targetNamespace');
    const namespaces = new Set(
      this.store
        .list('v1', 'Namespace')
        .map(namespace => nameOf(namespace) ?? ''),
    );
    const placed: Placed[] = [];
    for (const rendered of objects) {
      const object = cloneJson(rendered);
      const apiVersion = stringField(object, 'apiVersion') ?? '';
      const kind = stringField(object, 'kind') ?? '';
      const name = nameOf(object);
      const type = this.store.registry.byApiVersionKind(apiVersion, kind);
      if (!type || !name) {
        return {
          error: `${kind}/${
            name ?? ''
          } dry-run failed: no matches for kind "${kind}" in version "${apiVersion}"`,
        };
      }
      const metadata = metadataOf(object);
      if (type.namespaced) {
        metadata.namespace =
          targetNamespace ?? namespaceOf(object) ?? 'default';
      } else {
        delete metadata.namespace;
        if (type.group === '' && type.kind === 'Namespace')
          namespaces.add(name);
      }
      metadata.labels = {
        ...stringMapOf(object, 'labels'),
        [NAME_LABEL]: nameOf(kustomization) ?? '',
        [NAMESPACE_LABEL]: namespaceOf(kustomization) ?? 'default',
      };
      const version = apiVersion.split('/').pop() ?? '';
      placed.push({
        type,
        object,
        entry: {
          id: inventoryId(type, namespaceOf(object), name),
          v: version,
        },
      });
    }
    for (const { type, object } of placed) {
      const namespace = namespaceOf(object);
      if (type.namespaced && namespace && !namespaces.has(namespace)) {
        return {
          error: `${type.kind}/${namespace}/${nameOf(
            object,
          )} namespace not specified: namespaces "${namespace}" not found`,
        };
      }
    }
    return [
      ...placed.filter(item => !item.type.namespaced),
      ...placed.filter(item => item.type.namespaced),
    ];
  }

  /** Server-side apply with force, as kustomize-controller applies. */
  private apply({ type, object }: Placed): void {
    const name = nameOf(object) ?? '';
    const existing = this.store.read(type, namespaceOf(object), name);
    foldStringData(type, object);
    const result = applyConfiguration({
      type,
      scope: 'object',
      existing,
      applied: object,
      writer: {
        manager: KUSTOMIZE_CONTROLLER_MANAGER,
        operation: 'Apply',
        apiVersion:
          stringField(object, 'apiVersion') ??
          formatApiVersion(type.group, type.versions[0]),
        time: this.store.timestamp(),
        scope: 'object',
      },
      force: true,
    });
    if (!existing) {
      this.store.insert(type, result);
      return;
    }
    // Re-applying what is there changes nothing on a real server; here it
    // would only move the managedFields time and wake every watcher.
    if (jsonEqual(withoutApplyTimes(result), withoutApplyTimes(existing)))
      return;
    this.store.replace(type, existing, result);
  }

  /** Deletes what the previous inventory held and this one does not, if still ours. */
  private prune(kustomization: KubeObject, current: InventoryEntry[]): void {
    const keep = new Set(current.map(entry => entry.id));
    for (const entry of inventoryOf(kustomization)) {
      if (keep.has(entry.id)) continue;
      const target = parseInventoryId(entry.id);
      if (!target) continue;
      const type = this.store.registry.byKind(
        target.group,
        entry.v,
        target.kind,
      );
      if (!type) continue;
      const namespace = type.namespaced ? target.namespace : undefined;
      const existing = this.store.read(type, namespace, target.name);
      if (!existing) continue;
      const labels = stringMapOf(existing, 'labels');
      if (
        labels[NAME_LABEL] !== nameOf(kustomization) ||
        labels[NAMESPACE_LABEL] !== namespaceOf(kustomization)
      )
        continue;
      this.store.remove(type, namespace, target.name);
    }
  }

  private fail(
    type: ResourceType,
    kustomization: KubeObject,
    failure: { reason: string; message: string; revision: string },
  ): KustomizationOutcome {
    const previous = isJsonObject(kustomization.status)
      ? kustomization.status
      : {};
    this.writeStatus(type, kustomization, {
      ready: false,
      reason: failure.reason,
      message: failure.message,
      lastAppliedRevision: stringField(previous, 'lastAppliedRevision'),
      lastAttemptedRevision: failure.revision || undefined,
      // What was applied stays applied, so the inventory stays too.
      inventory: inventoryOf(kustomization),
    });
    return {
      namespace: namespaceOf(kustomization) ?? 'default',
      name: nameOf(kustomization) ?? '',
      result: 'failed',
      revision: failure.revision,
      message: failure.message,
    };
  }

  private writeStatus(
    type: ResourceType,
    kustomization: KubeObject,
    outcome: {
      ready: boolean;
      reason: string;
      message: string;
      lastAppliedRevision: string | undefined;
      lastAttemptedRevision: string | undefined;
      inventory: InventoryEntry[];
    },
  ): void {
    const name = nameOf(kustomization) ?? '';
    const namespace = namespaceOf(kustomization);
    // Read again: applying the set may have changed this very object
    // (the flux-system Kustomization applies itself).
    const current = this.store.read(type, namespace, name);
    if (!current) return;
    const previous = isJsonObject(current.status) ? current.status : {};
    const generation = readMetadata(kustomization).generation;
    const ready: JsonObject = {
      type: 'Ready',
      status: outcome.ready ? 'True' : 'False',
      observedGeneration: typeof generation === 'number' ? generation : 1,
      reason: outcome.reason,
      message: outcome.message,
      lastTransitionTime: this.store.timestamp(),
    };
    const before = readyConditionOf(previous);
    if (
      before &&
      before.status === ready.status &&
      before.reason === ready.reason &&
      before.message === ready.message
    ) {
      ready.lastTransitionTime = before.lastTransitionTime ?? null;
    }
    const status: JsonObject = {
      observedGeneration: ready.observedGeneration,
      conditions: [ready],
      inventory: {
        entries: outcome.inventory.map(entry => ({ ...entry })),
      },
    };
    if (outcome.lastAppliedRevision)
      status.lastAppliedRevision = outcome.lastAppliedRevision;
    if (outcome.lastAttemptedRevision)
      status.lastAttemptedRevision = outcome.lastAttemptedRevision;
    const requestedAt = stringMapOf(kustomization, 'annotations')[REQUESTED_AT];
    if (requestedAt) status.lastHandledReconcileAt = requestedAt;
    if (jsonEqual(status, previous)) return;
    writeStatusAsController(
      this.store,
      type,
      namespace,
      name,
      status,
      KUSTOMIZE_CONTROLLER_MANAGER,
    );
  }
}

/** Flux's inventory id: `<namespace>_<name>_<group>_<kind>`, namespace empty when cluster-scoped. */
function inventoryId(
  type: ResourceType,
  namespace: string | undefined,
  name: string,
): string {
  return [
    type.namespaced ? namespace ?? '' : '',
    name,
    type.group,
    type.kind,
  ].join('_');
}

function parseInventoryId(
  id: string,
):
  | { namespace: string; name: string; group: string; kind: string }
  | undefined {
  const parts = id.split('_');
  if (parts.length !== 4) return undefined;
  const [namespace, name, group, kind] = parts;
  return { namespace, name, group, kind };
}

function inventoryOf(kustomization: KubeObject): InventoryEntry[] {
  const status = isJsonObject(kustomization.status) ? kustomization.status : {};
  const inventory = isJsonObject(status.inventory) ? status.inventory : {};
  const entries = Array.isArray(inventory.entries) ? inventory.entries : [];
  return entries.flatMap((entry: JsonValue) =>
    isJsonObject(entry) &&
    typeof entry.id === 'string' &&
    typeof entry.v === 'string'
      ? [{ id: entry.id, v: entry.v }]
      : [],
  );
}

function readyConditionOf(status: JsonObject): JsonObject | undefined {
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.find(
    (condition): condition is JsonObject =>
      isJsonObject(condition) && condition.type === 'Ready',
  );
}

/** The object with its managedFields entries in a fixed order and without their times. */
function withoutApplyTimes(object: KubeObject): KubeObject {
  const copy = cloneJson(object);
  const metadata = metadataOf(copy);
  if (Array.isArray(metadata.managedFields)) {
    metadata.managedFields = metadata.managedFields
      .map(entry => {
        if (isJsonObject(entry)) delete entry.time;
        return entry;
      })
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return copy;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
