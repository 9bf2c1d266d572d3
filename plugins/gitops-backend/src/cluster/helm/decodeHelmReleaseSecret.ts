import { HelmSecretError } from './HelmSecretError';
import { parseReleaseJson, ReleaseJsonError } from './releaseJson';
import { decodeReleasePayload, ReleasePayloadError } from './releasePayload';
import { HelmReleaseSecret, HelmRevision } from './types';

function secretLabel(secret: HelmReleaseSecret): string {
  const name = secret.metadata?.name || '(unnamed)';
  const namespace = secret.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * Decodes one `sh.helm.release.v1.<release>.v<revision>` Secret as the
 * Kubernetes API returns it. Errors name the secret and what was wrong with
 * it; only our own fixed texts reach the message, because the decoders'
 * messages (JSON.parse's in particular) may quote the content.
 */
export function decodeHelmReleaseSecret(
  secret: HelmReleaseSecret,
): HelmRevision {
  const label = secretLabel(secret);
  const data = secret.data?.release;
  if (typeof data !== 'string' || data.trim() === '') {
    throw new HelmSecretError(label, 'has no data.release');
  }
  try {
    return parseReleaseJson(decodeReleasePayload(data), {
      namespace: secret.metadata?.namespace,
      labels: secret.metadata?.labels,
    });
  } catch (error) {
    if (
      error instanceof ReleasePayloadError ||
      error instanceof ReleaseJsonError
    ) {
      throw new HelmSecretError(label, error.message);
    }
    throw new HelmSecretError(label, 'could not be decoded');
  }
}
