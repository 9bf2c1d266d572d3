import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** How the read routes cache decisions and entities, and how often release owners are resolved anew. */
export type ReadPathConfig = {
  permissionDecisionCacheSeconds: number;
  entityCacheSeconds: number;
  releaseOwnersFullRefreshMinutes: number;
};

function nonNegative(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new InputError(
      `gitops.${key} must be a number of at least 0, not ${value}`,
    );
  }
  return value;
}

export function readReadPathConfig(root: Config): ReadPathConfig {
  const config = root.getOptionalConfig('gitops');
  if (!config) {
    return {
      permissionDecisionCacheSeconds: 10,
      entityCacheSeconds: 10,
      releaseOwnersFullRefreshMinutes: 10,
    };
  }
  return {
    permissionDecisionCacheSeconds: nonNegative(
      config,
      'permissionDecisionCacheSeconds',
      10,
    ),
    entityCacheSeconds: nonNegative(config, 'entityCacheSeconds', 10),
    releaseOwnersFullRefreshMinutes: Math.max(
      1,
      nonNegative(config, 'releaseOwners.fullRefreshMinutes', 10),
    ),
  };
}
