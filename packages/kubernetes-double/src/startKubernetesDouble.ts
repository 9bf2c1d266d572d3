import { randomBytes } from 'node:crypto';
import { ApiServer } from './apiServer';
import { FaultInjector, FaultSpec } from './faultInjector';
import { SimulatedHelmOperator } from './helm/simulatedHelmOperator';
import { ObjectStore } from './objectStore';
import { RequestCounter } from './requestCounter';
import {
  DEFAULT_RESOURCE_TYPES,
  ResourceRegistry,
  ResourceType,
  ResourceTypeInput,
  restrictGroupVersions,
} from './resourceTypes';

export type KubernetesDoubleOptions = {
  /** 0 (any free port) when absent. */
  port?: number;
  /** Random when absent. */
  token?: string;
  /** Simulate the Flux Helm operators; default true. */
  helmOperator?: boolean;
  /** 0 (default): the operator acts inside the write that triggers it. */
  operatorDelayMs?: number;
  /** Namespaces to create up front, besides default, kube-system, kube-public and kube-node-lease. */
  namespaces?: string[];
  /**
   * Serve these API groups only at the versions listed, preferred first
   * (`[]`: not at all, as a cluster without those CRDs, whose paths answer
   * 404), e.g. `{ 'image.toolkit.fluxcd.io': ['v1beta2'] }` or
   * `{ 'kustomize.toolkit.fluxcd.io': [] }`. Other groups are served at every
   * default version.
   */
  servedVersions?: Record<string, string[]>;
  /** More kinds to serve, as if their CRDs were installed. */
  resourceTypes?: ResourceTypeInput[];
  /**
   * Milliseconds added before every answer (watch streams included), as a
   * cluster across a network would take; 0 (default) answers at once.
   */
  latencyMs?: number;
};

export type KubernetesDouble = {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The bearer token every request must carry (401 otherwise). */
  token: string;
  stop(): Promise<void>;
  /**
   * The next `times` (default 1) requests matching method and path answer
   * `status` with the Status body a real server sends for it.
   */
  injectFault(fault: FaultSpec): void;
  /** `true` closes the listener (connection refused); `false` reopens it on the same port. */
  setDown(down: boolean): Promise<void>;
  /** Changes the delay {@link KubernetesDoubleOptions.latencyMs} set, for later requests. */
  setLatency(ms: number): void;
  /** Counters for benchmarks: total requests and per "METHOD path-template". */
  requests(): { total: number; byRoute: Record<string, number> };
  /** Every request since the last reset, in order, as "METHOD /path" (no query). */
  requestPaths(): string[];
  resetRequests(): void;
  /** Direct access to stored objects for test setup and assertions. */
  objects(): ObjectStore;
  /** Serves another kind, as installing its CRD would. */
  registerType(type: ResourceTypeInput): ResourceType;
  /** The next install/upgrade of this release fails (status `failed`), as a broken chart would. */
  failNextUpgrade(
    namespace: string,
    releaseName: string,
    message?: string,
  ): void;
  /** The next install/upgrade of this release stays `pending-*`, as an interrupted Helm leaves it. */
  stallNextUpgrade(namespace: string, releaseName: string): void;
  /** Resolves when the Helm operator has nothing scheduled (matters with `operatorDelayMs`). */
  operatorIdle(): Promise<void>;
};

const BUILT_IN_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
];

/**
 * Starts a stand-in for a Kubernetes API server on loopback, for tests and
 * the demo: the same paths, verbs, Status errors, resourceVersions,
 * server-side apply and pagination as a real one, over real HTTP, so that
 * `@kubernetes/client-node` talks to it unmodified. It is a simulation and
 * must be presented as one.
 */
export async function startKubernetesDouble(
  options: KubernetesDoubleOptions = {},
): Promise<KubernetesDouble> {
  const registry = new ResourceRegistry(
    restrictGroupVersions(DEFAULT_RESOURCE_TYPES, options.servedVersions ?? {}),
  );
  for (const type of options.resourceTypes ?? []) registry.register(type);
  const store = new ObjectStore(registry);
  for (const name of [...BUILT_IN_NAMESPACES, ...(options.namespaces ?? [])]) {
    if (!store.get('v1', 'Namespace', name))
      store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  const operator =
    options.helmOperator === false
      ? undefined
      : new SimulatedHelmOperator(store, options.operatorDelayMs ?? 0);
  operator?.start();

  const faults = new FaultInjector();
  const counter = new RequestCounter();
  const token = options.token ?? randomBytes(24).toString('hex');
  const server = new ApiServer({
    port: options.port ?? 0,
    token,
    store,
    faults,
    counter,
    latencyMs: options.latencyMs,
  });
  await server.setDown(false);
  const requireOperator = () => {
    if (!operator)
      throw new Error('The Helm operator is off (helmOperator: false)');
    return operator;
  };

  return {
    url: server.url,
    token,
    async stop() {
      operator?.stop();
      await server.setDown(true);
    },
    injectFault: fault => faults.add(fault),
    setDown: down => server.setDown(down),
    setLatency: ms => server.setLatency(ms),
    requests: () => counter.snapshot(),
    requestPaths: () => counter.requestPaths(),
    resetRequests: () => counter.reset(),
    objects: () => store,
    registerType: type => registry.register(type),
    failNextUpgrade: (namespace, releaseName, message) =>
      requireOperator().failNextUpgrade(namespace, releaseName, message),
    stallNextUpgrade: (namespace, releaseName) =>
      requireOperator().stallNextUpgrade(namespace, releaseName),
    operatorIdle: () => operator?.whenIdle() ?? Promise.resolve(),
  };
}
