import { PermissionRuleParams } from '@backstage/plugin-permission-common';
import {
  createPermissionRule,
  CreatePermissionRuleOptions,
} from '@backstage/plugin-permission-node';
import { gitopsReleaseResourceRef } from './resource';

type ParamsSchema<TParams extends PermissionRuleParams> = NonNullable<
  CreatePermissionRuleOptions<
    typeof gitopsReleaseResourceRef,
    TParams
  >['paramsSchema']
>;

/**
 * A Standard Schema for `{ [key]: string[] }`. Both rules take one list of
 * strings; writing the schema out spares the plugin a schema library, and
 * still lets the permission framework reject malformed conditions and
 * publish the parameters in its metadata.
 */
function stringListParams<TKey extends string>(
  key: TKey,
  description: string,
): ParamsSchema<Record<TKey, string[]>> {
  const jsonSchema = () => ({
    type: 'object',
    properties: {
      [key]: { type: 'array', items: { type: 'string' }, description },
    },
    required: [key],
    additionalProperties: false,
  });
  return {
    '~standard': {
      version: 1,
      vendor: 'gitops',
      validate(value: unknown) {
        const list =
          typeof value === 'object' && value !== null
            ? (value as Record<string, unknown>)[key]
            : undefined;
        if (
          !Array.isArray(list) ||
          list.some(item => typeof item !== 'string')
        ) {
          return {
            issues: [
              { message: `${key} must be a list of strings`, path: [key] },
            ],
          };
        }
        return { value: { [key]: list } as Record<TKey, string[]> };
      },
      jsonSchema: { input: jsonSchema, output: jsonSchema },
    },
  };
}

/** Entity refs compare case-insensitively throughout Backstage. */
const normalizeRef = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * True for a release in one of the given environments (names as in
 * `gitops.environments`).
 *
 * @public
 */
export const isInEnvironment = createPermissionRule({
  name: 'IS_IN_ENVIRONMENT',
  description: 'Allow releases in one of the given environments',
  resourceRef: gitopsReleaseResourceRef,
  paramsSchema: stringListParams(
    'environments',
    'Names of gitops environments, such as prod',
  ),
  apply: (release, { environments }) =>
    environments.includes(release.environment),
  toQuery: ({ environments }) => ({
    property: 'environment',
    values: environments,
  }),
});

/**
 * True when the catalog entity the release belongs to, as the config
 * repository says (the resource's `entityRef`),
 * is owned by one of the claims, typically the user's
 * `ownershipEntityRefs`. An entity's own annotations never make its owners
 * owners of a release.
 *
 * @public
 */
export const isEntityOwner = createPermissionRule({
  name: 'IS_ENTITY_OWNER',
  description:
    'Allow releases whose catalog entity is owned by one of the given refs',
  resourceRef: gitopsReleaseResourceRef,
  paramsSchema: stringListParams(
    'claims',
    'Entity refs of owners, such as group:default/team-a',
  ),
  apply: (release, { claims }) => {
    const wanted = new Set(claims.map(normalizeRef));
    return release.owners.some(owner => wanted.has(normalizeRef(owner)));
  },
  toQuery: ({ claims }) => ({ property: 'owners', values: claims }),
});

/**
 * The permission rules of the gitops release resource.
 *
 * @public
 */
export const gitopsReleasePermissionRules = { isInEnvironment, isEntityOwner };
