import { createHash } from 'node:crypto';
import { isJsonObject, JsonObject, JsonValue, valueAt } from '../jsonValue';
import { KubeObject, nameOf, namespaceOf, stringMapOf } from '../kubeObject';

/** Set by the product on HelmReleases to carry the chart version from git (v1 has no field for it). */
export const CHART_VERSION_ANNOTATION = 'gitops.backstage.io/chart-version';
/** Optional: the chart's appVersion, for fixtures that care; the chart version otherwise. */
export const CHART_APP_VERSION_ANNOTATION =
  'gitops.backstage.io/chart-app-version';
/**
 * Set by the product next to the chart version: the git tree sha of the
 * chart's folder. Same version with new contents must still upgrade, as the
 * real operators do once they have fetched the changed chart.
 */
export const CHART_REVISION_ANNOTATION = 'gitops.backstage.io/chart-revision';
/** Flux's "reconcile now" annotation: a new value makes the operator re-check at once. */
export const RECONCILE_REQUESTED_AT_ANNOTATION =
  'reconcile.fluxcd.io/requestedAt';

export const HELM_OPERATOR_GROUP = 'helm.fluxcd.io';
export const HELM_CONTROLLER_GROUP = 'helm.toolkit.fluxcd.io';

/** The Helm release a HelmRelease asks for. */
export type DesiredRelease = {
  /** `v1`: Flux v1 Helm Operator (helm.fluxcd.io); `v2`: Flux v2 helm-controller. */
  flavor: 'v1' | 'v2';
  releaseName: string;
  /** The namespace the release (and its manifest) belongs to. */
  releaseNamespace: string;
  /** Where Helm keeps the release Secrets. */
  storageNamespace: string;
  chartName: string;
  chartVersion: string;
  appVersion: string;
  values: JsonObject;
  requestedAt: string | undefined;
  /** What the operator deploys from: the spec and the chart version and revision annotations. */
  fingerprint: string;
};

/**
 * Reads a HelmRelease the way the operator of its API group does:
 *
 * - v1: release `spec.releaseName` or `<targetNamespace|namespace>-<name>`,
 *   stored in the target namespace; chart from `spec.chart.path`'s basename
 *   or `spec.chart.name`, version from the annotation or `spec.chart.version`.
 * - v2: release `spec.releaseName`, or `<targetNamespace>-<name>` when a
 *   target namespace is set, or `<name>` (shortened past 53 characters as
 *   helm-controller does), stored in `spec.storageNamespace` or the
 *   HelmRelease's namespace; chart from `spec.chart.spec.chart`, version from
 *   an exact `spec.chart.spec.version` or the annotation.
 */
export function desiredRelease(
  helmRelease: KubeObject,
  group: string,
): DesiredRelease {
  const spec = isJsonObject(helmRelease.spec) ? helmRelease.spec : {};
  const annotations = stringMapOf(helmRelease, 'annotations');
  const name = nameOf(helmRelease) ?? '';
  const namespace = namespaceOf(helmRelease) ?? 'default';
  const targetNamespace = stringAt(spec, ['targetNamespace']);
  const values = isJsonObject(spec.values) ? spec.values : {};
  const annotatedVersion = annotations[CHART_VERSION_ANNOTATION];
  const fingerprint = JSON.stringify({
    spec: canonical(spec),
    chartVersion: annotatedVersion ?? null,
    chartRevision: annotations[CHART_REVISION_ANNOTATION] ?? null,
  });
  const requestedAt = annotations[RECONCILE_REQUESTED_AT_ANNOTATION];
  // Both operators read the chart the same way once they found its name and version.
  const chart = (chartName: string | undefined, chartVersion: string) => ({
    chartName: basename(chartName ?? name),
    chartVersion,
    appVersion: annotations[CHART_APP_VERSION_ANNOTATION] ?? chartVersion,
    values,
    requestedAt,
    fingerprint,
  });

  if (group === HELM_OPERATOR_GROUP) {
    const chartVersion =
      annotatedVersion ?? stringAt(spec, ['chart', 'version']) ?? '0.0.0';
    const releaseNamespace = targetNamespace ?? namespace;
    return {
      flavor: 'v1',
      releaseName:
        stringAt(spec, ['releaseName']) ?? `${releaseNamespace}-${name}`,
      releaseNamespace,
      storageNamespace: releaseNamespace,
      ...chart(
        stringAt(spec, ['chart', 'path']) ?? stringAt(spec, ['chart', 'name']),
        chartVersion,
      ),
    };
  }

  const specVersion = stringAt(spec, ['chart', 'spec', 'version']);
  const exact =
    specVersion && /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(specVersion)
      ? specVersion
      : undefined;
  const chartVersion = exact ?? annotatedVersion ?? '0.0.0';
  const releaseName =
    stringAt(spec, ['releaseName']) ??
    shortenReleaseName(targetNamespace ? `${targetNamespace}-${name}` : name);
  return {
    flavor: 'v2',
    releaseName,
    releaseNamespace: targetNamespace ?? namespace,
    storageNamespace: stringAt(spec, ['storageNamespace']) ?? namespace,
    ...chart(
      stringAt(spec, ['chart', 'spec', 'chart']) ??
        stringAt(spec, ['chartRef', 'name']),
      chartVersion,
    ),
  };
}

function stringAt(object: JsonObject, path: string[]): string | undefined {
  const value = valueAt(object, path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function basename(path: string): string {
  const parts = path.split('/').filter(part => part !== '' && part !== '.');
  return parts[parts.length - 1] ?? path;
}

/** helm-controller keeps release names within Helm's 53 characters by hashing the tail. */
function shortenReleaseName(name: string): string {
  if (name.length <= 53) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 12);
  return `${name.slice(0, 40).replace(/-+$/, '')}-${hash}`;
}

/** Key-sorted copy, so that the same spec always gives the same fingerprint. */
function canonical(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isJsonObject(value)) return value;
  const sorted: JsonObject = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = canonical(value[key]);
  return sorted;
}
