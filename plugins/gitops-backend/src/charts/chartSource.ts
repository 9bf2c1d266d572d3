import { GitopsChartReference } from '@backstage-gitops/plugin-gitops-common';
import { FluxSources, mappingField, stringField } from './fluxSources';

/** Flux's chart version when a HelmRelease or HelmChart names none: any. */
export const DEFAULT_CHART_RANGE = '*';

/**
 * Where a Flux v2 release's chart comes from, as far as the repository's
 * own files tell. `chartName` and `version` are what the release shows:
 * the version as written (an exact version or a range), if any.
 */
export type ChartSource = { chartName: string; version?: string } & (
  | {
      /** A folder of the config repository itself: read like a v1 git chart. */
      type: 'this-repository';
      path: string;
    }
  | {
      /** A chart in a Helm repository: its https index, or OCI (`oci://`). */
      type: 'helm-repository';
      url: string;
      oci: boolean;
      range: string;
    }
  | {
      /** An OCIRepository holding the chart artifact itself (`chartRef`). */
      type: 'oci-artifact';
      url: string;
      range?: string;
    }
  | {
      /** Another git repository, a Bucket, or a source not in the files: nothing more to learn. */
      type: 'other';
    }
);

/** A chart path's last folder (`./charts/podinfo` -> `podinfo`); a plain name stays. */
export function chartNameFromPath(chart: string): string {
  const segments = chart.split('/').filter(s => s && s !== '.' && s !== '..');
  return segments[segments.length - 1] ?? chart;
}

// A HelmChart may name another HelmChart only through a bug; never loop.
const MAX_DEPTH = 3;

/**
 * Resolves a v2 chart reference (`spec.chart.spec` or `spec.chartRef`)
 * against the repository's Flux objects. Not for v1 charts.
 */
export function resolveChartSource(
  chart: Extract<GitopsChartReference, { type: 'source' }>,
  release: { namespace: string; environment?: string },
  sources: FluxSources,
  depth = 0,
): ChartSource {
  const { sourceRef } = chart;
  const namespace = sourceRef.namespace ?? release.namespace;
  const other = (): ChartSource => ({
    type: 'other',
    chartName: chartNameFromPath(chart.chart),
    ...(chart.version ? { version: chart.version } : {}),
  });
  switch (sourceRef.kind) {
    case 'GitRepository': {
      const git = sources.find(
        'GitRepository',
        namespace,
        sourceRef.name,
        release.environment,
      );
      if (!git || !sources.isThisRepository(git)) return other();
      return {
        type: 'this-repository',
        path: chart.chart,
        chartName: chartNameFromPath(chart.chart),
      };
    }
    case 'HelmRepository': {
      const repository = sources.find(
        'HelmRepository',
        namespace,
        sourceRef.name,
        release.environment,
      );
      const url = stringField(repository?.spec, 'url');
      if (!repository || !url) return other();
      return {
        type: 'helm-repository',
        url,
        oci:
          stringField(repository.spec, 'type') === 'oci' ||
          url.startsWith('oci://'),
        range: chart.version ?? DEFAULT_CHART_RANGE,
        chartName: chart.chart,
        ...(chart.version ? { version: chart.version } : {}),
      };
    }
    case 'HelmChart': {
      const helmChart = sources.find(
        'HelmChart',
        namespace,
        sourceRef.name,
        release.environment,
      );
      const name = stringField(helmChart?.spec, 'chart');
      const ref = mappingField(helmChart?.spec, 'sourceRef');
      const kind = stringField(ref, 'kind');
      const refName = stringField(ref, 'name');
      if (!helmChart || !name || !kind || !refName || depth >= MAX_DEPTH) {
        return other();
      }
      const version = stringField(helmChart.spec, 'version');
      return resolveChartSource(
        {
          type: 'source',
          chart: name,
          ...(version ? { version } : {}),
          // A HelmChart's source lives in the HelmChart's namespace.
          sourceRef: { kind, name: refName, namespace: helmChart.namespace },
        },
        release,
        sources,
        depth + 1,
      );
    }
    case 'OCIRepository': {
      const repository = sources.find(
        'OCIRepository',
        namespace,
        sourceRef.name,
        release.environment,
      );
      const url = stringField(repository?.spec, 'url');
      if (!repository || !url) return other();
      const ref = mappingField(repository.spec, 'ref');
      const tag = stringField(ref, 'tag');
      const semver = stringField(ref, 'semver');
      const version = semver ?? tag;
      return {
        type: 'oci-artifact',
        url,
        chartName: chartNameFromPath(url.replace(/^oci:\/\//, '')),
        ...(version ? { version, range: version } : {}),
      };
    }
    default:
      return other();
  }
}
