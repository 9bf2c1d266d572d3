import type { KubeObject } from '@backstage-gitops/kubernetes-double';

/**
 * What `flux bootstrap` leaves in a cluster before Flux's first
 * reconciliation: the `flux-system` GitRepository of the fleet repository
 * and the `flux-system` Kustomization that applies the cluster's folder of
 * it. From there Flux (here, the simulated kustomize-controller) applies the
 * rest from git, these two objects included.
 */
export function fluxBootstrapObjects(options: {
  /** The cluster's folder in the repository, as `spec.path` writes it: `./clusters/staging`. */
  path: string;
  branch: string;
  /** Recorded in the GitRepository only; the simulation reads the demo's configured remote. */
  url: string;
}): KubeObject[] {
  const metadata = { name: 'flux-system', namespace: 'flux-system' };
  const sourceRef = { kind: 'GitRepository', name: 'flux-system' };
  return [
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata,
      spec: {
        interval: '1m0s',
        ref: { branch: options.branch },
        url: options.url,
      },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata,
      spec: {
        interval: '10m0s',
        path: options.path,
        prune: true,
        sourceRef,
      },
    },
  ];
}
