import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { CACHE_NAMES, CacheName } from '../kernel';

export type CacheConfig = {
  /** Per cache, the budget in MiB that config sets; absent ones take the default. */
  budgetsMiB: Partial<Record<CacheName, number>>;
  /** 0: no periodic `Memory` log line. */
  reportMinutes: number;
};

const DEFAULT_REPORT_MINUTES = 10;

/** `gitops.caches`: the caches' byte budgets and how often memory is logged. */
export function readCacheConfig(root: Config): CacheConfig {
  const config = root.getOptionalConfig('gitops.caches');
  const number = (key: string) => {
    const value = config?.getOptionalNumber(key);
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
      throw new InputError(
        `gitops.caches.${key} must be a non-negative number, got ${value}`,
      );
    }
    return value;
  };
  const budgetsMiB: Partial<Record<CacheName, number>> = {};
  for (const name of CACHE_NAMES) {
    const value = number(`${name}MiB`);
    if (value !== undefined) budgetsMiB[name] = value;
  }
  return {
    budgetsMiB,
    reportMinutes: number('reportMinutes') ?? DEFAULT_REPORT_MINUTES,
  };
}
