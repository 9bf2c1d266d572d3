import {
  ApisApi,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import {
  FLUX_V1_HELM_API,
  FLUX_V2_HELM_GROUP,
  FLUX_V2_HELM_VERSIONS,
  FluxObjectKind,
  fluxVersionsOf,
} from '../kernel';
import { ApiDiscovery } from './ApiDiscovery';
import { ClusterConfig } from './ClusterConfig';
import {
  ClusterRequestError,
  toClusterRequestError,
} from './ClusterRequestError';
import { FLUX_OBJECT_PLURALS } from './fluxObjectPlurals';
import { HelmReleaseSecret } from './helm';

/**
 * The field manager earlier versions applied every environment with. Objects
 * it still owns are taken over by their environment's own manager.
 */
export const LEGACY_FIELD_MANAGER = 'backstage-gitops';

/**
 * Each environment applies with a field manager of its own, as
 * `kubectl get --show-managed-fields` shows it, so that two environments
 * writing one object conflict instead of silently replacing each other.
 */
export function fieldManagerOf(environment: string): string {
  return `${LEGACY_FIELD_MANAGER}/${environment}`;
}

/** The environment whose field manager this is; undefined for any other manager. */
export function environmentOfFieldManager(manager: string): string | undefined {
  const prefix = `${LEGACY_FIELD_MANAGER}/`;
  return manager.startsWith(prefix) ? manager.slice(prefix.length) : undefined;
}
/**
 * Reconcile requests are owned by a manager of their own, so that applying
 * git's version of a HelmRelease never removes a request, nor conflicts with one.
 */
export const REQUEST_FIELD_MANAGER = 'backstage-gitops-requests';
export const RECONCILE_REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

const PAGE_SIZE = 500;

/**
 * Bounds on one list of Flux objects: a cluster's answers are untrusted, and
 * a fleet's Kustomizations or image policies are hundreds, not millions.
 */
export const FLUX_LIST_LIMITS = { items: 10_000, bytes: 32 * 1024 * 1024 };

/** Flux objects of one kind as a cluster lists them; `served: false` when its CRD is not installed. */
export type FluxObjectList =
  | { served: false }
  | {
      served: true;
      /** The version discovery chose, e.g. `kustomize.toolkit.fluxcd.io/v1`. */
      apiVersion: string;
      items: Array<Record<string, unknown>>;
    };

export type ObjectKey = {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
};

/** A HelmRelease as a cluster returns it. */
export type ClusterHelmRelease = KubernetesObject & {
  apiVersion: string;
  metadata: { name: string; namespace: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

/** What prune needs to know of a live object before deleting it. */
export type LiveObjectIdentity = {
  uid: string;
  resourceVersion: string;
  labels: Record<string, string>;
  /** Managers named in `metadata.managedFields`. */
  managers: string[];
};

/**
 * A list answer: typed lists (Secrets) name the token `_continue`, custom
 * object lists come back as the server's JSON, `continue`.
 */
type Page<T> = {
  items: T[];
  metadata?: { _continue?: string; continue?: string };
};

/** What helm reconciliation asks of a cluster. Every method is one or a few requests. */
export interface ClusterApi {
  /**
   * HelmReleases of both API groups in one namespace, helm-controller's at
   * the version discovery says is served; a group the cluster does not serve
   * gives none.
   */
  listHelmReleases(namespace: string): Promise<ClusterHelmRelease[]>;
  /**
   * Flux objects of one kind, in one namespace or (without it) in every
   * namespace, at the version of its group the cluster serves (discovery,
   * among those `fluxVersionsOf` lists); `served: false` when it serves none,
   * without a list request. Bounded by {@link FLUX_LIST_LIMITS}.
   */
  listFluxObjects(
    kind: FluxObjectKind,
    namespace?: string,
  ): Promise<FluxObjectList>;
  /** Helm's release Secrets (label `owner=helm`) in one namespace. */
  listHelmSecrets(namespace: string): Promise<HelmReleaseSecret[]>;
  /** Server-side apply with this field manager; `force` takes conflicting fields over. */
  apply(
    object: KubernetesObject,
    options: { fieldManager: string; force?: boolean },
  ): Promise<void>;
  /** The live object's identity and owners; undefined when it is not there. */
  read(key: ObjectKey): Promise<LiveObjectIdentity | undefined>;
  /**
   * Deletes the object, only if it is still the one read (uid and
   * resourceVersion); `gone` when it was not there. A replaced or changed
   * object fails with 409.
   */
  remove(
    key: ObjectKey,
    preconditions: { uid: string; resourceVersion: string },
  ): Promise<'deleted' | 'gone'>;
  /** Sets `reconcile.fluxcd.io/requestedAt` on a HelmRelease. */
  requestReconcile(
    release: { apiVersion: string; namespace: string; name: string },
    requestedAt: string,
  ): Promise<void>;
}

/** A cluster reached through `@kubernetes/client-node`. */
export class KubernetesCluster implements ClusterApi {
  private readonly objects: KubernetesObjectApi;
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly discovery: ApiDiscovery;

  static fromConfig(cluster: ClusterConfig): KubernetesCluster {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: cluster.name,
          server: cluster.url,
          skipTLSVerify: cluster.skipTLSVerify,
          ...(cluster.caData ? { caData: cluster.caData } : {}),
        },
      ],
      users: [
        {
          name: 'backstage-gitops',
          ...(cluster.token ? { token: cluster.token } : {}),
        },
      ],
      contexts: [
        { name: cluster.name, cluster: cluster.name, user: 'backstage-gitops' },
      ],
      currentContext: cluster.name,
    });
    return new KubernetesCluster(kubeConfig);
  }

  constructor(
    kubeConfig: KubeConfig,
    options: { discoveryMaxAgeMs?: number } = {},
  ) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.discovery = new ApiDiscovery(kubeConfig.makeApiClient(ApisApi), {
      maxAgeMs: options.discoveryMaxAgeMs,
    });
  }

  async listHelmReleases(namespace: string): Promise<ClusterHelmRelease[]> {
    const v2Version = await this.discovery.versionOf(
      FLUX_V2_HELM_GROUP,
      FLUX_V2_HELM_VERSIONS,
    );
    const apis = [
      FLUX_V1_HELM_API,
      ...(v2Version ? [{ group: FLUX_V2_HELM_GROUP, version: v2Version }] : []),
    ];
    const lists = await Promise.all(
      apis.map(async ({ group, version }) => {
        const apiVersion = `${group}/${version}`;
        try {
          const items = await listAll<ClusterHelmRelease>(
            `list ${apiVersion} HelmReleases in ${namespace}`,
            cont =>
              this.custom.listNamespacedCustomObject({
                group,
                version,
                namespace,
                plural: 'helmreleases',
                limit: PAGE_SIZE,
                _continue: cont,
              }) as Promise<Page<ClusterHelmRelease>>,
          );
          // Custom resource lists carry apiVersion per item; keep it certain.
          return items.map(item => ({
            ...item,
            apiVersion,
            kind: 'HelmRelease',
          }));
        } catch (error) {
          if (error instanceof ClusterRequestError && error.status === 404) {
            // This Flux generation is not installed, or no longer at the
            // version discovery named: ask discovery again next time.
            if (group === FLUX_V2_HELM_GROUP) this.discovery.forget();
            return [];
          }
          throw error;
        }
      }),
    );
    return lists.flat();
  }

  async listFluxObjects(
    kind: FluxObjectKind,
    namespace?: string,
  ): Promise<FluxObjectList> {
    const { group, versions } = fluxVersionsOf(kind);
    const version = await this.discovery.versionOf(group, versions);
    if (!version) return { served: false };
    const apiVersion = `${group}/${version}`;
    const plural = FLUX_OBJECT_PLURALS[kind];
    const where = namespace ? ` in ${namespace}` : '';
    const what = `list ${apiVersion} ${kind} objects${where}`;
    try {
      const items = await listAll<Record<string, unknown>>(
        what,
        cont =>
          (namespace
            ? this.custom.listNamespacedCustomObject({
                group,
                version,
                namespace,
                plural,
                limit: PAGE_SIZE,
                _continue: cont,
              })
            : this.custom.listClusterCustomObject({
                group,
                version,
                plural,
                limit: PAGE_SIZE,
                _continue: cont,
              })) as Promise<Page<Record<string, unknown>>>,
        FLUX_LIST_LIMITS,
      );
      return {
        served: true,
        apiVersion,
        items: items.map(item => ({ ...item, apiVersion, kind })),
      };
    } catch (error) {
      if (error instanceof ClusterRequestError && error.status === 404) {
        // The CRD went away since discovery answered.
        this.discovery.forget();
        return { served: false };
      }
      throw error;
    }
  }

  listHelmSecrets(namespace: string): Promise<HelmReleaseSecret[]> {
    return listAll<HelmReleaseSecret>(
      `list Helm release Secrets in ${namespace}`,
      cont =>
        this.core.listNamespacedSecret({
          namespace,
          labelSelector: 'owner=helm',
          limit: PAGE_SIZE,
          _continue: cont,
        }) as Promise<Page<HelmReleaseSecret>>,
    ).then(items =>
      // Built-in list items carry no namespace of their own in some servers' answers.
      items.map(item => ({
        ...item,
        metadata: { namespace, ...item.metadata },
      })),
    );
  }

  async apply(
    object: KubernetesObject,
    options: { fieldManager: string; force?: boolean },
  ): Promise<void> {
    try {
      await this.objects.patch(
        object,
        undefined,
        undefined,
        options.fieldManager,
        options.force ?? false,
        PatchStrategy.ServerSideApply,
      );
    } catch (error) {
      throw toClusterRequestError(error, `apply ${describeObject(object)}`);
    }
  }

  async read(key: ObjectKey): Promise<LiveObjectIdentity | undefined> {
    try {
      const live = await this.objects.read({
        apiVersion: key.apiVersion,
        kind: key.kind,
        metadata: {
          name: key.name,
          ...(key.namespace ? { namespace: key.namespace } : {}),
        },
      });
      const metadata = live.metadata ?? {};
      return {
        uid: metadata.uid ?? '',
        resourceVersion: metadata.resourceVersion ?? '',
        labels: metadata.labels ?? {},
        managers: [
          ...new Set(
            (metadata.managedFields ?? []).map(entry => entry.manager ?? ''),
          ),
        ],
      };
    } catch (error) {
      const failure = toClusterRequestError(error, `read ${describeKey(key)}`);
      if (failure.status === 404) return undefined;
      throw failure;
    }
  }

  async remove(
    key: ObjectKey,
    preconditions: { uid: string; resourceVersion: string },
  ): Promise<'deleted' | 'gone'> {
    try {
      await this.objects.delete(
        {
          apiVersion: key.apiVersion,
          kind: key.kind,
          metadata: {
            name: key.name,
            ...(key.namespace ? { namespace: key.namespace } : {}),
          },
        },
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        { preconditions },
      );
      return 'deleted';
    } catch (error) {
      const failure = toClusterRequestError(
        error,
        `delete ${describeKey(key)}`,
      );
      if (failure.status === 404) return 'gone';
      throw failure;
    }
  }

  async requestReconcile(
    release: { apiVersion: string; namespace: string; name: string },
    requestedAt: string,
  ): Promise<void> {
    const object = {
      apiVersion: release.apiVersion,
      kind: 'HelmRelease',
      metadata: {
        name: release.name,
        namespace: release.namespace,
        annotations: { [RECONCILE_REQUESTED_AT]: requestedAt },
      },
    };
    try {
      // Forced: the request manager owns only this annotation, and a newer
      // request must win over whoever wrote the previous one.
      await this.objects.patch(
        object,
        undefined,
        undefined,
        REQUEST_FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    } catch (error) {
      throw toClusterRequestError(
        error,
        `request reconcile of HelmRelease ${release.namespace}/${release.name}`,
      );
    }
  }
}

/**
 * Follows `continue` tokens; a token that expired (410) restarts the list
 * once. With `limits`, a list longer or larger (JSON characters of its
 * items) than they allow fails with 413 instead of growing without bound.
 */
async function listAll<T>(
  what: string,
  page: (cont: string | undefined) => Promise<Page<T>>,
  limits?: { items: number; bytes: number },
): Promise<T[]> {
  for (let attempt = 0; ; attempt++) {
    const items: T[] = [];
    let bytes = 0;
    let cont: string | undefined;
    try {
      do {
        const result = await page(cont);
        const pageItems = Array.isArray(result?.items) ? result.items : [];
        items.push(...pageItems);
        if (limits) {
          bytes += JSON.stringify(pageItems).length;
          if (items.length > limits.items || bytes > limits.bytes) {
            throw new ClusterRequestError(
              `${what}: the answer exceeds ${limits.items} objects or ${limits.bytes} bytes`,
              413,
            );
          }
        }
        cont =
          result.metadata?._continue || result.metadata?.continue || undefined;
      } while (cont);
      return items;
    } catch (error) {
      const failure = toClusterRequestError(error, what);
      if (failure.status === 410 && cont && attempt === 0) continue;
      throw failure;
    }
  }
}

export function describeKey(key: ObjectKey): string {
  const where = key.namespace ? `${key.namespace}/` : '';
  return `${key.kind} ${where}${key.name} (${key.apiVersion})`;
}

function describeObject(object: KubernetesObject): string {
  return describeKey({
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
  });
}
