import { FluxObjectRecord } from '../database';
import { readFluxObjectType } from '../kernel';
import { GenericManifest } from '../manifests';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The Flux objects (kinds `readFluxObjectType` knows, at any served version)
 * among a file's other manifests, as git sync stores them. `namespace`
 * overrides the written one, as a kustomization's `namespace` does.
 */
export function fluxObjectsOf(
  manifests: GenericManifest[],
  where: { repositoryId: string; environment?: string; namespace?: string },
): FluxObjectRecord[] {
  const objects: FluxObjectRecord[] = [];
  for (const manifest of manifests) {
    const type = readFluxObjectType(manifest.apiVersion, manifest.kind);
    if (!type || manifest.name === '') continue;
    objects.push({
      repository: where.repositoryId,
      ...(where.environment !== undefined
        ? { environment: where.environment }
        : {}),
      path: manifest.source.path,
      line: manifest.source.line,
      apiVersion: manifest.apiVersion,
      kind: type.kind,
      namespace: where.namespace ?? manifest.namespace ?? 'default',
      name: manifest.name,
      spec: isRecord(manifest.object.spec) ? manifest.object.spec : {},
    });
  }
  return objects;
}
