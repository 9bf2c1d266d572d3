import { hasGitopsAnnotation, GITOPS_ANNOTATION_IMAGE } from './annotations';

describe('hasGitopsAnnotation', () => {
  it('accepts an entity with any one linking annotation', () => {
    expect(
      hasGitopsAnnotation({
        metadata: {
          annotations: { [GITOPS_ANNOTATION_IMAGE]: 'stefanprodan/podinfo' },
        },
      }),
    ).toBe(true);
    expect(
      hasGitopsAnnotation({
        metadata: { annotations: { 'backstage.io/kubernetes-id': 'podinfo' } },
      }),
    ).toBe(true);
  });

  it('rejects entities without one, or with only blank values', () => {
    expect(hasGitopsAnnotation({ metadata: {} })).toBe(false);
    expect(
      hasGitopsAnnotation({
        metadata: {
          annotations: {
            [GITOPS_ANNOTATION_IMAGE]: '  ',
            'backstage.io/source-location': 'url:x',
          },
        },
      }),
    ).toBe(false);
  });
});
