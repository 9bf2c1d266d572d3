import { badRequest, invalid } from './apiStatus';

export type WriteQuery = {
  dryRun: boolean;
  /** As sent; undefined when absent. */
  fieldManager: string | undefined;
  force: boolean | undefined;
};

/** Reads `dryRun`, `fieldManager` and `force` the way the API server validates them. */
export function parseWriteQuery(query: URLSearchParams): WriteQuery {
  const dryRun = query.getAll('dryRun');
  if (dryRun.some(value => value !== 'All')) {
    throw badRequest(
      `Invalid dryRun value: ${dryRun.join(',')}; only "All" is supported`,
    );
  }
  const fieldManager = query.get('fieldManager') ?? undefined;
  if (fieldManager !== undefined && fieldManager.length > 128) {
    throw invalid('PatchOptions', '', [
      {
        field: 'fieldManager',
        message: 'Too long: may not be longer than 128',
      },
    ]);
  }
  const force = query.get('force');
  return {
    dryRun: dryRun.length > 0,
    fieldManager,
    force: force === null ? undefined : force === 'true' || force === '1',
  };
}

/**
 * Managers of ordinary writes default to the client's User-Agent up to the
 * first `/`, as on a real server (client-node's requests come from `node-fetch`).
 */
export function defaultManager(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0].trim();
  return prefix || 'unknown';
}
