import {
  Scalar,
  YAMLMap,
  YAMLSeq,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
} from 'yaml';
import { parseImageReference } from '@backstage-gitops/plugin-gitops-common';
import { isMapping } from './fieldValidation';
import { CHART_IMAGE, FoundImage } from './imageShapes';
import { KUBERNETES_YAML_OPTIONS } from './kubernetesYaml';
import { ImagePolicyRef } from './types';
import {
  dotPath,
  entryNode,
  lineCommentAfter,
  stringValue,
  tagValue,
} from './valueNodes';

export type SetterMarkerImages = {
  images: FoundImage[];
  /** Malformed markers, by the offset of the value they sit on. */
  problems: Array<{ offset: number; message: string }>;
};

type PolicyName = { namespace: string; name: string };

type MarkerField = 'tag' | 'name' | 'digest';

type Marker = {
  policy: PolicyName;
  field?: MarkerField;
  node: Scalar;
  segments: (string | number)[];
  parent: YAMLMap | YAMLSeq;
};

/** Values nest a few levels; a pathological file must not exhaust the stack. */
const MAX_DEPTH = 64;

type MarkerReading =
  | { marker: Omit<Marker, 'node' | 'segments' | 'parent'> }
  | { problem: string };

/**
 * Flux v2's marker is a JSON object in the line comment:
 * `{"$imagepolicy": "<namespace>:<name>"}` for a whole image reference, with
 * `:tag`, `:name` or `:digest` appended for a value holding only that part.
 */
function readMarker(comment: string): MarkerReading | undefined {
  const trimmed = comment.trim();
  if (!trimmed.includes('$imagepolicy')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return { problem: `image policy marker ${trimmed} is not valid JSON` };
  }
  const setter = isMapping(parsed) ? parsed.$imagepolicy : undefined;
  const parts = typeof setter === 'string' ? setter.split(':') : [];
  if (parts.length < 2 || parts.length > 3 || parts.some(part => !part)) {
    return {
      problem: `image policy marker ${trimmed} must name a policy as "<namespace>:<name>", optionally followed by ":tag", ":name" or ":digest"`,
    };
  }
  const [namespace, name, field] = parts;
  if (
    field !== undefined &&
    field !== 'tag' &&
    field !== 'name' &&
    field !== 'digest'
  ) {
    return {
      problem: `image policy marker ${trimmed} asks for "${field}", but only whole images, ":tag", ":name" and ":digest" are supported`,
    };
  }
  return {
    marker: { policy: { namespace, name }, ...(field ? { field } : {}) },
  };
}

function collectMarkers(
  values: YAMLMap,
  text: string,
  problems: SetterMarkerImages['problems'],
): Marker[] {
  const markers: Marker[] = [];
  const visit = (
    node: unknown,
    segments: (string | number)[],
    parent: YAMLMap | YAMLSeq,
  ) => {
    if (isScalar(node)) {
      const comment = lineCommentAfter(node, text);
      const reading = comment === undefined ? undefined : readMarker(comment);
      if (!reading) return;
      const offset = node.range?.[0] ?? 0;
      if ('problem' in reading) {
        problems.push({ offset, message: reading.problem });
      } else if (segments.some(s => typeof s === 'string' && s.includes('.'))) {
        problems.push({
          offset,
          message: `image policy marker on spec.values.${dotPath(
            segments,
          )} is ignored: a key with a dot cannot be named by a dot path`,
        });
      } else {
        markers.push({ ...reading.marker, node, segments, parent });
      }
    } else if (segments.length < MAX_DEPTH) {
      walk(node, segments);
    }
  };
  function walk(node: unknown, segments: (string | number)[]) {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : undefined;
        if (typeof key === 'string' || typeof key === 'number') {
          visit(pair.value, [...segments, String(key)], node);
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) =>
        visit(item, [...segments, index], node),
      );
    }
  }
  walk(values, []);
  return markers;
}

/** The mapping a marker sits in, named without a trailing `image` segment. */
function containerName(parentSegments: (string | number)[]): string {
  const segments = [...parentSegments];
  if (segments[segments.length - 1] === 'image') segments.pop();
  return segments.length ? dotPath(segments) : CHART_IMAGE;
}

function policyRef(policy: PolicyName, field?: MarkerField): ImagePolicyRef {
  return { ...policy, ...(field ? { field } : {}) };
}

function wholeImage(marker: Marker): FoundImage | string {
  const name = parseImageReference(stringValue(marker.node) ?? '');
  if (!name) {
    return `spec.values.${dotPath(
      marker.segments,
    )} carries an image policy marker but does not hold an image reference`;
  }
  return {
    container: containerName(marker.segments.slice(0, -1)),
    ...name,
    paths: { image: dotPath(marker.segments) },
    shape: 'setter-marker',
    imagePolicyRef: policyRef(marker.policy),
  };
}

/** A digest as Flux writes it for a `:digest` marker: `<algorithm>:<hex>`. */
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

/**
 * A `:name`, a `:tag` and a `:digest` marker of the same policy in one
 * mapping describe one image. Missing parts are read from the usual sibling
 * keys so that the reference is complete, but only marked values are
 * listed in `paths`: Flux rewrites nothing else.
 */
function partialImage(markers: {
  name?: Marker;
  tag?: Marker;
  digest?: Marker;
}): FoundImage | string {
  const any = (markers.name ?? markers.tag ?? markers.digest)!;
  const siblings = isMap(any.parent) ? any.parent : undefined;
  const sibling = (key: string) =>
    siblings ? entryNode(siblings, key) : undefined;

  const nameText = markers.name
    ? stringValue(markers.name.node)
    : stringValue(sibling('repository')) ?? stringValue(sibling('image'));
  const name =
    nameText === undefined ? undefined : parseImageReference(nameText);
  if (markers.name && !name) {
    return `spec.values.${dotPath(
      markers.name.segments,
    )} carries an image policy marker for a name but does not hold an image name`;
  }
  const tag = markers.tag
    ? tagValue(markers.tag.node)
    : tagValue(sibling('tag'));
  if (markers.tag && tag === undefined) {
    return `spec.values.${dotPath(
      markers.tag.segments,
    )} carries an image policy marker for a tag but does not hold a tag`;
  }
  const digestText = markers.digest && stringValue(markers.digest.node);
  if (markers.digest && !(digestText && DIGEST.test(digestText))) {
    return `spec.values.${dotPath(
      markers.digest.segments,
    )} carries an image policy marker for a digest but does not hold a digest`;
  }
  const digest = digestText ?? name?.digest;
  const registry =
    name?.registry ?? (stringValue(sibling('registry')) || undefined);
  const marked = (['name', 'tag', 'digest'] as const).filter(f => markers[f]);
  // One marked part names its field; several describe the image as a whole,
  // except that a digest among them is what the policy's value sets.
  let field: typeof any.field | undefined = markers.digest
    ? 'digest'
    : undefined;
  if (marked.length === 1) field = any.field;
  return {
    container: containerName(any.segments.slice(0, -1)),
    ...(registry !== undefined ? { registry } : {}),
    repository: name?.repository ?? '',
    tag: tag ?? name?.tag ?? '',
    ...(digest !== undefined ? { digest } : {}),
    paths: {
      ...(markers.name ? { repository: dotPath(markers.name.segments) } : {}),
      ...(markers.tag ? { tag: dotPath(markers.tag.segments) } : {}),
      ...(markers.digest ? { digest: dotPath(markers.digest.segments) } : {}),
    },
    shape: 'setter-marker',
    imagePolicyRef: policyRef(any.policy, field),
  };
}

/**
 * Images marked for Flux v2 image automation by setter comments anywhere in
 * the values. Containers that would share a name keep the first one's name;
 * the others are named by the path of their marked value.
 */
export function findImagesBySetterMarker(
  values: YAMLMap,
  text: string,
): SetterMarkerImages {
  const problems: SetterMarkerImages['problems'] = [];
  const markers = collectMarkers(values, text, problems);

  // Field markers grouped by the mapping they sit in and their policy.
  type Group = { name?: Marker; tag?: Marker; digest?: Marker };
  const groups: Group[] = [];
  const groupsByParent = new Map<YAMLMap | YAMLSeq, Map<string, Group[]>>();
  const built: Array<{ image: FoundImage | string; first: Marker }> = [];
  for (const marker of markers) {
    if (!marker.field) {
      built.push({ image: wholeImage(marker), first: marker });
      continue;
    }
    const slot = marker.field;
    const byPolicy =
      groupsByParent.get(marker.parent) ?? new Map<string, Group[]>();
    groupsByParent.set(marker.parent, byPolicy);
    const policyKey = `${marker.policy.namespace}:${marker.policy.name}`;
    const candidates = byPolicy.get(policyKey) ?? [];
    byPolicy.set(policyKey, candidates);
    const group = candidates.find(g => !g[slot]);
    if (group) {
      group[slot] = marker;
    } else {
      const created: Group = { [slot]: marker };
      candidates.push(created);
      groups.push(created);
    }
  }
  for (const group of groups) {
    built.push({
      image: partialImage(group),
      first: (group.name ?? group.tag ?? group.digest)!,
    });
  }

  const images: FoundImage[] = [];
  const taken = new Set<string>();
  built.sort(
    (a, b) => (a.first.node.range?.[0] ?? 0) - (b.first.node.range?.[0] ?? 0),
  );
  for (const { image, first } of built) {
    if (typeof image === 'string') {
      problems.push({ offset: first.node.range?.[0] ?? 0, message: image });
      continue;
    }
    const container = taken.has(image.container)
      ? dotPath(first.segments)
      : image.container;
    taken.add(container);
    images.push({ ...image, container });
  }
  return { images, problems };
}

/** One marked value anywhere in a file, as Flux's setters strategy finds it. */
export type MarkedValue = {
  policy: PolicyName;
  field?: MarkerField;
  node: Scalar;
  /** The value as written (a tag as its text, not as YAML 1.1 reads it). */
  text: string;
};

/**
 * Every setter-marked scalar of a file, in any document and any kind, as
 * image-automation-controller scans the files under an update path: it
 * does not care which object the marker sits in. `error` is set (and no
 * value returned) when the file is not YAML that reads cleanly, so that a
 * writer leaves it alone.
 */
export function findMarkedValues(text: string): {
  values: MarkedValue[];
  error?: string;
} {
  const documents = parseAllDocuments(text, KUBERNETES_YAML_OPTIONS);
  if (!Array.isArray(documents)) {
    return { values: [], error: 'the file is not a YAML stream' };
  }
  const failed = documents.find(d => d.errors.length > 0);
  if (failed) return { values: [], error: failed.errors[0].message };
  const values: MarkedValue[] = [];
  const visit = (node: unknown, depth: number) => {
    if (depth > MAX_DEPTH) return;
    if (isScalar(node)) {
      const comment = lineCommentAfter(node, text);
      const reading = comment === undefined ? undefined : readMarker(comment);
      const written = tagValue(node);
      if (reading && 'marker' in reading && written !== undefined) {
        values.push({ ...reading.marker, node, text: written });
      }
    } else if (isMap(node)) {
      for (const pair of node.items) visit(pair.value, depth + 1);
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item, depth + 1);
    }
  };
  for (const document of documents) visit(document.contents, 0);
  return { values };
}
