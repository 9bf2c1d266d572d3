import {
  isUnderUpdatePath,
  readImagePolicy,
  readImageRepository,
  readImageUpdateAutomation,
} from './fluxImageObjects';

const object = (
  apiVersion: string,
  kind: string,
  spec: Record<string, unknown>,
) => ({
  apiVersion,
  kind,
  namespace: 'flux-system',
  name: 'podinfo',
  spec,
});

const SERVED = ['v1', 'v1beta2', 'v1beta1'];

describe('Flux image automation objects', () => {
  it.each(SERVED)(
    'reads an ImageRepository at image.toolkit.fluxcd.io/%s',
    version => {
      const read = readImageRepository(
        object(`image.toolkit.fluxcd.io/${version}`, 'ImageRepository', {
          image: 'ghcr.io/stefanprodan/podinfo',
          exclusionList: ['^dev-'],
          secretRef: { name: 'ignored' },
        }),
      );
      if (!read.ok) throw new Error(read.error);
      expect(read.value.image).toEqual({
        registry: 'ghcr.io',
        repository: 'stefanprodan/podinfo',
      });
      expect(read.value.exclusionList).toEqual(['^dev-']);
      expect(read.value.excludes('dev-1')).toBe(true);
      // The spec's own list replaces the default.
      expect(read.value.excludes('6.5.1.sig')).toBe(false);
    },
  );

  it("excludes signatures by Flux's default when the list is unset", () => {
    const read = readImageRepository(
      object('image.toolkit.fluxcd.io/v1', 'ImageRepository', {
        image: 'org/app',
      }),
    );
    if (!read.ok) throw new Error(read.error);
    expect(read.value.image).toEqual({ repository: 'org/app' });
    expect(read.value.excludes('6.5.1.sig')).toBe(true);
  });

  it('refuses an image with a tag, a bad exclusion pattern and an unserved version', () => {
    const v1 = (spec: Record<string, unknown>) =>
      readImageRepository(
        object('image.toolkit.fluxcd.io/v1', 'ImageRepository', spec),
      );
    expect(v1({ image: 'org/app:1.0' })).toEqual({
      ok: false,
      error:
        'ImageRepository flux-system/podinfo: spec.image "org/app:1.0" must name an image without a tag or digest',
    });
    expect(v1({ image: 'org/app', exclusionList: ['(?!x)'] }).ok).toBe(false);
    expect(
      readImageRepository(
        object('image.toolkit.fluxcd.io/v1alpha1', 'ImageRepository', {
          image: 'a/b',
        }),
      ).ok,
    ).toBe(false);
  });

  it.each(SERVED)(
    'reads each ImagePolicy kind at image.toolkit.fluxcd.io/%s',
    version => {
      const policy = (spec: Record<string, unknown>) => {
        const read = readImagePolicy(
          object(`image.toolkit.fluxcd.io/${version}`, 'ImagePolicy', {
            imageRepositoryRef: { name: 'podinfo' },
            ...spec,
          }),
        );
        if (!read.ok) throw new Error(read.error);
        return read.value;
      };
      const semver = policy({
        policy: { semver: { range: '>=6.0.0-0 <7.0.0' } },
      });
      expect(semver.imageRepositoryRef).toEqual({
        namespace: 'flux-system',
        name: 'podinfo',
      });
      expect(semver.definition).toEqual({
        policy: { kind: 'semver-strict', range: '>=6.0.0-0 <7.0.0' },
      });
      expect(
        policy({ policy: { alphabetical: { order: 'desc' } } }).definition
          .policy,
      ).toEqual({
        kind: 'alphabetical',
        order: 'desc',
      });
      expect(
        policy({
          policy: { numerical: {} },
          filterTags: {
            pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)',
            extract: '$ts',
          },
        }).definition,
      ).toEqual({
        policy: { kind: 'numerical', order: 'asc' },
        filter: { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts' },
      });
    },
  );

  it('refuses a policy with no kind, two kinds, a bad range or order', () => {
    const errorOf = (spec: Record<string, unknown>) => {
      const read = readImagePolicy(
        object('image.toolkit.fluxcd.io/v1', 'ImagePolicy', {
          imageRepositoryRef: { name: 'p' },
          ...spec,
        }),
      );
      return read.ok ? undefined : read.error;
    };
    expect(errorOf({ policy: {} })).toMatch(
      /exactly one of semver, alphabetical and numerical/,
    );
    expect(
      errorOf({ policy: { semver: { range: '1' }, numerical: {} } }),
    ).toMatch(/exactly one/);
    expect(
      errorOf({ policy: { semver: { range: 'not a range' } } }),
    ).toBeDefined();
    expect(errorOf({ policy: { numerical: { order: 'up' } } })).toMatch(
      /asc or desc/,
    );
  });

  it.each(SERVED)(
    'reads an ImageUpdateAutomation at image.toolkit.fluxcd.io/%s',
    version => {
      const read = readImageUpdateAutomation(
        object(`image.toolkit.fluxcd.io/${version}`, 'ImageUpdateAutomation', {
          sourceRef: { kind: 'GitRepository', name: 'flux-system' },
          git: {
            checkout: { ref: { branch: 'main' } },
            commit: {
              author: {
                name: 'fluxcdbot',
                email: 'fluxcdbot@users.noreply.github.com',
              },
              messageTemplate: 'Update staging images',
            },
            push: { branch: 'image-updates' },
          },
          update: { path: './apps/staging/', strategy: 'Setters' },
        }),
      );
      if (!read.ok) throw new Error(read.error);
      expect(read.value).toEqual({
        namespace: 'flux-system',
        name: 'podinfo',
        sourceRef: {
          kind: 'GitRepository',
          name: 'flux-system',
          namespace: 'flux-system',
        },
        checkoutBranch: 'main',
        author: {
          name: 'fluxcdbot',
          email: 'fluxcdbot@users.noreply.github.com',
        },
        messageTemplate: 'Update staging images',
        pushBranch: 'image-updates',
        updatePath: 'apps/staging',
      });
    },
  );

  it('reads the whole repository as the update path when unset, and refuses leaving it', () => {
    const read = readImageUpdateAutomation(
      object('image.toolkit.fluxcd.io/v1', 'ImageUpdateAutomation', {}),
    );
    expect(read.ok && read.value.updatePath).toBe('');
    expect(
      readImageUpdateAutomation(
        object('image.toolkit.fluxcd.io/v1', 'ImageUpdateAutomation', {
          update: { path: '../x' },
        }),
      ).ok,
    ).toBe(false);
    expect(isUnderUpdatePath('', 'apps/x.yaml')).toBe(true);
    expect(isUnderUpdatePath('apps/staging', 'apps/staging/values.yaml')).toBe(
      true,
    );
    expect(
      isUnderUpdatePath('apps/staging', 'apps/staging-eu/values.yaml'),
    ).toBe(false);
  });
});
