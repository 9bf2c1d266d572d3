import { YAMLMap, isMap, isScalar } from 'yaml';
import {
  ParsedImageReference,
  parseImageReference,
} from '@backstage-gitops/plugin-gitops-common';
import { ImageReference } from './types';
import { entryNode, stringValue, tagValue } from './valueNodes';

/** An image found in the values, before the release's policy is applied. */
export type FoundImage = Omit<ImageReference, 'policy'>;

/** fluxd's name for an image written at the top level of the values. */
export const CHART_IMAGE = 'chart-image';

function withName(
  name: ParsedImageReference,
  overrides: { registry?: string; tag?: string },
): Pick<FoundImage, 'registry' | 'repository' | 'tag' | 'digest'> {
  const registry = overrides.registry ?? name.registry;
  return {
    ...(registry !== undefined ? { registry } : {}),
    repository: name.repository,
    tag: overrides.tag ?? name.tag,
    ...(name.digest !== undefined ? { digest: name.digest } : {}),
  };
}

/** A separately written registry counts only when it is a non-empty string. */
function registryValue(map: YAMLMap): string | undefined {
  return stringValue(entryNode(map, 'registry')) || undefined;
}

/**
 * `image: {repository, tag}` and `image: {registry, repository, tag}`. As in
 * fluxd, a separate registry or tag replaces whatever the repository string
 * carries.
 */
function imageObject(
  container: string,
  map: YAMLMap,
  prefix: string,
): FoundImage | undefined {
  const name = parseImageReference(
    stringValue(entryNode(map, 'repository')) ?? '',
  );
  if (!name) return undefined;
  const registry = registryValue(map);
  const tag = tagValue(entryNode(map, 'tag'));
  return {
    container,
    ...withName(name, { registry, tag }),
    paths: {
      ...(registry !== undefined ? { registry: `${prefix}registry` } : {}),
      repository: `${prefix}repository`,
      ...(tag !== undefined ? { tag: `${prefix}tag` } : {}),
    },
    shape: registry !== undefined ? 'image-object-registry' : 'image-object',
  };
}

/**
 * A mapping that holds an image: `image: repo:tag`, `image` + `tag`,
 * `registry` + `image` [+ `tag`], or `image:` holding an image object.
 * `prefix` is the mapping's own dot path plus a dot ('' at the top).
 */
function containerImage(
  container: string,
  map: YAMLMap,
  prefix: string,
): FoundImage | undefined {
  const image = entryNode(map, 'image');
  if (isMap(image)) return imageObject(container, image, `${prefix}image.`);

  const name = parseImageReference(stringValue(image) ?? '');
  if (!name) return undefined;
  const registry = registryValue(map);
  const tag = tagValue(entryNode(map, 'tag'));
  let shape: FoundImage['shape'] = 'image-string';
  if (registry !== undefined) shape = 'registry-image-tag';
  else if (tag !== undefined) shape = 'image-and-tag';
  return {
    container,
    ...withName(name, { registry, tag }),
    paths: {
      ...(registry !== undefined ? { registry: `${prefix}registry` } : {}),
      image: `${prefix}image`,
      ...(tag !== undefined ? { tag: `${prefix}tag` } : {}),
    },
    shape,
  };
}

/**
 * The images fluxd v1 recognises in HelmRelease values: one at the top level
 * (container `chart-image`) and one in each first-level mapping (container
 * named for its key). A first-level key named `chart-image` replaces the
 * top-level image, as it did in fluxd. Keys with dots are skipped: a dot
 * path could not name them.
 */
export function findImagesByShape(values: YAMLMap): FoundImage[] {
  const found = new Map<string, FoundImage>();
  const top = containerImage(CHART_IMAGE, values, '');
  if (top) found.set(CHART_IMAGE, top);

  for (const pair of values.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key !== 'string' || key.includes('.') || !isMap(pair.value)) {
      continue;
    }
    const image = containerImage(key, pair.value, `${key}.`);
    if (image) found.set(key, image);
  }
  return [...found.values()];
}
