import { NotAllowedError } from '@backstage/errors';
import { DOCKER_HUB } from '@backstage-gitops/plugin-gitops-common';
import {
  RegistryConfig,
  ResolvedRegistry,
  resolveRegistry,
} from './RegistryConfig';

/** `gitops.registryPolicy`: which hosts image references may name, and how much one image may list. */
export type RegistryPolicy = {
  /** Reach {@link PUBLIC_REGISTRY_HOSTS} without configuring them (anonymously, public addresses only). */
  allowPublicDefaults: boolean;
  /** Tags one image may list; more is a problem of the image. */
  maxTagsPerImage: number;
  /** Bytes of one image's tag listing, all pages together. */
  maxListingBytes: number;
};

export const DEFAULT_REGISTRY_POLICY: RegistryPolicy = {
  allowPublicDefaults: true,
  maxTagsPerImage: 20_000,
  maxListingBytes: 8 * 1024 * 1024,
};

/**
 * Public registries image references may name without configuration. Each
 * is reached at `https://<host>` (Docker Hub at registry-1.docker.io), and
 * only where its name resolves to public addresses.
 */
export const PUBLIC_REGISTRY_HOSTS: readonly string[] = [
  DOCKER_HUB,
  'ghcr.io',
  'quay.io',
  'registry.k8s.io',
  'gcr.io',
  'public.ecr.aws',
  'mcr.microsoft.com',
  'registry.gitlab.com',
];

/**
 * Decides which registry an image host is, if any. Image references come
 * from repository files, so a host is reached only when `gitops.registries`
 * configures it or it is one of the public defaults the policy allows;
 * anything else would let a file make the backend connect wherever it says.
 */
export class RegistryHosts {
  private readonly configured = new Map<string, ResolvedRegistry>();
  private readonly publicDefaults: Set<string>;

  constructor(
    registries: RegistryConfig[],
    readonly policy: RegistryPolicy = DEFAULT_REGISTRY_POLICY,
  ) {
    for (const registry of registries) {
      const resolved = resolveRegistry({
        ...registry,
        host: registry.host.trim().toLowerCase(),
      });
      this.configured.set(resolved.host, resolved);
    }
    this.publicDefaults = new Set(
      policy.allowPublicDefaults ? PUBLIC_REGISTRY_HOSTS : [],
    );
  }

  /** The registry serving `host` (as image names write it), or NotAllowedError. */
  resolve(host: string): ResolvedRegistry {
    const configured = this.configured.get(host);
    if (configured) return configured;
    if (this.publicDefaults.has(host)) {
      return { ...resolveRegistry({ host }), publicAddressesOnly: true };
    }
    throw new NotAllowedError(
      `registry host ${host} is not allowed: add it to gitops.registries`,
    );
  }
}
