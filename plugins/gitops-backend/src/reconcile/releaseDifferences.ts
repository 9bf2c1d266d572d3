import { HelmRevision } from '../cluster/helm';
import { chartVersionMatches } from './chartVersionMatches';
import {
  MAX_DIFFERENCES,
  setFieldsDifferences,
  valuesDifferences,
} from './valuesDifferences';
import { DesiredRelease, LiveHelmRelease, ReleaseDifference } from './types';

/** Differences between git and the cluster, by where they were found. */
export type ReleaseDifferences = {
  /** `chart.version`: the deployed chart is not the version git asks for. */
  chart: ReleaseDifference[];
  /** `values.*`: the deployed values (Helm's config) differ from git's. */
  values: ReleaseDifference[];
  /** `spec.*`: the HelmRelease object in the cluster differs from git's. */
  spec: ReleaseDifference[];
};

function mapping(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

// With valuesFrom (ConfigMaps, Secrets merged under spec.values) or v2's
// upgrade.preserveValues, the deployed config rightly holds keys git does not
// set; comparing only git's keys also keeps values read from Secrets out of
// what we report.
function mergesOtherValues(spec: Record<string, unknown>): boolean {
  const valuesFrom = spec.valuesFrom;
  return (
    (Array.isArray(valuesFrom) && valuesFrom.length > 0) ||
    mapping(spec.upgrade).preserveValues === true
  );
}

function chartDifferences(
  desired: DesiredRelease,
  deployed: HelmRevision | undefined,
): ReleaseDifference[] {
  if (
    !deployed ||
    chartVersionMatches(desired.chartVersion, deployed.chartVersion)
  ) {
    return [];
  }
  return [
    {
      path: 'chart.version',
      desired: desired.chartVersion,
      live: deployed.chartVersion,
    },
  ];
}

function deployedValuesDifferences(
  desired: DesiredRelease,
  deployed: HelmRevision | undefined,
): ReleaseDifference[] {
  if (!deployed) return [];
  const compare = mergesOtherValues(desired.spec)
    ? setFieldsDifferences
    : valuesDifferences;
  return compare(desired.values, deployed.values, 'values');
}

/**
 * Compares git's spec with the object in the cluster. Fields git does not set
 * are ignored: the API server fills in defaults (v2's
 * `chart.spec.reconcileStrategy`, say). `values` is the exception, compared
 * both ways: nothing defaults it, and a key added in the cluster is drift.
 */
function specDifferences(
  desired: Record<string, unknown>,
  live: Record<string, unknown>,
): ReleaseDifference[] {
  const keys = Object.keys(desired).sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const found: ReleaseDifference[] = [];
  for (const key of keys) {
    found.push(
      ...(key === 'values'
        ? valuesDifferences(
            mapping(desired.values),
            mapping(live.values),
            'spec.values',
          )
        : setFieldsDifferences(desired[key], live[key], `spec.${key}`)),
    );
  }
  return found.slice(0, MAX_DIFFERENCES);
}

/**
 * What differs between git and the cluster: the chart version and values of
 * Helm's newest revision (when there is one) and the HelmRelease object's spec.
 */
export function releaseDifferences(
  desired: DesiredRelease,
  live: LiveHelmRelease,
  deployed: HelmRevision | undefined,
): ReleaseDifferences {
  return {
    chart: chartDifferences(desired, deployed),
    values: deployedValuesDifferences(desired, deployed),
    spec: specDifferences(desired.spec, mapping(live.spec)),
  };
}
