import { GitopsReleasePermissionResource } from './resource';
import { isEntityOwner, isInEnvironment } from './rules';

const release = (
  overrides: Partial<GitopsReleasePermissionResource> = {},
): GitopsReleasePermissionResource => ({
  environment: 'prod',
  namespace: 'prod',
  name: 'podinfo-prod',
  entityRef: 'component:default/podinfo',
  owners: ['group:default/podinfo-team'],
  ...overrides,
});

describe('isInEnvironment', () => {
  it('matches the release environment against the list', () => {
    expect(
      isInEnvironment.apply(release(), { environments: ['stg', 'prod'] }),
    ).toBe(true);
    expect(isInEnvironment.apply(release(), { environments: ['dev'] })).toBe(
      false,
    );
    expect(isInEnvironment.apply(release(), { environments: [] })).toBe(false);
  });

  it('describes its criteria as a query', () => {
    expect(isInEnvironment.toQuery({ environments: ['prod'] })).toEqual({
      property: 'environment',
      values: ['prod'],
    });
  });
});

describe('isEntityOwner', () => {
  it('is true when a claim is among the owners', () => {
    expect(
      isEntityOwner.apply(release(), {
        claims: ['user:default/jane', 'group:default/podinfo-team'],
      }),
    ).toBe(true);
  });

  it('compares refs without regard to case', () => {
    expect(
      isEntityOwner.apply(release({ owners: ['group:default/Podinfo-Team'] }), {
        claims: ['group:default/podinfo-team'],
      }),
    ).toBe(true);
  });

  it('is false for claims that own nothing here', () => {
    expect(
      isEntityOwner.apply(release(), {
        claims: ['user:default/jane', 'group:default/other'],
      }),
    ).toBe(false);
  });

  it('is false for a release without an entity, whose owners are empty', () => {
    expect(
      isEntityOwner.apply(release({ entityRef: undefined, owners: [] }), {
        claims: ['group:default/podinfo-team'],
      }),
    ).toBe(false);
  });
});

describe('rule parameters', () => {
  const validate = (value: unknown) =>
    (isEntityOwner.paramsSchema as any)['~standard'].validate(value);

  it('accepts a list of strings and refuses anything else', () => {
    expect(validate({ claims: ['group:default/a'] })).toEqual({
      value: { claims: ['group:default/a'] },
    });
    expect(validate({ claims: 'group:default/a' }).issues).toHaveLength(1);
    expect(validate({ claims: [1] }).issues).toHaveLength(1);
    expect(validate(undefined).issues).toHaveLength(1);
  });

  it('publishes a JSON schema of the parameters', () => {
    const schema = (isInEnvironment.paramsSchema as any)[
      '~standard'
    ].jsonSchema.input({
      target: 'draft-07',
    });
    expect(schema).toMatchObject({
      type: 'object',
      required: ['environments'],
      properties: {
        environments: { type: 'array', items: { type: 'string' } },
      },
    });
  });
});
