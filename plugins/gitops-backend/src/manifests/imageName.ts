/**
 * Splitting a container image reference (`[host[:port]/]path[:tag][@digest]`)
 * into its parts, with Docker's rule for telling a registry host from the
 * first path segment.
 */

export type ImageName = {
  registry?: string;
  repository: string;
  /** `''` when none is written. */
  tag: string;
  digest?: string;
};

/** Path segments: lower-case alphanumerics joined by `.`, `_`, `__` or dashes. */
const PATH_SEGMENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Za-z0-9=_-]{32,}$/;

/**
 * Docker reads the first segment as a registry host only when it has a `.`
 * or a `:` (port), or is `localhost`; `stefanprodan/podinfo` is a Docker Hub
 * path, `ghcr.io/org/app` and `host:5000/app` are not.
 */
export function isRegistryHost(segment: string): boolean {
  return (
    segment.includes('.') || segment.includes(':') || segment === 'localhost'
  );
}

/** A repository path without host, tag or digest: `org/app`. */
export function isRepositoryPath(path: string): boolean {
  return path.split('/').every(segment => PATH_SEGMENT.test(segment));
}

export function isImageTag(tag: string): boolean {
  return TAG.test(tag);
}

/**
 * The parts of an image reference as written, or undefined when the text is
 * not one (so that an ordinary `image: true` or a sentence is not mistaken
 * for an image). The host is only split off when a path follows it.
 */
export function parseImageName(text: string): ImageName | undefined {
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
  if (slash > 0 && isRegistryHost(rest.slice(0, slash))) {
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
