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
  };
}
