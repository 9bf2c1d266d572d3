/**
 * What the config repository's manifests look like once parsed. The git-sync,
 * image-automation and reconcile loops all read these shapes; none of them
 * touches raw YAML for anything but writing back.
 */

import { GitopsChartReference } from '@backstage-gitops/plugin-gitops-common';
import { HelmReleaseApiVersion } from '../kernel';

export type { HelmReleaseApiVersion };

/**
 * A problem found in one file. `line` is 1-based. Most errors mean the
 * document they point at was left out of the result; a few (an annotation path
 * that leads nowhere, a malformed setter marker) are reported while the
 * release itself still parses, so the owners learn about them.
 */
export type ManifestError = { path: string; line?: number; message: string };

/**
 * The raw filter as written in the annotation, such as `glob:dev-*`,
 * `semver:~0.4`, `regex:^x` or a bare `dev-*` (which means glob). Automated
 * releases without a filter get `glob:*`. Interpreting it is the automation's
 * job, not the parser's.
 */
export type ImagePolicy = string;

/**
 * Dot paths under `spec.values` where an image's parts are written, so that
 * image automation can rewrite them in the shape it found them.
 *
 * - At most one of `image` and `repository` is set. When `tag` is set the tag
 *   lives there alone and that value holds only the repository; otherwise the
 *   value holds the repository and tag together (`repo:tag`).
 * - When `registry` is set the registry lives there alone; otherwise a
 *   registry host, if any, is part of the `image`/`repository` value.
 * - A numeric segment indexes a sequence (only setter markers produce those).
 * - Setter-marker references list only the values that carry a marker (a
 *   lone `:tag` marker gives only `tag`), since Flux rewrites nothing else.
 */
export type ImageValuePaths = {
  image?: string;
  repository?: string;
  tag?: string;
  registry?: string;
  /** Only setter markers: the value a `:digest` marker sits on. */
  digest?: string;
};

/** How the image is written in the values, which is how it is written back. */
export type ImageShape =
  | 'image-string'
  | 'image-and-tag'
  | 'registry-image-tag'
  | 'image-object'
  | 'image-object-registry'
  | 'annotation-paths'
  | 'setter-marker';

/** A Flux v2 image policy named by a `# {"$imagepolicy": "ns:name[:field]"}` marker. */
export type ImagePolicyRef = {
  namespace: string;
  name: string;
  /**
   * `tag`, `name` or `digest` for a marker on one part; unset for a whole
   * image or a merged `:name` + `:tag` pair; `digest` when a `:digest`
   * marker is among several of one mapping.
   */
  field?: 'tag' | 'name' | 'digest';
};

export type ImageReference = {
  /**
   * `chart-image` for the top-level image, else the first-level values key,
   * or the `<c>` of the `repository.fluxcd.io/<c>` annotations. For setter
   * markers: the dot path of the marked mapping without a trailing `image`
   * segment (`chart-image` at the top level).
   */
  container: string;
  /** Set when the values carry a registry separately or the image string starts with a registry host. */
  registry?: string;
  /** As written, without the registry host, e.g. `stefanprodan/podinfo`. */
  repository: string;
  /** `''` when none is written (the registry's default) or the image is pinned by digest only. */
  tag: string;
  /**
   * Set when the image is pinned by digest (`repo@sha256:...` or
   * `repo:tag@sha256:...`). A pinned image is never automated, so it has no
   * policy even in an automated release.
   */
  digest?: string;
  /** undefined when the release is not automated and no filter names this container. */
  policy?: ImagePolicy;
  paths: ImageValuePaths;
  shape: ImageShape;
  imagePolicyRef?: ImagePolicyRef;
};

/** Where a manifest was found: the 0-based index among the file's YAML documents (empty ones count, as the yaml library counts them) and the 1-based line its content starts on. */
export type ManifestSource = { path: string; document: number; line: number };

export type HelmReleaseManifest = {
  /** v2beta1 and v2beta2 are reported as v2; `object.apiVersion` keeps what was written. */
  apiVersion: HelmReleaseApiVersion;
  name: string;
  /** metadata.namespace, `default` when unset. */
  namespace: string;
  /**
   * spec.releaseName when set. Otherwise, as the operators compute it:
   * v1 `<namespace>-<name>`, or `<namespace>-<targetNamespace>-<name>` when
   * spec.targetNamespace differs; v2 `<targetNamespace>-<name>` when
   * spec.targetNamespace is set, else `<name>`, shortened to 53 characters
   * with a hash as helm-controller does.
   */
  releaseName: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  chart: GitopsChartReference;
  /** git: basename of the path; repository: the chart name; source: the chart. */
  chartName: string;
  values: Record<string, unknown>;
  valuesFrom: unknown[];
  rollback?: Record<string, unknown>;
  /** `fluxcd.io/automated` (or `flux.weave.works/automated`) is exactly `"true"`. */
  automated: boolean;
  locked: boolean;
  lockedBy?: string;
  lockedMessage?: string;
  ignored: boolean;
  /** v2 spec.suspend; always false for v1. */
  suspended: boolean;
  images: ImageReference[];
  spec: Record<string, unknown>;
  /** The whole document, as written (aliases and merge keys resolved). */
  object: Record<string, unknown>;
  source: ManifestSource;
};

export type NamespaceManifest = {
  name: string;
  labels: Record<string, string>;
  object: Record<string, unknown>;
  source: ManifestSource;
};

export type GenericManifest = {
  apiVersion: string;
  kind: string;
  /** `''` when the document has no metadata.name (a kustomization, say). */
  name: string;
  namespace?: string;
  object: Record<string, unknown>;
  source: ManifestSource;
};

export type ParsedManifestFile = {
  path: string;
  helmReleases: HelmReleaseManifest[];
  namespaces: NamespaceManifest[];
  others: GenericManifest[];
  errors: ManifestError[];
  /**
   * True when every document of the file was read. A file that is not
   * complete (bad YAML or encoding, a limit, a document left out for a field
   * it got wrong) gives a partial picture: nothing may be removed, pruned or
   * written on the strength of it. Warnings alone leave it complete.
   */
  complete: boolean;
};

export type ManifestLimits = {
  maxFileBytes: number;
  maxAliasCount: number;
  maxDocuments: number;
};

export type ChartMetadata = {
  name: string;
  version: string;
  appVersion?: string;
};
