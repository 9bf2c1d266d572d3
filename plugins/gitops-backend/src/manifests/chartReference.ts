import { fluxGenerationOf } from '../kernel';
import {
  InvalidFieldError,
  optionalMapping,
  optionalString,
  requireMapping,
  requireString,
} from './fieldValidation';
import { GitopsChartReference } from '@backstage-gitops/plugin-gitops-common';
import { HelmReleaseApiVersion } from './types';

/**
 * helm.fluxcd.io/v1: `spec.chart` is either a git source (`git`, `path`,
 * optional `ref`) or a Helm repository (`repository`, `name`, `version`).
 */
function readV1Chart(spec: Record<string, unknown>): GitopsChartReference {
  const chart = requireMapping(spec.chart, ['spec', 'chart']);
  if (chart.git !== undefined || chart.path !== undefined) {
    const ref = optionalString(chart.ref, ['spec', 'chart', 'ref']);
    return {
      type: 'git',
      git: requireString(chart.git, ['spec', 'chart', 'git']),
      path: requireString(chart.path, ['spec', 'chart', 'path']),
      ...(ref ? { ref } : {}),
    };
  }
  if (chart.repository !== undefined || chart.name !== undefined) {
    return {
      type: 'repository',
      repository: requireString(chart.repository, [
        'spec',
        'chart',
        'repository',
      ]),
      name: requireString(chart.name, ['spec', 'chart', 'name']),
      version: requireString(chart.version, ['spec', 'chart', 'version']),
    };
  }
  throw new InvalidFieldError(
    ['spec', 'chart'],
    'spec.chart needs either git and path (a chart in git) or repository, name and version (a chart in a Helm repository)',
  );
}

function readSourceRef(
  value: unknown,
  fieldPath: string[],
): { kind: string; name: string; namespace?: string } {
  const sourceRef = requireMapping(value, fieldPath);
  const namespace = optionalString(sourceRef.namespace, [
    ...fieldPath,
    'namespace',
  ]);
  return {
    kind: requireString(sourceRef.kind, [...fieldPath, 'kind']),
    name: requireString(sourceRef.name, [...fieldPath, 'name']),
    ...(namespace ? { namespace } : {}),
  };
}

/**
 * helm.toolkit.fluxcd.io/v2*: `spec.chart.spec` names a chart in a source
 * (HelmRepository, GitRepository, Bucket). `spec.chartRef` (an OCIRepository
 * or HelmChart holding the chart itself) is reported as a source whose chart
 * is the referenced object's name, with no version.
 */
function readV2Chart(spec: Record<string, unknown>): GitopsChartReference {
  const chart = optionalMapping(spec.chart, ['spec', 'chart']);
  if (chart) {
    const template = requireMapping(chart.spec, ['spec', 'chart', 'spec']);
    const version = optionalString(template.version, [
      'spec',
      'chart',
      'spec',
      'version',
    ]);
    return {
      type: 'source',
      chart: requireString(template.chart, ['spec', 'chart', 'spec', 'chart']),
      ...(version ? { version } : {}),
      sourceRef: readSourceRef(template.sourceRef, [
        'spec',
        'chart',
        'spec',
        'sourceRef',
      ]),
    };
  }
  if (spec.chartRef !== undefined && spec.chartRef !== null) {
    const sourceRef = readSourceRef(spec.chartRef, ['spec', 'chartRef']);
    return { type: 'source', chart: sourceRef.name, sourceRef };
  }
  throw new InvalidFieldError(
    ['spec', 'chart'],
    'spec.chart is required (or spec.chartRef)',
  );
}

export function readChartReference(
  apiVersion: HelmReleaseApiVersion,
  spec: Record<string, unknown>,
): GitopsChartReference {
  return fluxGenerationOf(apiVersion) === 'v1'
    ? readV1Chart(spec)
    : readV2Chart(spec);
}

/**
 * The name the catalog matches `gitops.backstage.io/helm-chart` against:
 * the chart directory's name for git charts (the repository's name when the
 * chart is at its root), else the chart name.
 */
export function chartNameOf(chart: GitopsChartReference): string {
  switch (chart.type) {
    case 'git': {
      const segments = chart.path.split('/').filter(s => s && s !== '.');
      const last = segments[segments.length - 1];
      if (last && last !== '..') return last;
      const repository =
        chart.git.replace(/\/+$/, '').split(/[/:]/).pop() ?? '';
      return repository.replace(/\.git$/, '');
    }
    case 'repository':
      return chart.name;
    case 'source': {
      // A chart in a GitRepository or Bucket is a path (`./charts/podinfo`):
      // like a v1 git chart, it goes by its folder's name.
      const segments = chart.chart
        .split('/')
        .filter(s => s && s !== '.' && s !== '..');
      return segments[segments.length - 1] ?? chart.chart;
    }
    default:
      return '';
  }
}
