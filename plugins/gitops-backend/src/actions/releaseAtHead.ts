import { ConflictError } from '@backstage/errors';
import { parseImageReference } from '@backstage-gitops/plugin-gitops-common';
import { Document, isMap, parseAllDocuments } from 'yaml';
import { ReleaseRecord, ReleaseRecordImage } from '../database';
import { decodeUtf8File, isLockedBy, valueNodeAt } from '../edits';
import {
  HelmReleaseManifest,
  ImageReference,
  KUBERNETES_YAML_OPTIONS,
  stringValue,
  tagValue,
} from '../manifests';
import {
  brokenFile,
  brokenFileConflict,
  ManifestAtHead,
} from './manifestsAtHead';
import { HeadSnapshot } from './RepositoryWriter';

/**
 * A release as one file at the remote head writes it: the whole
 * HelmRelease (Flux v1, a v2 base), or an overlay's patch of it, which
 * writes only the fields that differ in its environment.
 */
export type ReleaseAtHead = {
  path: string;
  /** The whole file, which is what gets rewritten. */
  content: string;
  /** The YAML document (0-based, as the manifests parser counts) that writes the release. */
  document: number;
  /** `namespace/name` of the release, for messages. */
  label: string;
  /** Whether this document locks the release. */
  locked: boolean;
  /** The images this document writes the value of. */
  images: ImageReference[];
  /** Set when the document is a whole HelmRelease, not a patch. */
  manifest?: HelmReleaseManifest;
};

const LATER = 'it changed since the last sync; try again once git sync ran';

/**
 * Reads a release from a file at the head an action writes on, not from
 * the store, which may be a sync behind: what git says now is what the
 * commit changes. `path` is the release's file by default; per-environment
 * edits of a v2 overlay go to its patch file, and an image's value may sit
 * in another file (`ReleaseRecordImage.file`).
 *
 * A release that left the file since the last sync is a `ConflictError`,
 * to be tried again once git sync caught up; so is a file that does not
 * read cleanly there, naming the line to fix: nothing is written on a file
 * read in part.
 */
export async function releaseAtHead(
  snapshot: HeadSnapshot,
  release: ReleaseRecord,
  path: string = release.sourcePath,
): Promise<ReleaseAtHead> {
  const file = (await snapshot.readManifests([path])).get(path);
  if (!file) {
    throw new ConflictError(
      `${path} is not in the repository at ${snapshot.head.slice(
        0,
        12,
      )}: ${LATER}`,
    );
  }
  const label = `${release.namespace}/${release.name}`;
  const manifest = wholeRelease(file, release);
  if (manifest) {
    const broken = brokenFile(file, snapshot.head);
    if (broken) throw brokenFileConflict(broken);
    return {
      path,
      content: decodeUtf8File(path, file.content),
      document: manifest.source.document,
      label,
      locked: manifest.locked,
      images: manifest.images,
      manifest,
    };
  }
  return patchAtHead(file, snapshot.head, release, label);
}

/**
 * The HelmRelease as a whole document of the file: by namespace and name,
 * else (a base an overlay moves to its own namespace) the one of that name.
 */
function wholeRelease(
  file: ManifestAtHead,
  release: ReleaseRecord,
): HelmReleaseManifest | undefined {
  const releases = file.parsed.helmReleases;
  const exact = releases.find(
    m => m.namespace === release.namespace && m.name === release.name,
  );
  if (exact) return exact;
  const named = releases.filter(m => m.name === release.name);
  return named.length === 1 ? named[0] : undefined;
}

/**
 * An overlay's patch: a partial HelmRelease that kustomize merges over the
 * base, so it is read as one. It names the release (its namespace, when it
 * writes one, is the release's) and writes some values; the images it holds
 * are the stored ones whose paths it writes, with the values it writes now.
 */
function patchAtHead(
  file: ManifestAtHead,
  head: string,
  release: ReleaseRecord,
  label: string,
): ReleaseAtHead {
  const { path } = file;
  if (file.content.length === 0 && !file.parsed.complete) {
    // Over the size limit: read as its size only.
    throw brokenFileConflict(brokenFile(file, head)!);
  }
  const content = decodeUtf8File(path, file.content);
  const documents = parseAllDocuments(content, KUBERNETES_YAML_OPTIONS);
  const list = Array.isArray(documents) ? documents : [];
  const failed = list.findIndex(d => d.errors.length > 0);
  if (failed >= 0) {
    const error = list[failed].errors[0];
    throw brokenFileConflict({
      path,
      head,
      ...(error.linePos ? { line: error.linePos[0].line } : {}),
      message: error.message.split('\n')[0],
      more: list.reduce((n, d) => n + d.errors.length, 0) - 1,
    });
  }
  const matches = list
    .map((document, index) => ({ document, index }))
    .filter(({ document }) => writesRelease(document, release));
  if (matches.length !== 1) {
    throw new ConflictError(
      matches.length === 0
        ? `${path} no longer holds the HelmRelease ${label}: ${LATER}`
        : `${path} holds ${matches.length} HelmReleases named ${release.name}; cannot tell which one to change`,
    );
  }
  const [{ document, index }] = matches;
  const annotations = document.getIn(['metadata', 'annotations']);
  return {
    path,
    content,
    document: index,
    label,
    // The mapping node, read as plain values: annotations are flat strings.
    locked: isLockedBy(isMap(annotations) ? annotations.toJSON() : {}),
    images: release.images.flatMap(image => {
      const found = imageIn(document, image);
      return found ? [found] : [];
    }),
  };
}

function writesRelease(
  document: Document.Parsed,
  release: ReleaseRecord,
): boolean {
  if (!isMap(document.contents)) return false;
  const apiVersion = document.get('apiVersion');
  const namespace = document.getIn(['metadata', 'namespace']);
  return (
    document.get('kind') === 'HelmRelease' &&
    typeof apiVersion === 'string' &&
    apiVersion.startsWith('helm.toolkit.fluxcd.io/') &&
    document.getIn(['metadata', 'name']) === release.name &&
    (namespace === undefined ||
      namespace === null ||
      namespace === release.namespace)
  );
}

/**
 * A stored image as this document writes it: the value paths it holds,
 * with the tag it holds now. Undefined when it writes none of them.
 */
function imageIn(
  document: Document.Parsed,
  image: ReleaseRecordImage,
): ImageReference | undefined {
  const written = Object.entries(image.paths).filter(
    ([, valuePath]) => valueNodeAt(document, valuePath) !== undefined,
  );
  if (written.length === 0) return undefined;
  const paths = Object.fromEntries(written);
  let tag: string | undefined;
  let digest: string | undefined;
  if (paths.tag) {
    tag = tagValue(valueNodeAt(document, paths.tag));
  } else {
    const name = paths.image ?? paths.repository;
    const text = name ? stringValue(valueNodeAt(document, name)) : undefined;
    const parsed = text === undefined ? undefined : parseImageReference(text);
    tag = parsed?.tag;
    digest = parsed?.digest;
  }
  return {
    container: image.container,
    ...(image.registry ? { registry: image.registry } : {}),
    repository: image.repository,
    tag: tag ?? '',
    ...(digest ? { digest } : {}),
    ...(image.policy !== undefined ? { policy: image.policy } : {}),
    paths,
    shape: image.imagePolicyRef ? 'setter-marker' : 'annotation-paths',
    ...(image.imagePolicyRef
      ? { imagePolicyRef: { ...image.imagePolicyRef } }
      : {}),
  };
}

export function findReleaseImage(
  release: ReleaseAtHead,
  container: string,
): ImageReference {
  const image = release.images.find(i => i.container === container);
  if (!image) {
    throw new ConflictError(
      `${release.label} in ${release.path} no longer has the container ${container}`,
    );
  }
  return image;
}
