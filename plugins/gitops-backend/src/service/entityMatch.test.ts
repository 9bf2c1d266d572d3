import { Entity } from '@backstage/catalog-model';
import { parseLabelSelector, releaseMatchFor } from './entityMatch';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'podinfo', annotations },
});

describe('releaseMatchFor', () => {
  it('turns each linking annotation into a match', () => {
    const match = releaseMatchFor(
      entity({
        'gitops.backstage.io/helm-chart': 'podinfo, podinfo-worker',
        'gitops.backstage.io/image': 'stefanprodan/podinfo',
        'gitops.backstage.io/release-selector': 'app=podinfo,tier!=db',
        'backstage.io/kubernetes-id': 'podinfo',
      }),
    );
    expect(match.chartNames).toEqual(['podinfo', 'podinfo-worker']);
    expect(match.imageRepositories).toEqual(['stefanprodan/podinfo']);
    expect(match.labelSelectors).toEqual([
      [
        { key: 'app', op: '=', value: 'podinfo' },
        { key: 'tier', op: '!=', value: 'db' },
      ],
      [{ key: 'backstage.io/kubernetes-id', op: '=', value: 'podinfo' }],
    ]);
  });

  it('matches Docker Hub official images and registry-qualified names by their path', () => {
    expect(
      releaseMatchFor(
        entity({ 'gitops.backstage.io/image': 'docker.io/library/nginx' }),
      ).imageRepositories,
    ).toEqual(expect.arrayContaining(['nginx', 'library/nginx']));
    expect(
      releaseMatchFor(
        entity({ 'gitops.backstage.io/image': 'ghcr.io/org/app' }),
      ).imageRepositories,
    ).toEqual(expect.arrayContaining(['ghcr.io/org/app', 'org/app']));
  });

  it('names the resolved image, so that a registry host tells images apart', () => {
    const names = (image: string) =>
      releaseMatchFor(entity({ 'gitops.backstage.io/image': image }))
        .imageNames;
    expect(names('ghcr.io/org/app')).toEqual([
      { host: 'ghcr.io', repository: 'org/app' },
    ]);
    expect(names('org/app')).toEqual([
      { host: 'docker.io', repository: 'org/app' },
    ]);
    expect(names('nginx')).toEqual([
      { host: 'docker.io', repository: 'library/nginx' },
    ]);
    expect(names('not an image')).toEqual([]);
  });

  it('matches nothing without annotations', () => {
    expect(releaseMatchFor(entity({}))).toEqual({
      chartNames: [],
      imageRepositories: [],
      labelSelectors: [],
    });
  });
});

describe('parseLabelSelector', () => {
  it('rejects set-based selectors it cannot evaluate', () => {
    expect(() => parseLabelSelector('app in (a,b)')).toThrow(/Invalid/);
  });

  it('refuses a selector without an equality term, which would select every release', () => {
    for (const selector of ['x!=y', 'x!=y, a!=b', ' , ']) {
      expect(() => parseLabelSelector(selector)).toThrow(
        /at least one key=value term/,
      );
    }
    expect(() =>
      releaseMatchFor(
        entity({ 'gitops.backstage.io/release-selector': 'x!=y' }),
      ),
    ).toThrow(/at least one key=value term/);
    expect(parseLabelSelector('app=billing,x!=y')).toEqual([
      { key: 'app', op: '=', value: 'billing' },
      { key: 'x', op: '!=', value: 'y' },
    ]);
  });
});
