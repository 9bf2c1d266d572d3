import { isMap } from 'yaml';
import { canSuspend, defaultReleaseName } from '../kernel';
import { chartNameOf, readChartReference } from './chartReference';
import {
  optionalBoolean,
  optionalList,
  optionalMapping,
  optionalString,
  requireDnsLabel,
  requireDnsSubdomain,
  requireMapping,
  stringMap,
} from './fieldValidation';
import { readFluxAnnotations } from './fluxAnnotations';
import { ManifestDocument } from './manifestDocument';
import { findReleaseImages } from './releaseImages';
import {
  HelmReleaseApiVersion,
  HelmReleaseManifest,
  ManifestError,
} from './types';

export type ReadHelmRelease = {
  release: HelmReleaseManifest;
  /** Problems that leave the release usable: a broken image annotation or marker. */
  warnings: ManifestError[];
};

/**
 * One HelmRelease document. Structural problems throw InvalidFieldError (the
 * document is unusable); image annotations and markers that lead nowhere are
 * returned as warnings beside the release.
 */
export function readHelmRelease(
  document: ManifestDocument,
  object: Record<string, unknown>,
  apiVersion: HelmReleaseApiVersion,
): ReadHelmRelease {
  const metadata = requireMapping(object.metadata, ['metadata']);
  const name = requireDnsSubdomain(metadata.name, ['metadata', 'name']);
  const namespace =
    metadata.namespace === undefined || metadata.namespace === null
      ? 'default'
      : requireDnsLabel(metadata.namespace, ['metadata', 'namespace']);
  const labels = stringMap(metadata.labels, ['metadata', 'labels']);
  const annotations = stringMap(metadata.annotations, [
    'metadata',
    'annotations',
  ]);

  const spec = requireMapping(object.spec, ['spec']);
  const chart = readChartReference(apiVersion, spec);
  const targetNamespace = optionalString(spec.targetNamespace, [
    'spec',
    'targetNamespace',
  ]);
  const releaseName =
    optionalString(spec.releaseName, ['spec', 'releaseName']) ||
    defaultReleaseName(apiVersion, { name, namespace, targetNamespace });
  const values = optionalMapping(spec.values, ['spec', 'values']) ?? {};
  const valuesFrom =
    optionalList(spec.valuesFrom, ['spec', 'valuesFrom']) ?? [];
  const rollback = optionalMapping(spec.rollback, ['spec', 'rollback']);
  const suspended =
    canSuspend(apiVersion) &&
    (optionalBoolean(spec.suspend, ['spec', 'suspend']) ?? false);

  const flux = readFluxAnnotations(annotations);
  const valuesNode: unknown = document.tree.getIn(['spec', 'values'], true);
  const found = findReleaseImages(
    isMap(valuesNode) ? valuesNode : undefined,
    document.text,
    flux,
  );
  const warnings = [
    ...found.annotationProblems.map(problem =>
      document.error(problem.message, [
        'metadata',
        'annotations',
        problem.annotation,
      ]),
    ),
    ...found.markerProblems.map(problem => ({
      path: document.path,
      line: document.lineOf(problem.offset),
      message: problem.message,
    })),
  ];

  const release: HelmReleaseManifest = {
    apiVersion,
    name,
    namespace,
    releaseName,
    labels,
    annotations,
    chart,
    chartName: chartNameOf(chart),
    values,
    valuesFrom,
    ...(rollback ? { rollback } : {}),
    automated: flux.automated,
    locked: flux.locked,
    ...(flux.lockedBy !== undefined ? { lockedBy: flux.lockedBy } : {}),
    ...(flux.lockedMessage !== undefined
      ? { lockedMessage: flux.lockedMessage }
      : {}),
    ignored: flux.ignored,
    suspended,
    images: found.images,
    spec,
    object,
    source: document.source,
  };
  return { release, warnings };
}
