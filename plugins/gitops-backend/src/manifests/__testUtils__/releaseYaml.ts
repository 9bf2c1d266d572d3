/**
 * HelmRelease files for the manifest and edit tests, one fixed layout per Flux
 * version so that tests can count lines: `annotations` and `values` are given
 * as lines, indented here under their keys.
 */
export type ReleaseYamlLines = {
  namespace: string;
  annotations?: string[];
  values: string[];
};

function releaseYaml(
  apiVersion: string,
  chartLines: string[],
  { namespace, annotations = [], values }: ReleaseYamlLines,
): string {
  return [
    `apiVersion: ${apiVersion}`,
    'kind: HelmRelease',
    'metadata:',
    '  name: app',
    `  namespace: ${namespace}`,
    ...(annotations.length
      ? ['  annotations:', ...annotations.map(a => `    ${a}`)]
      : []),
    'spec:',
    '  chart:',
    ...chartLines,
    '  values:',
    ...values.map(v => `    ${v}`),
    '',
  ].join('\n');
}

/** A Flux v1 HelmRelease with its chart in git. */
export function fluxV1ReleaseYaml(release: ReleaseYamlLines): string {
  return releaseYaml(
    'helm.fluxcd.io/v1',
    ['    git: git@github.com:org/config.git', '    path: charts/app'],
    release,
  );
}

/** A Flux v2 HelmRelease with its chart from a HelmRepository; without annotations its values start on line 12. */
export function fluxV2ReleaseYaml(release: ReleaseYamlLines): string {
  return releaseYaml(
    'helm.toolkit.fluxcd.io/v2',
    [
      '    spec:',
      '      chart: app',
      '      sourceRef: {kind: HelmRepository, name: charts}',
    ],
    release,
  );
}
