import { InvalidFieldError, isMapping } from './fieldValidation';
import { readHelmRelease } from './helmRelease';
import {
  KustomizeOverlay,
  OverlayProblem,
  OverlayResource,
} from './kustomizeOverlay';
import { classifyManifest } from './manifestKind';
import { GenericManifest, HelmReleaseManifest } from './types';

/** A HelmRelease an overlay yields, with where each of its images is written. */
export type OverlayHelmRelease = {
  release: HelmReleaseManifest;
  resource: OverlayResource;
  /** Per container: the file whose text holds the image's value (and marker). */
  imageFiles: Map<string, string>;
};

export type OverlayManifests = {
  helmReleases: OverlayHelmRelease[];
  /** Every other object, merged and namespaced, sourced at its resource document. */
  others: GenericManifest[];
  problems: OverlayProblem[];
};

/** The value at a dot path under an object, following mappings only. */
function valueAt(root: unknown, segments: string[]): unknown {
  let node = root;
  for (const segment of segments) {
    if (!isMapping(node)) return undefined;
    node = node[segment];
  }
  return node;
}

/** The last file (resource, then patches) that writes `spec.values.<dotPath>`. */
function fileWriting(resource: OverlayResource, dotPath: string): string {
  const segments = ['spec', 'values', ...dotPath.split('.')];
  let file = resource.source.path;
  for (const layer of resource.layers) {
    if (valueAt(layer.value, segments) !== undefined) file = layer.path;
  }
  return file;
}

/**
 * The HelmReleases and other objects an overlay yields. Only the resources
 * are validated as whole objects, after their patches are merged: a patch
 * is a partial object and never a broken release. Problems of a release
 * point at its resource document.
 */
export function readOverlayManifests(
  overlay: KustomizeOverlay,
): OverlayManifests {
  const result: OverlayManifests = {
    helmReleases: [],
    others: [],
    problems: [],
  };
  for (const resource of overlay.resources) {
    const { object, source } = resource;
    const apiVersion = String(object.apiVersion);
    const kind = String(object.kind);
    const at = { path: source.path, line: source.line };
    const merged = resource.patches.length
      ? ` (merged with ${[...new Set(resource.patches.map(p => p.path))].join(
          ', ',
        )})`
      : '';
    try {
      const manifestKind = classifyManifest(apiVersion, kind);
      if (manifestKind.kind === 'helm-release') {
        const { release, warnings } = readHelmRelease(
          resource.document,
          object,
          manifestKind.apiVersion,
        );
        const imageFiles = new Map<string, string>();
        for (const image of release.images) {
          const path =
            image.paths.tag ?? image.paths.image ?? image.paths.repository;
          if (path)
            imageFiles.set(image.container, fileWriting(resource, path));
        }
        result.helmReleases.push({
          release: { ...release, source },
          resource,
          imageFiles,
        });
        result.problems.push(
          ...warnings.map(w => ({
            ...at,
            message: `${w.message}${merged}`,
            blocking: false,
          })),
        );
      } else {
        const metadata = isMapping(object.metadata) ? object.metadata : {};
        result.others.push({
          apiVersion,
          kind,
          name: typeof metadata.name === 'string' ? metadata.name : '',
          ...(typeof metadata.namespace === 'string'
            ? { namespace: metadata.namespace }
            : {}),
          object,
          source,
        });
      }
    } catch (error) {
      if (!(error instanceof InvalidFieldError)) throw error;
      result.problems.push({
        ...at,
        message: `${kind} document ${source.document}${merged}: ${error.message}`,
        blocking: true,
      });
    }
  }
  return result;
}
