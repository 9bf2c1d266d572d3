import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { isRegistryHost } from '@backstage-gitops/plugin-gitops-common';
import { RegistryConfig, resolveRegistry } from './RegistryConfig';
import { DEFAULT_REGISTRY_POLICY, RegistryPolicy } from './RegistryHosts';

const MS_PER_UNIT: Record<string, number> = {
  milliseconds: 1,
  seconds: 1000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

/** `timeout` as a number of ms, or a HumanDuration object / '10s' / ISO string. */
function readTimeoutMs(entry: Config, where: string): number | undefined {
  if (!entry.has('timeout')) {
    return undefined;
  }
  const raw = entry.get('timeout');
  if (typeof raw === 'number') {
    return raw;
  }
  const duration = readDurationFromConfig(entry, { key: 'timeout' });
  let ms = 0;
  for (const [unit, value] of Object.entries(duration)) {
    const factor = MS_PER_UNIT[unit];
    if (factor === undefined) {
      throw new InputError(
        `${where}.timeout uses ${unit}; give it in weeks or smaller units`,
      );
    }
    ms += (value ?? 0) * factor;
  }
  return ms;
}

function readOptionalString(entry: Config, key: string, where: string) {
  const value = entry.getOptional(key);
  if (value !== undefined && typeof value !== 'string') {
    throw new InputError(`${where}.${key} must be a string`);
  }
  return value;
}

/**
 * Reads `gitops.registries[]` (host, url, username, password, concurrency,
 * timeout, tokenRealm, redirectHosts), checked at start with messages that
 * name the offending key.
 */
export function readRegistriesConfig(config: Config): RegistryConfig[] {
  const entries = config.getOptionalConfigArray('gitops.registries') ?? [];
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const where = `gitops.registries[${index}]`;
    const hostValue = entry.getOptional('host');
    if (typeof hostValue !== 'string' || !hostValue) {
      throw new InputError(
        `${where}.host is required, e.g. ghcr.io or 127.0.0.1:5000`,
      );
    }
    const host = hostValue.trim().toLowerCase();
    if (!isRegistryHost(host)) {
      throw new InputError(
        `${where}.host "${hostValue}" must be a host name as written in image refs (host[:port], no scheme or path)`,
      );
    }
    if (seen.has(host)) {
      throw new InputError(`${where}.host "${host}" is configured twice`);
    }
    seen.add(host);

    const concurrency = entry.getOptional('concurrency');
    if (
      concurrency !== undefined &&
      (typeof concurrency !== 'number' ||
        !Number.isInteger(concurrency) ||
        concurrency < 1 ||
        concurrency > 256)
    ) {
      throw new InputError(
        `${where}.concurrency must be an integer from 1 to 256, got ${JSON.stringify(
          concurrency,
        )}`,
      );
    }
    const timeoutMs = readTimeoutMs(entry, where);
    if (
      timeoutMs !== undefined &&
      !(timeoutMs > 0 && Number.isFinite(timeoutMs))
    ) {
      throw new InputError(`${where}.timeout must be a positive duration`);
    }
    const redirectHosts = entry.getOptional('redirectHosts');
    if (
      redirectHosts !== undefined &&
      (!Array.isArray(redirectHosts) ||
        !redirectHosts.every(h => typeof h === 'string' && isRegistryHost(h)))
    ) {
      throw new InputError(
        `${where}.redirectHosts must be a list of host names`,
      );
    }

    const registry: RegistryConfig = {
      host,
      url: readOptionalString(entry, 'url', where),
      username: readOptionalString(entry, 'username', where),
      password: readOptionalString(entry, 'password', where),
      concurrency: concurrency as number | undefined,
      timeoutMs,
      tokenRealm: readOptionalString(entry, 'tokenRealm', where),
      redirectHosts: redirectHosts as string[] | undefined,
    };
    // Same checks the scanner applies, reported against the config key.
    resolveRegistry(registry, where);
    return Object.fromEntries(
      Object.entries(registry).filter(([, value]) => value !== undefined),
    ) as RegistryConfig;
  });
}

function readPositiveInteger(
  policy: Config | undefined,
  key: 'maxTagsPerImage' | 'maxListingBytes',
): number {
  const value = policy?.getOptional(key) ?? DEFAULT_REGISTRY_POLICY[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InputError(
      `gitops.registryPolicy.${key} must be a positive integer, got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return value;
}

/**
 * Reads `gitops.registryPolicy`: whether image references may name the
 * public default registries without configuring them, and the caps on one
 * image's tag listing.
 */
export function readRegistryPolicy(config: Config): RegistryPolicy {
  const policy = config.getOptionalConfig('gitops.registryPolicy');
  return {
    allowPublicDefaults:
      policy?.getOptionalBoolean('allowPublicDefaults') ??
      DEFAULT_REGISTRY_POLICY.allowPublicDefaults,
    maxTagsPerImage: readPositiveInteger(policy, 'maxTagsPerImage'),
    maxListingBytes: readPositiveInteger(policy, 'maxListingBytes'),
  };
}
