import { isScalar } from 'yaml';
import { InvalidFieldError, isMapping, requireString } from './fieldValidation';
import { MANIFEST_LIMITS } from './limits';
import { ChartMetadata, ManifestError } from './types';
import { readYamlStream } from './yamlStream';

/**
 * A chart's Chart.yaml: the name and version Helm records for every
 * revision. Helm itself insists on a string version; appVersion is often
 * written unquoted (`appVersion: 1.10`), so its written text is kept.
 */
export function parseChartYaml(
  path: string,
  content: string | Buffer,
): ChartMetadata | ManifestError {
  const stream = readYamlStream(path, content, MANIFEST_LIMITS);
  if (stream.errors.length > 0) return stream.errors[0];
  const [document] = stream.documents;
  if (!document) return { path, line: 1, message: 'Chart.yaml is empty' };

  const chart = document.value;
  try {
    if (!isMapping(chart)) {
      throw new InvalidFieldError([], 'Chart.yaml is not a mapping');
    }
    const name = requireString(chart.name, ['name']);
    const version = requireString(chart.version, ['version']);
    let appVersion: string | undefined;
    const appVersionNode: unknown = document.tree.get('appVersion', true);
    if (isScalar(appVersionNode) && appVersionNode.value !== null) {
      appVersion =
        typeof appVersionNode.value === 'string'
          ? appVersionNode.value
          : (appVersionNode as { source?: string }).source ??
            String(appVersionNode.value);
    }
    return { name, version, ...(appVersion ? { appVersion } : {}) };
  } catch (error) {
    if (!(error instanceof InvalidFieldError)) throw error;
    return document.error(`Chart.yaml: ${error.message}`, error.fieldPath);
  }
}
