import { fluxVersionsOf, readFluxObjectType } from './fluxKinds';

describe('readFluxObjectType', () => {
  it('reads every served version of the image, kustomize and source kinds', () => {
    for (const version of ['v1', 'v1beta2', 'v1beta1']) {
      expect(
        readFluxObjectType(`image.toolkit.fluxcd.io/${version}`, 'ImagePolicy'),
      ).toEqual({
        group: 'image.toolkit.fluxcd.io',
        version,
        kind: 'ImagePolicy',
      });
      expect(
        readFluxObjectType(
          `kustomize.toolkit.fluxcd.io/${version}`,
          'Kustomization',
        ),
      ).toMatchObject({ kind: 'Kustomization', version });
      expect(
        readFluxObjectType(
          `source.toolkit.fluxcd.io/${version}`,
          'GitRepository',
        ),
      ).toMatchObject({ kind: 'GitRepository', version });
    }
  });

  it("leaves kustomize's own Kustomization, unknown versions and foreign kinds alone", () => {
    expect(
      readFluxObjectType('kustomize.config.k8s.io/v1beta1', 'Kustomization'),
    ).toBeUndefined();
    expect(
      readFluxObjectType('image.toolkit.fluxcd.io/v1alpha1', 'ImagePolicy'),
    ).toBeUndefined();
    expect(
      readFluxObjectType('image.toolkit.fluxcd.io/v1', 'Kustomization'),
    ).toBeUndefined();
    expect(
      readFluxObjectType('image.toolkit.fluxcd.io', 'ImagePolicy'),
    ).toBeUndefined();
  });

  it('lists the versions to ask a cluster for, newest first', () => {
    expect(fluxVersionsOf('Kustomization')).toEqual({
      group: 'kustomize.toolkit.fluxcd.io',
      versions: ['v1', 'v1beta2', 'v1beta1'],
    });
  });
});
