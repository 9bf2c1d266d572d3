import { Entity } from '@backstage/catalog-model';
import { GitopsRelease } from '@backstage-gitops/plugin-gitops-common';

/** The demo's podinfo component, as the cards' tests render it. */
export const podinfoEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'podinfo',
    annotations: {
      'gitops.backstage.io/helm-chart': 'podinfo',
      'backstage.io/source-location': 'url:https://example.com/podinfo',
    },
  },
  spec: { type: 'service', owner: 'team', lifecycle: 'production' },
};

export function podinfoRelease(
  environment: string,
  tag: string,
  policy: string,
  overrides: Partial<GitopsRelease> = {},
): GitopsRelease {
  return {
    repository: 'config',
    environment,
    namespace: environment,
    name: `podinfo-${environment}`,
    releaseName: `podinfo-${environment}`,
    apiVersion: 'helm.fluxcd.io/v1',
    chart: { type: 'git', git: 'git@example.com:config', path: 'charts/podinfo' },
    chartName: 'podinfo',
    chartVersion: '0.2.0',
    labels: {},
    automated: true,
    locked: false,
    images: [
      { container: 'chart-image', repository: 'stefanprodan/podinfo', tag, policy },
    ],
    sourcePath: `releases/${environment}/podinfo.yaml`,
    commit: '0123456789abcdef0123456789abcdef01234567',
    updatedAt: '2026-11-25T10:00:00.000Z',
    ...overrides,
  };
}
