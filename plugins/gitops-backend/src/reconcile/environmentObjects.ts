import {
  GITOPS_ANNOTATION_CHART_REVISION,
  GITOPS_ANNOTATION_CHART_VERSION,
  GITOPS_ANNOTATION_SOURCE_PATH,
  GITOPS_LABEL_ENVIRONMENT,
  GITOPS_LABEL_SOURCE_REPOSITORY,
} from '@backstage-gitops/plugin-gitops-common';
import { KubernetesObject } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { AppliedObjectKey, ReleaseRecord } from '../database';
import { ParsedManifestFile } from '../manifests';

/** An object git asks the cluster to hold, ready to apply. */
export type DesiredObject = {
  apiVersion: string;
  kind: string;
  /** `''` for cluster-scoped objects. */
  namespace: string;
  name: string;
  sourcePath: string;
  object: KubernetesObject;
  /** Changes exactly when the applied object would. */
  digest: string;
};

export function objectKeyOf(object: {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}): string {
  return `${object.apiVersion}|${object.kind}|${object.namespace}|${object.name}`;
}

/** Just the identity of an object, as the inventory keys it. */
export function appliedObjectKey(object: AppliedObjectKey): AppliedObjectKey {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: object.namespace,
    name: object.name,
  };
}

type Metadata = {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
} & Record<string, unknown>;

/** Namespaces first, HelmReleases last: what an object needs exists before it. */
export function applyOrder(kind: string): number {
  if (kind === 'Namespace') return 0;
  if (kind === 'CustomResourceDefinition') return 1;
  if (kind === 'HelmRelease') return 3;
  return 2;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map(
        key =>
          `${JSON.stringify(key)}:${canonicalJson(
            (value as Record<string, unknown>)[key],
          )}`,
      );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function digestOf(object: unknown): string {
  return createHash('sha256').update(canonicalJson(object)).digest('hex');
}

/**
 * What one file asks the cluster to hold: every document that parsed, marked
 * with where it came from. HelmReleases also carry their chart's version and
 * git tree, so a chart change changes the object (and so reaches the
 * operator). Every object carries the repository and environment it came
 * from: prune deletes only objects that still do. Documents without a name (kustomizations, say) are not objects.
 * Contents are copied, never read: secrets stay opaque.
 */
export function desiredObjects(
  file: ParsedManifestFile,
  marks: { repository: string; environment: string },
  releaseOf: (namespace: string, name: string) => ReleaseRecord | undefined,
): DesiredObject[] {
  const documents: Array<{
    object: Record<string, unknown>;
    chart?: ReleaseRecord;
  }> = [
    ...file.namespaces.map(ns => ({ object: ns.object })),
    ...file.others
      .filter(other => other.name !== '')
      .map(other => ({ object: other.object })),
    ...file.helmReleases.map(release => ({
      object: release.object,
      chart: releaseOf(release.namespace, release.name),
    })),
  ];
  return documents.map(({ object, chart }) => {
    const metadata = (object.metadata ?? {}) as Metadata;
    const kind = String(object.kind);
    // Other kinds without a namespace are either cluster-scoped or go to the
    // client's default namespace; only discovery could tell, and apply does it.
    const namespace =
      kind === 'Namespace'
        ? ''
        : metadata.namespace ?? (kind === 'HelmRelease' ? 'default' : '');
    const annotations: Record<string, string> = {
      ...metadata.annotations,
      [GITOPS_ANNOTATION_SOURCE_PATH]: file.path,
    };
    if (chart?.chartVersion)
      annotations[GITOPS_ANNOTATION_CHART_VERSION] = chart.chartVersion;
    if (chart?.chartRevision)
      annotations[GITOPS_ANNOTATION_CHART_REVISION] = chart.chartRevision;
    const applied = {
      ...object,
      metadata: {
        ...metadata,
        ...(namespace ? { namespace } : {}),
        labels: {
          ...metadata.labels,
          [GITOPS_LABEL_SOURCE_REPOSITORY]: marks.repository,
          [GITOPS_LABEL_ENVIRONMENT]: marks.environment,
        },
        annotations,
      },
    } as KubernetesObject;
    return {
      apiVersion: String(object.apiVersion),
      kind,
      namespace,
      name: String(metadata.name),
      sourcePath: file.path,
      object: applied,
      digest: digestOf(applied),
    };
  });
}
