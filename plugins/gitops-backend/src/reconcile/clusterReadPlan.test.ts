import { ReleaseRecord } from '../database/SyncStateStore';
import { applyLanes } from './applyLane';
import { planClusterRead } from './clusterReadPlan';

function release(
  environment: string,
  name: string,
  fields: {
    apiVersion?: string;
    namespace?: string;
    releaseName?: string;
    spec?: Record<string, unknown>;
  } = {},
): ReleaseRecord {
  return {
    repository: 'config',
    environment,
    namespace: fields.namespace ?? environment,
    name,
    releaseName: fields.releaseName ?? name,
    apiVersion: fields.apiVersion ?? 'helm.toolkit.fluxcd.io/v2',
    spec: fields.spec ?? {},
  } as ReleaseRecord;
}

const lanes = (owned: Record<string, string[]>) =>
  applyLanes(
    Object.entries(owned).map(([name, namespaces]) => ({
      name,
      namespaces,
      clusterScopedKinds: [],
    })),
  );

describe('planClusterRead', () => {
  it("lists a release's own and storage namespaces when its environment owns them", () => {
    const plan = planClusterRead(
      [
        release('dev', 'web'),
        release('dev', 'api', { spec: { storageNamespace: 'dev-helm' } }),
        release('dev', 'v1', {
          apiVersion: 'helm.fluxcd.io/v1',
          spec: { targetNamespace: 'dev-apps' },
        }),
      ],
      lanes({ dev: ['dev', 'dev-helm', 'dev-apps'] }),
    );
    expect(plan.refused).toEqual(new Map());
    expect([...plan.namespaces].sort()).toEqual([
      'dev',
      'dev-apps',
      'dev-helm',
    ]);
    expect([...plan.helmReleases].sort()).toEqual([
      'dev-apps/v1',
      'dev-helm/api',
      'dev/web',
    ]);
  });

  it('refuses a release whose namespace, storage or target lies outside its environment, reading nothing for it', () => {
    const plan = planClusterRead(
      [
        release('dev', 'a', { spec: { storageNamespace: 'kube-system' } }),
        release('dev', 'b', { spec: { targetNamespace: 'prod' } }),
        release('dev', 'c', { namespace: 'prod' }),
        release('dev', 'd', {
          apiVersion: 'helm.fluxcd.io/v1',
          spec: { targetNamespace: 'kube-system' },
        }),
      ],
      lanes({ dev: ['dev'], prod: ['prod'] }),
    );
    expect(plan.namespaces.size).toBe(0);
    expect(plan.helmReleases.size).toBe(0);
    expect(Object.fromEntries(plan.refused)).toEqual({
      'dev/dev/a':
        'not read from the cluster: Helm stores it in namespace kube-system, which environment dev does not own (gitops.environments[].namespaces)',
      'dev/dev/b':
        'not read from the cluster: it deploys to namespace prod, which environment dev does not own (gitops.environments[].namespaces)',
      'dev/prod/c':
        'not read from the cluster: it is in namespace prod, which environment dev does not own (gitops.environments[].namespaces)',
      'dev/dev/d':
        'not read from the cluster: Helm stores it in namespace kube-system, which environment dev does not own (gitops.environments[].namespaces)',
    });
  });

  it('refuses a namespace two environments claim, for both', () => {
    const plan = planClusterRead(
      [
        release('dev', 'web', { namespace: 'shared' }),
        release('stg', 'web', { namespace: 'shared' }),
      ],
      lanes({ dev: ['dev', 'shared'], stg: ['stg', 'shared'] }),
    );
    expect(plan.namespaces.size).toBe(0);
    expect([...plan.refused.values()]).toEqual([
      expect.stringContaining(
        'namespace shared, which environments dev and stg both claim',
      ),
      expect.stringContaining(
        'namespace shared, which environments dev and stg both claim',
      ),
    ]);
  });

  it('refuses two releases that name one Helm release, neither read', () => {
    const plan = planClusterRead(
      [
        release('dev', 'web', {
          namespace: 'dev-a',
          releaseName: 'web',
          spec: { storageNamespace: 'dev' },
        }),
        release('dev', 'copy', {
          namespace: 'dev-b',
          releaseName: 'web',
          spec: { storageNamespace: 'dev' },
        }),
        release('dev', 'api'),
      ],
      lanes({ dev: ['dev', 'dev-a', 'dev-b'] }),
    );
    expect([...plan.helmReleases]).toEqual(['dev/api']);
    expect(plan.refused.get('dev/dev-b/copy')).toBe(
      'not read from the cluster: HelmReleases dev/dev-a/web and dev/dev-b/copy name the same Helm release web in namespace dev',
    );
    expect(plan.refused.has('dev/dev-a/web')).toBe(true);
  });
});
