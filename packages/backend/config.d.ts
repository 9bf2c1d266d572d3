export interface Config {
  /** Settings that exist only for the demo. */
  gitopsDemo?: {
    /**
     * A simulated Kubernetes API server with a simulated Flux Helm operator
     * (`@backstage-gitops/kubernetes-double`), served on 127.0.0.1. Off
     * unless `port` is set. Never a real cluster.
     */
    simulatedCluster?: {
      /** Loopback port to listen on. */
      port?: number;
      /**
       * The bearer token every request must carry; the `kubernetes` and
       * `gitops` cluster entries that point here use the same value.
       * @visibility secret
       */
      token?: string;
      /**
       * How long the simulated operator waits after a change before it
       * acts, so that a release is seen progressing. Defaults to 2000.
       */
      operatorDelayMs?: number;
    };
    /**
     * The Flux v2 demo: one simulated cluster per entry, bootstrapped with
     * Flux's `flux-system` GitRepository and Kustomization, where simulated
     * kustomize- and helm-controllers apply the fleet repository's head.
     * Off unless `repositoryUrl` is set. Never real clusters.
     */
    fluxClusters?: {
      /** The fleet repository the simulated controllers read (a local remote). */
      repositoryUrl?: string;
      /** Defaults to main. */
      branch?: string;
      /** How often the simulated kustomize-controller reconciles. Defaults to 5. */
      intervalSeconds?: number;
      /** As for simulatedCluster. Defaults to 2000. */
      operatorDelayMs?: number;
      clusters: Array<{
        /** The cluster's name in `kubernetes.clusterLocatorMethods`. */
        name: string;
        /** Loopback port to listen on. */
        port: number;
        /** @visibility secret */
        token: string;
        /** The cluster's folder, as the flux-system Kustomization's `spec.path`: `./clusters/staging`. */
        path: string;
      }>;
    };
  };
}
