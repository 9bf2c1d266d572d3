import { FluxSourceObject, FluxSources } from './fluxSources';
import { resolveChartSource } from './chartSource';

const object = (
  kind: FluxSourceObject['kind'],
  name: string,
  spec: Record<string, unknown>,
  extra: Partial<FluxSourceObject> = {},
): FluxSourceObject => ({
  path: 'clusters/production/sources.yaml',
  kind,
  namespace: 'flux-system',
  name,
  spec,
  ...extra,
});

const release = { namespace: 'podinfo', environment: 'production' };
const ref = (kind: string, name: string, extra: object = {}) => ({
  type: 'source' as const,
  chart: name,
  sourceRef: { kind, name, namespace: 'flux-system' },
  ...extra,
});

describe('resolveChartSource', () => {
  const sources = new FluxSources(
    [
      object('HelmRepository', 'podinfo', {
        url: 'https://stefanprodan.github.io/podinfo',
      }),
      object('HelmRepository', 'podinfo-oci', {
        type: 'oci',
        url: 'oci://ghcr.io/stefanprodan/charts',
      }),
      object('HelmChart', 'podinfo', {
        chart: 'podinfo',
        version: '6.x',
        sourceRef: { kind: 'HelmRepository', name: 'podinfo' },
      }),
      object('HelmChart', 'from-git', {
        chart: './charts/podinfo',
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      }),
      object('OCIRepository', 'podinfo', {
        url: 'oci://ghcr.io/stefanprodan/charts/podinfo',
        ref: { semver: '>=6.5.0' },
      }),
      object('OCIRepository', 'pinned', {
        url: 'oci://ghcr.io/stefanprodan/charts/podinfo',
        ref: { tag: '6.5.4' },
      }),
      object('GitRepository', 'flux-system', {
        url: 'https://github.com/example/fleet',
      }),
    ],
    'git@github.com:example/fleet.git',
  );

  it('reads a chart of a HelmRepository with its range, Flux default * when none is written', () => {
    expect(
      resolveChartSource(
        {
          ...ref('HelmRepository', 'podinfo'),
          chart: 'podinfo',
          version: '6.x',
        },
        release,
        sources,
      ),
    ).toEqual({
      type: 'helm-repository',
      url: 'https://stefanprodan.github.io/podinfo',
      oci: false,
      range: '6.x',
      chartName: 'podinfo',
      version: '6.x',
    });
    expect(
      resolveChartSource(
        { ...ref('HelmRepository', 'podinfo-oci'), chart: 'podinfo' },
        release,
        sources,
      ),
    ).toMatchObject({
      type: 'helm-repository',
      oci: true,
      range: '*',
    });
  });

  it('follows a chartRef HelmChart to its chart, version and source', () => {
    expect(
      resolveChartSource(ref('HelmChart', 'podinfo'), release, sources),
    ).toEqual({
      type: 'helm-repository',
      url: 'https://stefanprodan.github.io/podinfo',
      oci: false,
      range: '6.x',
      chartName: 'podinfo',
      version: '6.x',
    });
    // A HelmChart over this repository's GitRepository is a chart folder of it.
    expect(
      resolveChartSource(ref('HelmChart', 'from-git'), release, sources),
    ).toEqual({
      type: 'this-repository',
      path: './charts/podinfo',
      chartName: 'podinfo',
    });
  });

  it("reads a chartRef OCIRepository: the chart is its url's last segment, the version its semver or tag", () => {
    expect(
      resolveChartSource(ref('OCIRepository', 'podinfo'), release, sources),
    ).toEqual({
      type: 'oci-artifact',
      url: 'oci://ghcr.io/stefanprodan/charts/podinfo',
      chartName: 'podinfo',
      version: '>=6.5.0',
      range: '>=6.5.0',
    });
    expect(
      resolveChartSource(ref('OCIRepository', 'pinned'), release, sources),
    ).toMatchObject({
      chartName: 'podinfo',
      version: '6.5.4',
    });
  });

  it('names a chart whose source is not in the files by what is written', () => {
    expect(
      resolveChartSource(ref('HelmChart', 'elsewhere'), release, sources),
    ).toEqual({
      type: 'other',
      chartName: 'elsewhere',
    });
    expect(
      resolveChartSource(
        { ...ref('GitRepository', 'upstream'), chart: './charts/redis' },
        release,
        sources,
      ),
    ).toEqual({ type: 'other', chartName: 'redis' });
  });

  it("looks a source up in the release's namespace when its reference names none", () => {
    const local = new FluxSources(
      [
        object(
          'HelmRepository',
          'podinfo',
          { url: 'https://charts.example.com' },
          { namespace: 'podinfo' },
        ),
      ],
      'https://github.com/example/fleet',
    );
    const chart = {
      type: 'source' as const,
      chart: 'podinfo',
      sourceRef: { kind: 'HelmRepository', name: 'podinfo' },
    };
    expect(resolveChartSource(chart, release, local)).toMatchObject({
      url: 'https://charts.example.com',
    });
    expect(
      resolveChartSource(chart, { namespace: 'other' }, local),
    ).toMatchObject({ type: 'other' });
  });

  it("prefers the object in the release's own environment among several of one name", () => {
    const twice = new FluxSources(
      [
        object(
          'HelmRepository',
          'charts',
          { url: 'https://staging.example.com' },
          { environment: 'staging' },
        ),
        object(
          'HelmRepository',
          'charts',
          { url: 'https://production.example.com' },
          { environment: 'production' },
        ),
      ],
      'https://github.com/example/fleet',
    );
    expect(
      resolveChartSource(
        { ...ref('HelmRepository', 'charts'), chart: 'podinfo' },
        release,
        twice,
      ),
    ).toMatchObject({
      url: 'https://production.example.com',
    });
  });
});

describe('FluxSources.isThisRepository', () => {
  const gitRepository = object(
    'GitRepository',
    'flux-system',
    { url: 'ssh://git@github.com/example/fleet' },
    {
      path: 'clusters/production/flux-system/gotk-sync.yaml',
    },
  );
  const kustomization = (
    spec: Record<string, unknown>,
    namespace = 'flux-system',
  ) =>
    object('Kustomization', 'flux-system', spec, {
      namespace,
      path: 'clusters/production/flux-system/gotk-sync.yaml',
    });

  it('is the Kustomization applying the folder it is written in, from it (flux bootstrap)', () => {
    const applies = (k: FluxSourceObject) =>
      new FluxSources(
        [gitRepository, k],
        'file:///srv/fleet.git',
      ).isThisRepository(gitRepository);
    const sourceRef = { kind: 'GitRepository', name: 'flux-system' };
    expect(
      applies(kustomization({ path: './clusters/production', sourceRef })),
    ).toBe(true);
    expect(applies(kustomization({ path: './', sourceRef }))).toBe(true);
    // Another folder, another GitRepository, or one of another namespace: no.
    expect(
      applies(kustomization({ path: './clusters/staging', sourceRef })),
    ).toBe(false);
    expect(
      applies(
        kustomization({
          path: './clusters/production',
          sourceRef: { kind: 'GitRepository', name: 'other' },
        }),
      ),
    ).toBe(false);
    expect(
      applies(
        kustomization({ path: './clusters/production', sourceRef }, 'apps'),
      ),
    ).toBe(false);
    expect(applies(kustomization({ path: './clusters/prod', sourceRef }))).toBe(
      false,
    );
  });

  it('is the configured url, however it is spelled', () => {
    expect(
      new FluxSources(
        [gitRepository],
        'git@github.com:example/fleet.git',
      ).isThisRepository(gitRepository),
    ).toBe(true);
    expect(
      new FluxSources(
        [gitRepository],
        'https://github.com/example/other',
      ).isThisRepository(gitRepository),
    ).toBe(false);
  });
});
