import {
  answersReconcileRequests,
  canSuspend,
  helmStorageNamespace,
  readHelmReleaseApiVersion,
} from './fluxHelmRelease';

describe('readHelmReleaseApiVersion', () => {
  it.each([
    ['helm.fluxcd.io/v1', 'helm.fluxcd.io/v1'],
    ['helm.toolkit.fluxcd.io/v2', 'helm.toolkit.fluxcd.io/v2'],
    ['helm.toolkit.fluxcd.io/v2beta1', 'helm.toolkit.fluxcd.io/v2'],
    ['helm.toolkit.fluxcd.io/v2beta2', 'helm.toolkit.fluxcd.io/v2'],
    ['helm.toolkit.fluxcd.io/v3', 'unsupported'],
    ['flux.weave.works/v1beta1', 'unsupported'],
    ['example.com/v1', 'other'],
    ['helm.fluxcd.io', 'other'],
  ])('%s reads as %s', (apiVersion, expected) => {
    expect(readHelmReleaseApiVersion(apiVersion)).toBe(expected);
  });
});

describe('helmStorageNamespace', () => {
  const spec = { targetNamespace: 'apps', storageNamespace: 'helm' };

  it('is the target namespace for the Helm Operator', () => {
    expect(
      helmStorageNamespace({
        apiVersion: 'helm.fluxcd.io/v1',
        namespace: 'ops',
        spec,
      }),
    ).toBe('apps');
  });

  it('is the storage namespace for helm-controller', () => {
    expect(
      helmStorageNamespace({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        namespace: 'ops',
        spec,
      }),
    ).toBe('helm');
  });

  it("defaults to the HelmRelease's namespace", () => {
    for (const apiVersion of [
      'helm.fluxcd.io/v1',
      'helm.toolkit.fluxcd.io/v2',
    ]) {
      expect(
        helmStorageNamespace({ apiVersion, namespace: 'ops', spec: {} }),
      ).toBe('ops');
    }
  });
});

describe('what only helm-controller does', () => {
  it('suspends and answers reconcile requests for v2 only', () => {
    expect(canSuspend('helm.toolkit.fluxcd.io/v2')).toBe(true);
    expect(answersReconcileRequests('helm.toolkit.fluxcd.io/v2beta2')).toBe(
      true,
    );
    expect(canSuspend('helm.fluxcd.io/v1')).toBe(false);
    expect(answersReconcileRequests('helm.fluxcd.io/v1')).toBe(false);
  });
});
