import { HelmRevision } from '../cluster';
import { chartVersionMatches } from './chartVersionMatches';
import {
  MAX_DIFFERENCES,
  setFieldsDifferences,
  valuesDifferences,
} from './valuesDifferences';
import { GitopsReleaseDifference } from '@backstage-gitops/plugin-gitops-common';
import { DesiredRelease, LiveHelmRelease } from './types';
import { valuesDisclosure } from './valuesDisclosure';
import { touchesTargetPath, ValueSources, valueSources } from './valueSources';

/** Differences between git and the cluster, by where they were found. */
export type ReleaseDifferences = {
  /** `chart.version`: the deployed chart is not the version git asks for. */
  chart: GitopsReleaseDifference[];
  /** `values.*`: the deployed values (Helm's config) differ from git's. */
  values: GitopsReleaseDifference[];
  /** `spec.*`: the HelmRelease object in the cluster differs from git's. */
  spec: GitopsReleaseDifference[];
};

function mapping(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function chartDifferences(
  desired: DesiredRelease,
  deployed: HelmRevision | undefined,
): GitopsReleaseDifference[] {
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

/**
 * Compares git's values with Helm's config of the deployed revision. Merged
 * sources (valuesFrom, preserveValues) rightly add keys git does not set:
 * with a whole document merged in only git's keys are compared, with a
 * `targetPath` every key but that one. What may have come from a Secret is
 * never copied into a difference (see valuesDisclosure).
 */
function deployedValuesDifferences(
  desired: DesiredRelease,
  deployed: HelmRevision | undefined,
  sources: ValueSources,
): GitopsReleaseDifference[] {
  if (!deployed?.values) return [];
  const disclose = valuesDisclosure(sources);
  if (sources.mergesWhole) {
    return setFieldsDifferences(
      desired.values,
      deployed.values,
      'values',
      MAX_DIFFERENCES,
      {
        disclose,
      },
    );
  }
  return valuesDifferences(
    desired.values,
    deployed.values,
    'values',
    MAX_DIFFERENCES,
    {
      disclose,
      expected: at => touchesTargetPath(sources, at),
    },
  );
}

/**
 * Compares git's spec with the object in the cluster. Fields git does not set
 * are ignored: the API server fills in defaults (v2's
 * `chart.spec.reconcileStrategy`, say). `values` is the exception, compared
 * both ways: nothing defaults it, and a key added in the cluster is drift.
 * Nothing merges into the object's values, but a hand edit may put a secret
 * there, so the same disclosure rule applies.
 */
function specDifferences(
  desired: Record<string, unknown>,
  live: Record<string, unknown>,
): GitopsReleaseDifference[] {
  const keys = Object.keys(desired).sort(
    (a, b) => Number(a > b) - Number(a < b),
  );
  const found: GitopsReleaseDifference[] = [];
  for (const key of keys) {
    found.push(
      ...(key === 'values'
        ? valuesDifferences(
            mapping(desired.values),
            mapping(live.values),
            'spec.values',
            MAX_DIFFERENCES,
            { disclose: valuesDisclosure(valueSources()) },
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
    values: deployedValuesDifferences(
      desired,
      deployed,
      valueSources(desired.spec, live.spec),
    ),
    spec: specDifferences(desired.spec, mapping(live.spec)),
  };
}
