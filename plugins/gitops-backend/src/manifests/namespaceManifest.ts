import { requireDnsLabel, requireMapping, stringMap } from './fieldValidation';
import { ManifestDocument } from './manifestDocument';
import { NamespaceManifest } from './types';

/** A `v1` Namespace: its name and labels are all the environments need. */
export function readNamespace(
  document: ManifestDocument,
  object: Record<string, unknown>,
): NamespaceManifest {
  const metadata = requireMapping(object.metadata, ['metadata']);
  return {
    name: requireDnsLabel(metadata.name, ['metadata', 'name']),
    labels: stringMap(metadata.labels, ['metadata', 'labels']),
    object,
    source: document.source,
  };
}
