import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import { ClusterApi, FluxObjectList } from '../cluster';
import { ClusterEnvironmentSettings } from './applyEnvironments';
import { readEnvironmentFluxStatuses } from './kustomizationStatus';

const applied = (name: string) =>
  new Map<string, ClusterEnvironmentSettings>([
    [name, { apply: true, prune: false }],
  ]);

const at = new Date('2026-11-30T10:00:00Z');

const kustomization = (
  namespace: string,
  name: string,
  path: string,
  sha: string,
) => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { namespace, name },
  spec: { path },
  status: { lastAppliedRevision: `main@sha1:${sha}` },
});

function clusterListing(list: FluxObjectList) {
  const listFluxObjects = jest.fn(async () => list);
  return { api: { listFluxObjects } as unknown as ClusterApi, listFluxObjects };
}

const environment = (
  name: string,
  path: string,
  extra: Partial<GitopsEnvironment> = {},
): GitopsEnvironment => ({
  name,
  repository: 'fleet',
  path,
  cluster: 'prod-eu',
  order: 1,
  ...extra,
});

describe('readEnvironmentFluxStatuses', () => {
  const items = [
    kustomization('flux-system', 'apps-b', 'apps/production/', 'bbbbbbbb'),
    kustomization('flux-system', 'apps-a', './apps/production', 'aaaaaaaa'),
    kustomization('team', 'named', './somewhere/else', 'cccccccc'),
  ];

  it('finds the Kustomization git names, else the first whose path is the folder', async () => {
    const { api, listFluxObjects } = clusterListing({
      served: true,
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      items,
    });
    const statuses = await readEnvironmentFluxStatuses({
      cluster: 'prod-eu',
      api,
      environments: [
        environment('production', 'apps/production'),
        environment('canary', 'apps/canary', {
          kustomization: { namespace: 'team', name: 'named' },
        }),
        environment('applied-by-us', 'apps/us'),
      ],
      settings: applied('applied-by-us'),
      previous: async () => [],
      at,
    });
    expect(
      statuses.map(s => [
        s.environment,
        s.kustomization?.name,
        s.kustomization?.appliedCommit,
      ]),
    ).toEqual([
      ['production', 'apps-a', 'aaaaaaaa'],
      ['canary', 'named', 'cccccccc'],
    ]);
    // One list for the whole cluster.
    expect(listFluxObjects).toHaveBeenCalledTimes(1);
    expect(listFluxObjects).toHaveBeenCalledWith('Kustomization');
  });

  it('names a Kustomization git names that the cluster lacks', async () => {
    const { api } = clusterListing({
      served: true,
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      items,
    });
    const [status] = await readEnvironmentFluxStatuses({
      cluster: 'prod-eu',
      api,
      environments: [
        environment('staging', 'apps/staging', {
          kustomization: { namespace: 'flux-system', name: 'gone' },
        }),
      ],
      settings: new Map(),
      previous: async () => [],
      at,
    });
    expect(status).toEqual({
      environment: 'staging',
      cluster: 'prod-eu',
      problem: 'Kustomization flux-system/gone not found in the cluster',
      observedAt: at.toISOString(),
    });
  });

  it('asks nothing when every environment is applied by the plugin and names no Kustomization', async () => {
    const { api, listFluxObjects } = clusterListing({ served: false });
    expect(
      await readEnvironmentFluxStatuses({
        cluster: 'prod-eu',
        api,
        environments: [environment('dev', 'releases/dev')],
        settings: applied('dev'),
        previous: async () => [],
        at,
      }),
    ).toEqual([]);
    expect(listFluxObjects).not.toHaveBeenCalled();
  });
});
