import { Knex } from 'knex';
import { FluxObjectKind } from '../kernel';
import { queryBatches } from './queryBatches';
import { EnvironmentSource, FluxObjectRecord } from './SyncStateStore';

/** A row of `gitops_flux_objects`. */
export type FluxObjectRow = {
  id: number;
  repository_id: string;
  environment: string | null;
  path: string;
  line: number;
  api_version: string;
  kind: string;
  namespace: string;
  name: string;
  spec: string;
};

export function fluxObjectRow(
  repositoryId: string,
  object: FluxObjectRecord,
): Omit<FluxObjectRow, 'id'> {
  return {
    repository_id: repositoryId,
    environment: object.environment ?? null,
    path: object.path,
    line: object.line,
    api_version: object.apiVersion,
    kind: object.kind,
    namespace: object.namespace,
    name: object.name,
    spec: JSON.stringify(object.spec),
  };
}

export function toFluxObject(row: FluxObjectRow): FluxObjectRecord {
  return {
    repository: row.repository_id,
    ...(row.environment !== null ? { environment: row.environment } : {}),
    path: row.path,
    line: row.line,
    apiVersion: row.api_version,
    kind: row.kind as FluxObjectKind,
    namespace: row.namespace,
    name: row.name,
    spec: JSON.parse(row.spec),
  };
}

/**
 * Replaces the Flux objects of one sync, as its releases are replaced: a
 * full sync everything but the kept files' objects, else the replaced files'.
 */
export async function replaceFluxObjects(
  tx: Knex.Transaction,
  sync: {
    repositoryId: string;
    full: boolean;
    replacedPaths: string[];
    /** Per environment and file, beside `replacedPaths` (incremental only). */
    replacedSources: EnvironmentSource[];
    keptPaths: string[];
    objects: FluxObjectRecord[];
  },
): Promise<void> {
  const stored = () =>
    tx<FluxObjectRow>('gitops_flux_objects').where({
      repository_id: sync.repositoryId,
    });
  if (sync.full) {
    const kept = new Set(sync.keptPaths);
    const ids = (await stored().select('id', 'path'))
      .filter(row => !kept.has(row.path))
      .map(row => row.id);
    for (const part of queryBatches(ids)) {
      await stored().whereIn('id', part).delete();
    }
  } else {
    for (const part of queryBatches(sync.replacedPaths)) {
      await stored().whereIn('path', part).delete();
    }
    for (const { environment, path } of sync.replacedSources) {
      await stored().where({ environment, path }).delete();
    }
  }
  const rows = sync.objects.map(o => fluxObjectRow(sync.repositoryId, o));
  for (const part of queryBatches(rows)) {
    await tx('gitops_flux_objects').insert(part);
  }
}
