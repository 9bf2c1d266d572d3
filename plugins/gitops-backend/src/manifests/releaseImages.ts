import { YAMLMap } from 'yaml';
import { findImagesByAnnotation } from './annotatedImages';
import { FluxAnnotations, containerPolicy } from './fluxAnnotations';
import { CHART_IMAGE, FoundImage, findImagesByShape } from './imageShapes';
import { findImagesBySetterMarker } from './setterMarkers';
import { ImageReference } from './types';

export type ReleaseImages = {
  images: ImageReference[];
  annotationProblems: Array<{ annotation: string; message: string }>;
  markerProblems: Array<{ offset: number; message: string }>;
};

function valuePaths(image: FoundImage): string[] {
  return Object.values(image.paths).filter((p): p is string => Boolean(p));
}

/** fluxd's order: `chart-image` first, then by container name. */
function byContainer(a: ImageReference, b: ImageReference): number {
  if (a.container === b.container) return 0;
  if (a.container === CHART_IMAGE) return -1;
  if (b.container === CHART_IMAGE) return 1;
  return a.container < b.container ? -1 : 1;
}

/**
 * Every image of a release, one per container. Precedence, most explicit
 * first: a setter marker replaces any image using the same values or the
 * same container name; an image path annotation replaces the image found by
 * shape for its container (as in fluxd).
 */
export function findReleaseImages(
  values: YAMLMap | undefined,
  text: string,
  flux: FluxAnnotations,
): ReleaseImages {
  const byName = new Map<string, FoundImage>();
  if (values) {
    for (const image of findImagesByShape(values))
      byName.set(image.container, image);
  }
  const annotated = findImagesByAnnotation(values, flux.imagePaths);
  for (const image of annotated.images) byName.set(image.container, image);

  const markers = values
    ? findImagesBySetterMarker(values, text)
    : { images: [], problems: [] };
  const markedPaths = new Set(markers.images.flatMap(valuePaths));
  const markedContainers = new Set(markers.images.map(m => m.container));
  for (const [container, image] of byName) {
    if (
      markedContainers.has(container) ||
      valuePaths(image).some(path => markedPaths.has(path))
    ) {
      byName.delete(container);
    }
  }
  for (const marked of markers.images) byName.set(marked.container, marked);

  const images = [...byName.values()].map((image): ImageReference => {
    // A digest pins the image on purpose; automation must leave it alone.
    const policy = image.digest
      ? undefined
      : containerPolicy(flux, image.container);
    return { ...image, ...(policy !== undefined ? { policy } : {}) };
  });
  return {
    images: images.sort(byContainer),
    annotationProblems: annotated.problems,
    markerProblems: markers.problems,
  };
}
