import { Entity } from '@backstage/catalog-model';
import { ReleaseRecord, SyncStateStore } from '../../database/SyncStateStore';
import {
  chartRelease,
  storeFirstSync,
} from '../../__testUtils__/releaseRecord';

/**
 * Test data of the permission tests: two charts, each with its component.
 * podinfo's releases name their entity; billing's carry a kubernetes-id
 * that only the billing component claims.
 */
export function release(environment: string, chartName: string): ReleaseRecord {
  return chartRelease(
    environment,
    chartName,
    chartName === 'podinfo'
      ? {
          annotations: {
            'gitops.backstage.io/entity': 'component:default/podinfo',
          },
        }
      : { labels: { 'backstage.io/kubernetes-id': chartName } },
  );
}

export async function seedReleases(syncStateStore: SyncStateStore) {
  await syncStateStore.ensureRepository({
    id: 'config',
    url: 'file:///c.git',
    branch: 'main',
  });
  await storeFirstSync(syncStateStore, [
    release('dev', 'podinfo'),
    release('prod', 'podinfo'),
    release('dev', 'billing'),
  ]);
}

function component(
  name: string,
  owner: string,
  relationOwner?: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'gitops.backstage.io/helm-chart': name,
        'backstage.io/kubernetes-id': name,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner },
    ...(relationOwner
      ? { relations: [{ type: 'ownedBy', targetRef: relationOwner }] }
      : {}),
  };
}

/** podinfo is owned through spec.owner only, billing through a relation too. */
export const podinfoComponent = component('podinfo', 'podinfo-team');
export const billingComponent = component(
  'billing',
  'group:default/billing-team',
  'user:default/jane',
);
export const unrelatedComponent: Entity = {
  ...component('docs', 'user:default/mallory'),
  metadata: { name: 'docs', namespace: 'default' },
};

/**
 * The attack: a component its owner registered, annotated to select
 * billing's and podinfo's releases every way an entity can.
 */
export const claimingComponent: Entity = {
  ...component('tools', 'group:default/mallory-team'),
  metadata: {
    name: 'tools',
    namespace: 'default',
    annotations: {
      'gitops.backstage.io/helm-chart': 'billing,podinfo',
      'gitops.backstage.io/image': 'org/billing',
      'gitops.backstage.io/release-selector': 'app=billing',
    },
  },
};

/** A second claim on billing's kubernetes-id, which voids both. */
export const kubernetesIdSquatter: Entity = {
  ...component('billing-copy', 'group:default/mallory-team'),
  metadata: {
    name: 'billing-copy',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'billing' },
  },
};
