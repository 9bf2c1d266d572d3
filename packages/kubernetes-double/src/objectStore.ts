import { randomUUID } from 'node:crypto';
import { cloneJson, jsonEqual } from './jsonValue';
import { KubeObject, metadataOf, nameOf, namespaceOf } from './kubeObject';
import { prepareForStorage } from './storageStrategy';
import {
  formatApiVersion,
  parseApiVersion,
  ResourceRegistry,
  ResourceType,
  storageKeyOf,
} from './resourceTypes';

export type ChangeEvent = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceType;
  /** The object after the change (before it, for DELETED), in storage form. */
  object: KubeObject;
  resourceVersion: number;
};

export type WriteOptions = { dryRun?: boolean };

export type ChangeListener = (event: ChangeEvent) => void;

/** Metadata the server owns; clients cannot set it and writes do not change it. */
const SERVER_OWNED_METADATA = [
  'uid',
  'creationTimestamp',
  'resourceVersion',
  'generation',
  'selfLink',
];

/** How many recent changes are kept for watches that resume from a resourceVersion. */
const CHANGE_LOG_LENGTH = 10000;

/**
 * The double's etcd: every object by kind, namespace and name, one global
 * resourceVersion counter, and change notifications for the Helm operator
 * and watches. Methods taking `apiVersion`/`kind` are for tests; the ones
 * taking a ResourceType serve the HTTP handlers.
 *
 * Objects are stored in the kind's preferred version and every read is a
 * copy, so callers can never change stored state behind the server's back.
 */
export class ObjectStore {
  private readonly storage = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Set<ChangeListener>();
  private readonly changeLog: ChangeEvent[] = [];
  private readonly pendingEvents: ChangeEvent[] = [];
  private delivering = false;
  private resourceVersion = 0;
  private oldestContinuable = 0;
  /** resourceVersion of the newest change dropped from the log, 0 while none was. */
  private droppedThrough = 0;

  constructor(
    readonly registry: ResourceRegistry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  // ---- for tests -------------------------------------------------------

  /** The object, or undefined; served in the `apiVersion` asked for. */
  get(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): KubeObject | undefined {
    const type = this.typeOf(apiVersion, kind);
    const stored = this.read(type, namespace, name);
    return stored && withApiVersion(stored, apiVersion);
  }

  /** All objects of a kind, in one namespace or everywhere, in key order. */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    const type = this.typeOf(apiVersion, kind);
    return this.readAll(type, namespace).map(object =>
      withApiVersion(object, apiVersion),
    );
  }

  /**
   * Creates or replaces an object as a setup step: stamped like any write
   * (uid, resourceVersion, generation) and announced to the Helm operator,
   * but with no field ownership recorded and no admission checks.
   */
  put(object: KubeObject): KubeObject {
    const apiVersion =
      typeof object.apiVersion === 'string' ? object.apiVersion : 'v1';
    const kind = typeof object.kind === 'string' ? object.kind : '';
    const type = this.typeOf(apiVersion, kind);
    const name = nameOf(object);
    if (!name) throw new Error('put: metadata.name is required');
    const namespace = type.namespaced
      ? namespaceOf(object) ?? 'default'
      : undefined;
    const copy = cloneJson(object);
    if (namespace) metadataOf(copy).namespace = namespace;
    const previous = this.read(type, namespace, name);
    const written = previous
      ? this.replace(type, previous, copy)
      : this.insert(type, copy);
    return withApiVersion(written, apiVersion);
  }

  delete(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): boolean {
    return (
      this.remove(this.typeOf(apiVersion, kind), namespace, name) !== undefined
    );
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The latest resourceVersion handed out, as lists report it. */
  currentResourceVersion(): number {
    return this.resourceVersion;
  }

  /** Makes every continue token issued so far answer 410 Expired, as after an etcd compaction. */
  expireContinueTokens(): void {
    this.oldestContinuable = this.resourceVersion + 1;
  }

  oldestContinuableVersion(): number {
    return this.oldestContinuable;
  }

  /** Changes after `resourceVersion`, or undefined when they are no longer all kept. */
  changesSince(resourceVersion: number): ChangeEvent[] | undefined {
    if (resourceVersion < this.droppedThrough) return undefined;
    return this.changeLog.filter(
      event => event.resourceVersion > resourceVersion,
    );
  }

  // ---- for the server ---------------------------------------------------

  read(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const stored = this.bucket(type).get(objectKey(type, namespace, name));
    return stored && cloneJson(stored);
  }

  readAll(type: ResourceType, namespace?: string): KubeObject[] {
    const bucket = this.bucket(type);
    const prefix = type.namespaced && namespace ? `${namespace}/` : '';
    return [...bucket.keys()]
      .filter(key => key.startsWith(prefix))
      .sort()
      .map(key => cloneJson(bucket.get(key)!));
  }

  /** Stores a new object, stamping what the server owns. The caller has checked it is absent. */
  insert(
    type: ResourceType,
    object: KubeObject,
    options: WriteOptions = {},
  ): KubeObject {
    const stored = storageCopy(type, object);
    const metadata = metadataOf(stored);
    metadata.uid = randomUUID();
    metadata.creationTimestamp = this.timestamp();
    if (type.tracksGeneration) metadata.generation = 1;
    // A dry run shows the object as it would be stored, without a version.
    if (options.dryRun) return stored;
    return this.commit(type, stored, 'ADDED');
  }

  /**
   * Replaces a stored object. Identity and creation stay; `generation` moves
   * only when something outside metadata and status changed; a write that
   * changes nothing keeps the resourceVersion and announces nothing.
   */
  replace(
    type: ResourceType,
    previous: KubeObject,
    next: KubeObject,
    options: WriteOptions = {},
  ): KubeObject {
    const stored = storageCopy(type, next);
    const metadata = metadataOf(stored);
    const before = metadataOf(cloneJson(previous));
    metadata.uid = before.uid ?? randomUUID();
    metadata.creationTimestamp = before.creationTimestamp ?? this.timestamp();
    if (type.tracksGeneration) {
      const generation =
        typeof before.generation === 'number' ? before.generation : 1;
      metadata.generation = jsonEqual(specOf(previous), specOf(stored))
        ? generation
        : generation + 1;
    }
    metadata.resourceVersion = before.resourceVersion ?? '0';
    if (jsonEqual(stored, previous)) return cloneJson(previous);
    if (options.dryRun) return stored;
    return this.commit(type, stored, 'MODIFIED');
  }

  /** Deletes an object; deleting a Namespace deletes everything in it, as the namespace controller would. */
  remove(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const key = objectKey(type, namespace, name);
    const bucket = this.bucket(type);
    const stored = bucket.get(key);
    if (!stored) return undefined;
    bucket.delete(key);
    if (type.group === '' && type.plural === 'namespaces')
      this.removeNamespaceContents(name);
    this.emit({
      type: 'DELETED',
      resource: type,
      object: stored,
      resourceVersion: ++this.resourceVersion,
    });
    return cloneJson(stored);
  }

  /** Gives a written object the next resourceVersion, stores it and announces it to watchers. */
  private commit(
    type: ResourceType,
    stored: KubeObject,
    change: 'ADDED' | 'MODIFIED',
  ): KubeObject {
    metadataOf(stored).resourceVersion = String(++this.resourceVersion);
    this.bucket(type).set(
      objectKey(type, namespaceOf(stored), nameOf(stored) ?? ''),
      stored,
    );
    this.emit({
      type: change,
      resource: type,
      object: stored,
      resourceVersion: this.resourceVersion,
    });
    return cloneJson(stored);
  }

  private removeNamespaceContents(namespace: string): void {
    for (const type of this.registry.all()) {
      if (!type.namespaced) continue;
      for (const object of this.readAll(type, namespace)) {
        this.remove(type, namespace, nameOf(object) ?? '');
      }
    }
  }

  private typeOf(apiVersion: string, kind: string): ResourceType {
    const type = this.registry.byApiVersionKind(apiVersion, kind);
    if (!type)
      throw new Error(
        `The simulated cluster does not serve ${apiVersion} ${kind}`,
      );
    return type;
  }

  private bucket(type: ResourceType): Map<string, KubeObject> {
    const key = storageKeyOf(type);
    let bucket = this.storage.get(key);
    if (!bucket) {
      bucket = new Map();
      this.storage.set(key, bucket);
    }
    return bucket;
  }

  /** Kubernetes timestamps have whole seconds. */
  timestamp(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  /**
   * Announces a change. A listener that writes (the Helm operator) would
   * otherwise make later changes reach other listeners (watches) before
   * this one; queueing keeps every listener seeing resourceVersion order.
   */
  private emit(event: ChangeEvent): void {
    const logged = { ...event, object: cloneJson(event.object) };
    this.changeLog.push(logged);
    if (this.changeLog.length > CHANGE_LOG_LENGTH) {
      this.droppedThrough = this.changeLog.shift()!.resourceVersion;
    }
    this.pendingEvents.push(logged);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (
        let next = this.pendingEvents.shift();
        next;
        next = this.pendingEvents.shift()
      ) {
        for (const listener of [...this.listeners])
          listener({ ...next, object: cloneJson(next.object) });
      }
    } finally {
      this.delivering = false;
      this.pendingEvents.length = 0;
    }
  }
}

/** The key objects are ordered by in lists and continue tokens. */
export function keyOf(type: ResourceType, object: KubeObject): string {
  return objectKey(type, namespaceOf(object), nameOf(object) ?? '');
}

function objectKey(
  type: ResourceType,
  namespace: string | undefined,
  name: string,
): string {
  return type.namespaced ? `${namespace ?? ''}/${name}` : name;
}

/** Everything but identity and bookkeeping: what `generation` tracks. */
function specOf(object: KubeObject): KubeObject {
  const {
    metadata: _metadata,
    status: _status,
    apiVersion: _apiVersion,
    kind: _kind,
    ...rest
  } = object;
  return rest;
}

/** The same object as another served version of its kind reports it. */
export function withApiVersion(
  object: KubeObject,
  apiVersion: string,
): KubeObject {
  const { group, version } = parseApiVersion(apiVersion);
  return { ...object, apiVersion: formatApiVersion(group, version) };
}

/**
 * A copy of `object` as the server keeps it: its type's apiVersion and kind,
 * prepared for storage, without the metadata only the server may set.
 */
function storageCopy(type: ResourceType, object: KubeObject): KubeObject {
  const stored = cloneJson(object);
  stored.apiVersion = formatApiVersion(type.group, type.versions[0]);
  stored.kind = type.kind;
  prepareForStorage(type, stored);
  const metadata = metadataOf(stored);
  for (const field of SERVER_OWNED_METADATA) delete metadata[field];
  return stored;
}
