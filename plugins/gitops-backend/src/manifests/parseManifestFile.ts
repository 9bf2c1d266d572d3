import {
  InvalidFieldError,
  isMapping,
  optionalString,
  requireMapping,
  requireString,
} from './fieldValidation';
import { readHelmRelease } from './helmRelease';
import { resolveLimits } from './limits';
import { ManifestDocument } from './manifestDocument';
import { classifyManifest } from './manifestKind';
import { readNamespace } from './namespaceManifest';
import { GenericManifest, ManifestLimits, ParsedManifestFile } from './types';
import { readYamlStream } from './yamlStream';

/** Anything that is not a HelmRelease or Namespace is kept whole and not looked into. */
function readGeneric(
  document: ManifestDocument,
  object: Record<string, unknown>,
  apiVersion: string,
  kind: string,
): GenericManifest {
  const metadata = requireMapping(object.metadata ?? {}, ['metadata']);
  const namespace = optionalString(metadata.namespace, [
    'metadata',
    'namespace',
  ]);
  return {
    apiVersion,
    kind,
    name: optionalString(metadata.name, ['metadata', 'name']) ?? '',
    ...(namespace ? { namespace } : {}),
    object,
    source: document.source,
  };
}

/**
 * Parses one file of the config repository. Every document stands alone: a
 * broken one becomes an error with its line, and the others are still read.
 * `path` is the repository-relative path, used in sources and errors.
 */
export function parseManifestFile(
  path: string,
  content: string | Buffer,
  limits?: Partial<ManifestLimits>,
): ParsedManifestFile {
  const stream = readYamlStream(path, content, resolveLimits(limits));
  const result: ParsedManifestFile = {
    path,
    helmReleases: [],
    namespaces: [],
    others: [],
    errors: [...stream.errors],
    complete: stream.errors.length === 0,
  };

  for (const document of stream.documents) {
    const object = document.value;
    try {
      if (!isMapping(object)) {
        throw new InvalidFieldError(
          [],
          'not a mapping, so not a Kubernetes manifest',
        );
      }
      const apiVersion = requireString(object.apiVersion, ['apiVersion']);
      const kind = requireString(object.kind, ['kind']);
      const manifestKind = classifyManifest(apiVersion, kind);
      if (manifestKind.kind === 'helm-release') {
        const { release, warnings } = readHelmRelease(
          document,
          object,
          manifestKind.apiVersion,
        );
        result.helmReleases.push(release);
        result.errors.push(...warnings);
      } else if (manifestKind.kind === 'namespace') {
        result.namespaces.push(readNamespace(document, object));
      } else {
        result.others.push(readGeneric(document, object, apiVersion, kind));
      }
    } catch (error) {
      if (!(error instanceof InvalidFieldError)) throw error;
      result.complete = false;
      const what =
        isMapping(object) && typeof object.kind === 'string'
          ? `${object.kind} `
          : '';
      result.errors.push(
        document.error(
          `${what}document ${document.index}: ${error.message}`,
          error.fieldPath,
        ),
      );
    }
  }
  result.errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return result;
}
