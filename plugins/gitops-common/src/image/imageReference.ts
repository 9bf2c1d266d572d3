/**
 * Container image references, for the backend and the cards alike: one
 * parser for the text a values file holds (`[host[:port]/]path[:tag][@digest]`)
 * and one normaliser for where an image lives, so that `nginx`,
 * `docker.io/library/nginx` and `index.docker.io/nginx` are one image
 * everywhere.
 */

/**
 * The parts of an image reference, as written.
 *
 * @public
 */
export type ParsedImageReference = {
  /** Set only when the text starts with a registry host. */
  registry?: string;
  /** The path without host, tag or digest: `org/app`. */
  repository: string;
  /** `''` when none is written. */
  tag: string;
  digest?: string;
};

/**
 * Where an image lives, in one spelling: the registry host lower-case,
 * `docker.io` for Docker Hub, and Docker Hub's official images under
 * `library/`.
 *
 * @public
 */
export type ImageName = {
  host: string;
  /** The repository path inside the registry, such as `library/nginx`. */
  repository: string;
};

/**
 * An image reference that names no image a registry could serve. Carries the
 * name Backstage's error handler answers with a 400, as `InputError` does:
 * this package does not depend on `@backstage/errors`.
 *
 * @public
 */
export class ImageReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** @public */
export const DOCKER_HUB = 'docker.io';

// Docker Hub's hosts as image references and registry URLs write them.
const DOCKER_HUB_HOSTS = new Set([
  DOCKER_HUB,
  'index.docker.io',
  'registry-1.docker.io',
]);

/** Path segments: lower-case alphanumerics joined by `.`, `_`, `__` or dashes. */
const PATH_SEGMENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Za-z0-9=_-]{32,}$/;
// A host name or IPv4 address, or a bracketed IPv6 literal, with an optional port.
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;
const MAX_NAME_LENGTH = 255;

/**
 * Docker reads the first path segment as a registry host only when it has a
 * `.` or a `:` (port), or is `localhost`: `stefanprodan/podinfo` is a Docker
 * Hub path, `ghcr.io/org/app` and `host:5000/app` are not. This says how a
 * reference is split, not whether the host is well-formed
 * ({@link isRegistryHost} does).
 *
 * @public
 */
export function readsAsRegistryHost(segment: string): boolean {
  return (
    segment.includes('.') || segment.includes(':') || segment === 'localhost'
  );
}

/**
 * Whether `host` is a well-formed registry host as references write it, in
 * lower case: a name or an IP address, with an optional port. Anything else
 * could bend the URLs built from it.
 *
 * @public
 */
export function isRegistryHost(host: string): boolean {
  return host.length <= MAX_NAME_LENGTH && HOST.test(host);
}

/**
 * A repository path without host, tag or digest: `org/app`.
 *
 * @public
 */
export function isRepositoryPath(path: string): boolean {
  return path.split('/').every(segment => PATH_SEGMENT.test(segment));
}

/** @public */
export function isImageTag(tag: string): boolean {
  return TAG.test(tag);
}

/**
 * The parts of an image reference as written, or undefined when the text is
 * not one (so that an ordinary `image: true` or a sentence is not mistaken
 * for an image). The host is only split off when a path follows it.
 *
 * @public
 */
export function parseImageReference(
  text: string,
): ParsedImageReference | undefined {
  if (!text || /\s/.test(text)) return undefined;

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }

  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0 && readsAsRegistryHost(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    rest = rest.slice(slash + 1);
    if (!/^[A-Za-z0-9.-]+(?::[0-9]+)?$/.test(registry)) return undefined;
  }

  // Past the host, a colon can only separate the tag.
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isImageTag(tag)) return undefined;
  }
  if (!isRepositoryPath(rest)) return undefined;

  return {
    ...(registry !== undefined ? { registry } : {}),
    repository: rest,
    tag,
    ...(digest !== undefined ? { digest } : {}),
  };
}

/**
 * Where an image lives: `registry` unset or any of Docker Hub's hosts means
 * Docker Hub, where one-segment names are official images under `library/`.
 * Throws an {@link ImageReferenceError} for a host or repository that
 * registries would not accept.
 *
 * @public
 */
export function resolveImageName(image: {
  registry?: string;
  repository: string;
}): ImageName {
  const registry = image.registry?.trim().toLowerCase() || DOCKER_HUB;
  if (!isRegistryHost(registry)) {
    throw new ImageReferenceError(`"${image.registry}" is not a registry host`);
  }
  const host = DOCKER_HUB_HOSTS.has(registry) ? DOCKER_HUB : registry;
  let repository = image.repository;
  if (host === DOCKER_HUB && !repository.includes('/')) {
    repository = `library/${repository}`;
  }
  if (repository.length > MAX_NAME_LENGTH || !isRepositoryPath(repository)) {
    throw new ImageReferenceError(
      `"${image.repository}" is not a repository name (lower-case path segments of letters, digits and . _ - separators)`,
    );
  }
  return { host, repository };
}

/**
 * A resolved image as people write it, for messages: `ghcr.io/org/app`.
 *
 * @public
 */
export function formatImageName(name: ImageName): string {
  return `${name.host}/${name.repository}`;
}

/**
 * An image as its release writes it, for messages: `ghcr.io/org/app`, or
 * `stefanprodan/podinfo` without a registry.
 *
 * @public
 */
export function imageLabel(image: {
  registry?: string;
  repository: string;
}): string {
  return image.registry
    ? `${image.registry}/${image.repository}`
    : image.repository;
}

/**
 * Whether two images are the same image however each is spelled:
 * `docker.io/library/nginx` and `nginx` are. Images that do not resolve are
 * compared as written.
 *
 * @public
 */
export function sameImage(
  a: { registry?: string; repository: string },
  b: { registry?: string; repository: string },
): boolean {
  try {
    const [left, right] = [resolveImageName(a), resolveImageName(b)];
    return left.host === right.host && left.repository === right.repository;
  } catch {
    return (
      (a.registry ?? '') === (b.registry ?? '') && a.repository === b.repository
    );
  }
}

/**
 * Every repository path a values file may write for the image `text` names
 * (`docker.io/library/nginx`, `index.docker.io/nginx` and `nginx` are one
 * image), without its registry host, as releases store the host apart.
 *
 * @public
 */
export function imageRepositorySpellings(text: string): string[] {
  const slash = text.indexOf('/');
  const bare = (
    slash > 0 && DOCKER_HUB_HOSTS.has(text.slice(0, slash))
      ? text.slice(slash + 1)
      : text
  ).replace(/^library\//, '');
  const spellings = new Set([text, bare]);
  if (!bare.includes('/')) spellings.add(`library/${bare}`);
  const host = /^([^/]+)\/(.+)$/.exec(bare);
  if (host && readsAsRegistryHost(host[1])) spellings.add(host[2]);
  return [...spellings];
}
