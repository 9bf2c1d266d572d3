import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  GITOPS_ANNOTATION_ENTITY,
  KUBERNETES_ID_ANNOTATION,
  parseGitopsReleaseRef,
} from '@backstage-gitops/plugin-gitops-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ReleaseRecord, SyncStateStore } from '../database';
import { GitopsReleasePermissionResource } from './resource';

function fullRef(
  ref: string,
  defaults?: { defaultKind: string; defaultNamespace: string },
) {
  try {
    return stringifyEntityRef(parseEntityRef(ref, defaults));
  } catch {
    return undefined;
  }
}

/**
 * The owners of an entity as full refs: `spec.owner` (a group unless it
 * names a kind, in the entity's namespace unless it names one) and the
 * `ownedBy` relations the catalog derived.
 */
export function ownersOf(entity: Entity): string[] {
  const owners = new Map<string, string>();
  const add = (ref: string | undefined) => {
    if (ref) owners.set(ref.toLocaleLowerCase('en-US'), ref);
  };
  const specOwner = entity.spec?.owner;
  if (typeof specOwner === 'string' && specOwner) {
    add(
      fullRef(specOwner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  }
  for (const relation of entity.relations ?? []) {
    if (relation.type === RELATION_OWNED_BY) add(relation.targetRef);
  }
  return [...owners.values()];
}

/** How many kubernetes-ids one catalog query asks about, to keep its URL short. */
const KUBERNETES_IDS_PER_QUERY = 50;

const OWNER_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
  'spec.owner',
  'relations',
];

/** The entities of these full refs that the catalog has, by ref. */
export async function entitiesByRef(
  catalog: CatalogService,
  entityRefs: string[],
  credentials: BackstageCredentials,
): Promise<Map<string, Entity>> {
  const result = new Map<string, Entity>();
  if (entityRefs.length === 0) return result;
  const { items } = await catalog.getEntitiesByRefs(
    { entityRefs, fields: OWNER_FIELDS },
    { credentials },
  );
  items.forEach((entity, index) => {
    if (entity) result.set(entityRefs[index], entity);
  });
  return result;
}

/** The one entity claiming each id; ids claimed twice or never are left out. */
export async function soleClaimants(
  catalog: CatalogService,
  kubernetesIds: string[],
  credentials: BackstageCredentials,
): Promise<Map<string, Entity>> {
  const claimants = new Map<string, Entity[]>();
  for (let i = 0; i < kubernetesIds.length; i += KUBERNETES_IDS_PER_QUERY) {
    const ids = kubernetesIds.slice(i, i + KUBERNETES_IDS_PER_QUERY);
    const { items } = await catalog.getEntities(
      {
        filter: { [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]: ids },
        fields: OWNER_FIELDS,
      },
      { credentials },
    );
    for (const entity of items) {
      // The catalog matches without regard to case; so do the claims.
      const claim =
        entity.metadata.annotations?.[
          KUBERNETES_ID_ANNOTATION
        ]?.trim().toLocaleLowerCase('en-US');
      if (!claim) continue;
      claimants.set(claim, [...(claimants.get(claim) ?? []), entity]);
    }
  }
  const result = new Map<string, Entity>();
  for (const id of kubernetesIds) {
    const claims = claimants.get(id.toLocaleLowerCase('en-US')) ?? [];
    const only = claims.length === 1 ? claims[0] : undefined;
    if (only?.metadata.annotations?.[KUBERNETES_ID_ANNOTATION]?.trim() === id) {
      result.set(id, only);
    }
  }
  return result;
}

/**
 * What the config repository says a release belongs to: the entity its
 * `gitops.backstage.io/entity` annotation names, or else the kubernetes-id
 * its `backstage.io/kubernetes-id` label carries. A named entity that does
 * not parse links to nothing rather than falling back to the label.
 */
export type ReleaseEntityLink =
  | { entityRef: string }
  | { kubernetesId: string }
  | undefined;

export function releaseEntityLink(
  release: Pick<ReleaseRecord, 'annotations' | 'labels'>,
): ReleaseEntityLink {
  const named = release.annotations[GITOPS_ANNOTATION_ENTITY]?.trim();
  if (named) {
    const entityRef = fullRef(named, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
    return entityRef ? { entityRef } : undefined;
  }
  const kubernetesId = release.labels[KUBERNETES_ID_ANNOTATION]?.trim();
  return kubernetesId ? { kubernetesId } : undefined;
}

/**
 * Makes the `getResources` of the release resource type. A release that is
 * not in the store loads as undefined, which the framework denies.
 *
 * Owners come from the release side only: an entity's own annotations
 * (helm-chart, image, release-selector) are written by that entity's
 * owners, so they show releases on its page but grant nothing. The entity
 * a request names in its resourceRef is ignored here for the same reason.
 * The catalog is asked with the plugin's own credentials, as a claim must
 * count even where the caller cannot see the entity making it.
 */
export function createReleaseResourceLoader(options: {
  syncStateStore: Pick<SyncStateStore, 'getRelease'>;
  catalog: CatalogService;
  auth: AuthService;
}): (
  refs: string[],
) => Promise<Array<GitopsReleasePermissionResource | undefined>> {
  const { syncStateStore, catalog, auth } = options;
  return async function getResources(refs) {
    const keys = refs.map(parseGitopsReleaseRef);
    const records = await Promise.all(
      keys.map(key =>
        key
          ? syncStateStore.getRelease({
              environment: key.environment,
              namespace: key.namespace,
              name: key.name,
            })
          : undefined,
      ),
    );
    const links = records.map(record =>
      record ? releaseEntityLink(record) : undefined,
    );
    const named = new Set<string>();
    const kubernetesIds = new Set<string>();
    for (const link of links) {
      if (link && 'entityRef' in link) named.add(link.entityRef);
      if (link && 'kubernetesId' in link) kubernetesIds.add(link.kubernetesId);
    }
    const credentials = await auth.getOwnServiceCredentials();
    const [byRef, byKubernetesId] = await Promise.all([
      entitiesByRef(catalog, [...named], credentials),
      soleClaimants(catalog, [...kubernetesIds], credentials),
    ]);
    return records.map((record, index) => {
      if (!record) return undefined;
      const link = links[index];
      let entity;
      if (link) {
        entity =
          'entityRef' in link
            ? byRef.get(link.entityRef)
            : byKubernetesId.get(link.kubernetesId);
      }
      const resource: GitopsReleasePermissionResource = {
        environment: record.environment,
        namespace: record.namespace,
        name: record.name,
        owners: entity ? ownersOf(entity) : [],
      };
      if (entity) resource.entityRef = stringifyEntityRef(entity);
      return resource;
    });
  };
}
