import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { parseGitopsReleaseRef } from '@backstage-gitops/plugin-gitops-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { GitopsStore, ReleaseKey } from '../database/GitopsStore';
import { releaseMatchFor } from '../service/entityMatch';
import { GitopsReleasePermissionResource } from './resource';

const keyText = (r: ReleaseKey) => `${r.environment}/${r.namespace}/${r.name}`;

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

type EntityOwnership = {
  owners: string[];
  /** Keys of the releases the entity's annotations select. */
  releases: Set<string>;
};

/**
 * Makes the `getResources` of the release resource type. A release that is
 * not in the store loads as undefined, which the framework denies.
 *
 * The entityRef comes from the caller, so an entity's owners count only for
 * the releases that entity actually selects: naming an entity one owns must
 * not open someone else's release.
 */
export function createReleaseResourceLoader(options: {
  store: Pick<GitopsStore, 'getRelease' | 'findReleases'>;
  catalog: CatalogService;
  auth: AuthService;
}): (
  refs: string[],
) => Promise<Array<GitopsReleasePermissionResource | undefined>> {
  const { store, catalog, auth } = options;

  async function ownershipOf(entityRefs: string[]) {
    const result = new Map<string, EntityOwnership>();
    if (entityRefs.length === 0) return result;
    const { items } = await catalog.getEntitiesByRefs(
      {
        entityRefs,
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
          'spec.owner',
          'relations',
        ],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    await Promise.all(
      items.map(async (entity, index) => {
        if (!entity) return;
        let releases: Set<string>;
        try {
          releases = new Set(
            (await store.findReleases(releaseMatchFor(entity))).map(keyText),
          );
        } catch {
          // A malformed selector annotation selects nothing.
          releases = new Set();
        }
        result.set(entityRefs[index], { owners: ownersOf(entity), releases });
      }),
    );
    return result;
  }

  return async function getResources(refs) {
    const parsed = refs.map(ref => {
      const release = parseGitopsReleaseRef(ref);
      if (!release) return undefined;
      const entityRef = release.entityRef
        ? fullRef(release.entityRef)
        : undefined;
      return { release, entityRef };
    });
    const entityRefs = [
      ...new Set(parsed.flatMap(p => (p?.entityRef ? [p.entityRef] : []))),
    ];
    const [ownership, records] = await Promise.all([
      ownershipOf(entityRefs),
      Promise.all(
        parsed.map(p =>
          p
            ? store.getRelease({
                environment: p.release.environment,
                namespace: p.release.namespace,
                name: p.release.name,
              })
            : undefined,
        ),
      ),
    ]);
    return parsed.map((p, index) => {
      if (!p || !records[index]) return undefined;
      const { environment, namespace, name, entityRef } = p.release;
      const entity = p.entityRef ? ownership.get(p.entityRef) : undefined;
      const owners = entity?.releases.has(keyText(p.release))
        ? entity.owners
        : [];
      return {
        environment,
        namespace,
        name,
        ...(entityRef ? { entityRef } : {}),
        owners,
      };
    });
  };
}
