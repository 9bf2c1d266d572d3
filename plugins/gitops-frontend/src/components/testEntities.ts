import { Entity } from '@backstage/catalog-model';
import {
  GitopsRelease,
  GitopsReleaseStatus,
} from '@backstage-gitops/plugin-gitops-common';

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
    chart: {
      type: 'git',
      git: 'git@example.com:config',
      path: 'charts/podinfo',
    },
    chartName: 'podinfo',
    chartVersion: '0.2.0',
    labels: {},
    automated: true,
    locked: false,
    images: [
      {
        container: 'chart-image',
        repository: 'stefanprodan/podinfo',
        tag,
        policy,
      },
    ],
    sourcePath: `releases/${environment}/podinfo.yaml`,
    commit: '0123456789abcdef0123456789abcdef01234567',
    updatedAt: '2026-11-25T10:00:00.000Z',
    ...overrides,
  };
}

/** A status as helm reconciliation reports it, read two minutes ago. */
export function clusterStatus(
  state: GitopsReleaseStatus['state'],
  overrides: Partial<GitopsReleaseStatus> = {},
): GitopsReleaseStatus {
  const at = new Date(Date.now() - 2 * 60_000).toISOString();
  return {
    cluster: 'demo',
    state,
    reason: `${state} for a reason`,
    differences: [],
    revision: 3,
    chartVersion: '0.2.0',
    deployedAt: at,
    checkedAt: at,
    ...overrides,
  };
}

/** The demo's three stages, each synced. */
export function podinfoPipeline(): GitopsRelease[] {
  return [
    podinfoRelease('dev', 'dev-mww931xk', 'glob:dev-*', {
      status: clusterStatus('Synced'),
    }),
    podinfoRelease('stg', 'stg-9ij63o4c', 'glob:stg-*', {
      status: clusterStatus('Synced'),
    }),
    podinfoRelease('prod', '0.4.10', 'semver:~0.4', {
      status: clusterStatus('Synced'),
    }),
  ];
}
