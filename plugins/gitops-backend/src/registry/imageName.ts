import { InputError } from '@backstage/errors';
import { DOCKER_HUB } from './RegistryConfig';

export type ImageName = {
  /** Registry host as in image refs, lower-case; 'docker.io' for Docker Hub. */
  host: string;
  /** Repository path inside the registry, e.g. 'library/nginx'. */
  repository: string;
};

// hostname or IPv4, or a bracketed IPv6 literal, with an optional port.
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;
// The OCI distribution spec's repository name grammar. Anything else could
// smuggle `..`, `?` or `#` into request paths.
const REPOSITORY =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io']);

/** Whether `host` is a registry host as image refs write it: name or IP, optional port. */
export function isRegistryHost(host: string): boolean {
  return host.length <= 255 && HOST.test(host);
}

/**
 * Where an image lives: `registry` undefined or 'docker.io' means Docker
 * Hub, where one-segment names are official images under 'library/'.
 */
export function resolveImageName(image: {
  registry?: string;
  repository: string;
}): ImageName {
  const registry = image.registry?.trim().toLowerCase() || DOCKER_HUB;
  if (!isRegistryHost(registry)) {
    throw new InputError(`"${image.registry}" is not a registry host`);
  }
  const host = DOCKER_HUB_ALIASES.has(registry) ? DOCKER_HUB : registry;
  let repository = image.repository;
  if (host === DOCKER_HUB && !repository.includes('/')) {
    repository = `library/${repository}`;
  }
  if (repository.length > 255 || !REPOSITORY.test(repository)) {
    throw new InputError(
      `"${image.repository}" is not a repository name (lower-case path segments of letters, digits and . _ - separators)`,
    );
  }
  return { host, repository };
}

/** The image as people write it, for messages: `ghcr.io/org/app`. */
export function formatImageName(name: ImageName): string {
  return `${name.host}/${name.repository}`;
}
