import { withFluxStatus } from './environmentFluxStatus';

describe('withFluxStatus', () => {
  const env = (name: string, cluster = 'prod-eu') => ({
    name,
    repository: 'fleet',
    path: `apps/${name}`,
    cluster,
    order: 1,
  });
  const observedAt = '2026-11-30T10:00:00.000Z';

  it("puts the repository's synced commit next to what the Kustomization applied", () => {
    const [production, staging] = withFluxStatus(
      [env('production'), env('staging')],
      [
        {
          environment: 'production',
          cluster: 'prod-eu',
          kustomization: {
            namespace: 'flux-system',
            name: 'apps',
            appliedCommit: 'aaaaaaa',
            suspended: false,
          },
          observedAt,
        },
      ],
      [
        {
          id: 'fleet',
          url: 'file:///fleet',
          branch: 'main',
          lastCommit: 'bbbbbbb',
        },
      ],
    );
    expect(production.fluxStatus).toEqual({
      cluster: 'prod-eu',
      gitCommit: 'bbbbbbb',
      kustomization: {
        namespace: 'flux-system',
        name: 'apps',
        appliedCommit: 'aaaaaaa',
        suspended: false,
      },
      observedAt,
    });
    expect(staging.fluxStatus).toBeUndefined();
  });

  it('drops a status read on a cluster the environment has left', () => {
    const [moved] = withFluxStatus(
      [env('production', 'prod-us')],
      [
        {
          environment: 'production',
          cluster: 'prod-eu',
          problem: 'Flux kustomize API not served',
          observedAt,
        },
      ],
      [],
    );
    expect(moved.fluxStatus).toBeUndefined();
  });
});
