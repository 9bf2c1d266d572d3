import { HelmRevision } from '../../cluster/helm';
import { DesiredRelease, LiveHelmRelease } from '../types';

type Status = Record<string, unknown>;

/** The seed's releases/dev/podinfo.yaml, as git sync stores it. */
export function podinfoDevDesired(
  values: Record<string, unknown> = {
    image: { repository: 'stefanprodan/podinfo', tag: 'dev-a1b2c3d4' },
    replicaCount: 1,
  },
  chartVersion = '0.2.1',
): DesiredRelease {
  return {
    apiVersion: 'helm.fluxcd.io/v1',
    namespace: 'dev',
    name: 'podinfo-dev',
    releaseName: 'podinfo-dev',
    chartVersion,
    values,
    spec: {
      releaseName: 'podinfo-dev',
      chart: {
        git: 'git@github.com:fluxcd/helm-operator-get-started',
        path: 'charts/podinfo',
        ref: 'master',
      },
      values,
    },
  };
}

/** What Helm Operator 1.x leaves on a HelmRelease after a good upgrade. */
export function podinfoDevLive(
  desired: DesiredRelease,
  status: Status = {},
  generation = 2,
): LiveHelmRelease {
  return {
    apiVersion: 'helm.fluxcd.io/v1',
    metadata: {
      name: 'podinfo-dev',
      namespace: 'dev',
      generation,
      annotations: {
        'fluxcd.io/automated': 'true',
        'filter.fluxcd.io/chart-image': 'glob:dev-*',
      },
    },
    spec: structuredClone(desired.spec),
    status: {
      observedGeneration: 2,
      phase: 'Succeeded',
      releaseName: 'podinfo-dev',
      releaseStatus: 'deployed',
      revision: '8b3c1c2e8d6f4f1ab9e2b7a1f0c3d4e5f6a7b8c9',
      lastAttemptedRevision: '8b3c1c2e8d6f4f1ab9e2b7a1f0c3d4e5f6a7b8c9',
      rollbackCount: 0,
      conditions: [
        {
          type: 'ChartFetched',
          status: 'True',
          lastTransitionTime: '2020-03-11T10:05:40Z',
          lastUpdateTime: '2020-03-11T10:05:40Z',
          reason: 'GitRepoCloned',
          message:
            'successfully cloned chart revision: 8b3c1c2e8d6f4f1ab9e2b7a1f0c3d4e5f6a7b8c9',
        },
        {
          type: 'Released',
          status: 'True',
          lastTransitionTime: '2020-03-11T10:05:48Z',
          lastUpdateTime: '2020-03-11T10:05:48Z',
          reason: 'Succeeded',
          message:
            "Release was successful for Helm release 'podinfo-dev' in 'dev'.",
        },
      ],
      ...status,
    },
  };
}

/** The seed's podinfo-dev history after the chart bump to 0.2.1. */
export function podinfoDevHistory(): HelmRevision[] {
  const values = {
    image: { repository: 'stefanprodan/podinfo', tag: 'dev-a1b2c3d4' },
    replicaCount: 1,
  };
  const base = {
    name: 'podinfo-dev',
    namespace: 'dev',
    chartName: 'podinfo',
    appVersion: '3.1.0',
    firstDeployed: '2020-03-11T09:42:31.419Z',
  };
  return [
    {
      ...base,
      revision: 1,
      status: 'superseded',
      chartVersion: '0.2.0',
      description: 'Install complete',
      lastDeployed: '2020-03-11T09:42:31.419Z',
      values: { ...values, image: { ...values.image, tag: 'dev-kb9lm91e' } },
    },
    {
      ...base,
      revision: 2,
      status: 'superseded',
      chartVersion: '0.2.0',
      description: 'Upgrade complete',
      lastDeployed: '2020-03-11T09:51:02.038Z',
      values,
    },
    {
      ...base,
      revision: 3,
      status: 'deployed',
      chartVersion: '0.2.1',
      description: 'Upgrade complete',
      lastDeployed: '2020-03-11T10:05:47.901Z',
      values,
    },
  ];
}

/** A Flux v2 HelmRelease for podinfo from a HelmRepository, as in git. */
export function podinfoProdDesired(
  values: Record<string, unknown> = { replicaCount: 2 },
  version = '6.x',
): DesiredRelease {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    namespace: 'prod',
    name: 'podinfo',
    releaseName: 'podinfo',
    chartVersion: version,
    values,
    spec: {
      interval: '10m',
      chart: {
        spec: {
          chart: 'podinfo',
          version,
          sourceRef: { kind: 'HelmRepository', name: 'podinfo' },
        },
      },
      values,
    },
  };
}

type Condition = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime?: string;
};

/** A Ready release that helm-controller is reconciling again (kstatus). */
export function readyWhileReconciling(message: string): Condition[] {
  return [
    {
      type: 'Ready',
      status: 'True',
      reason: 'UpgradeSucceeded',
      message: 'ok',
    },
    { type: 'Reconciling', status: 'True', reason: 'Progressing', message },
  ];
}

/** What helm-controller v1.x leaves on a v2 HelmRelease. */
export function podinfoProdLive(
  desired: DesiredRelease,
  conditions: Condition[] = [
    {
      type: 'Ready',
      status: 'True',
      reason: 'UpgradeSucceeded',
      message:
        'Helm upgrade succeeded for release prod/podinfo.v4 with chart podinfo@6.5.4',
    },
    {
      type: 'Released',
      status: 'True',
      reason: 'UpgradeSucceeded',
      message:
        'Helm upgrade succeeded for release prod/podinfo.v4 with chart podinfo@6.5.4',
    },
  ],
  generations: { generation: number; observed: number } = {
    generation: 4,
    observed: 4,
  },
): LiveHelmRelease {
  const spec = structuredClone(desired.spec) as {
    chart: { spec: Record<string, unknown> };
  };
  // Defaults the API server adds from the CRD schema.
  spec.chart.spec.reconcileStrategy = 'ChartVersion';
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    metadata: {
      name: 'podinfo',
      namespace: 'prod',
      generation: generations.generation,
    },
    spec,
    status: {
      observedGeneration: generations.observed,
      lastAttemptedGeneration: generations.observed,
      lastAttemptedRevision: '6.5.4',
      lastAttemptedReleaseAction: 'upgrade',
      lastAttemptedConfigDigest:
        'sha256:1dabc4e3cbbd6a0818bd460f3a6c9855bfe95d506c74726bc0f2edb0aecb1f4e',
      helmChart: 'prod/prod-podinfo',
      storageNamespace: 'prod',
      history: [
        {
          name: 'podinfo',
          namespace: 'prod',
          version: 4,
          status: 'deployed',
          chartName: 'podinfo',
          chartVersion: '6.5.4',
          appVersion: '6.5.4',
          firstDeployed: '2024-05-02T08:00:00Z',
          lastDeployed: '2024-05-06T09:30:00Z',
          digest:
            'sha256:e9a3bc7a0b1c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6',
          configDigest:
            'sha256:1dabc4e3cbbd6a0818bd460f3a6c9855bfe95d506c74726bc0f2edb0aecb1f4e',
        },
      ],
      conditions: conditions.map(c => ({
        lastTransitionTime: '2024-05-06T09:30:05Z',
        observedGeneration: generations.observed,
        ...c,
      })),
    },
  };
}

/** podinfo in prod: installed at 6.5.3, upgraded to 6.5.4. */
export function podinfoProdHistory(
  values: Record<string, unknown> = { replicaCount: 2 },
): HelmRevision[] {
  const base = {
    name: 'podinfo',
    namespace: 'prod',
    chartName: 'podinfo',
    firstDeployed: '2024-05-02T08:00:00.000Z',
    values,
  };
  return [
    {
      ...base,
      revision: 3,
      status: 'superseded',
      chartVersion: '6.5.3',
      appVersion: '6.5.3',
      description: 'Upgrade complete',
      lastDeployed: '2024-05-03T12:00:00.000Z',
    },
    {
      ...base,
      revision: 4,
      status: 'deployed',
      chartVersion: '6.5.4',
      appVersion: '6.5.4',
      description: 'Upgrade complete',
      lastDeployed: '2024-05-06T09:30:00.000Z',
    },
  ];
}
