import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/**
 * One Helm repository the backend may read chart versions from:
 * `gitops.helmRepositories[]`. HelmRepository urls come from repository
 * files, so only urls under a listed one are ever contacted.
 */
export type HelmRepositoryConfig = {
  /** `https://charts.example.com/stable` (an index.yaml below it). */
  url: string;
  username?: string;
  password?: string;
};

/** Reads and checks `gitops.helmRepositories`; none when unset. */
export function readHelmRepositoriesConfig(
  config: Config,
): HelmRepositoryConfig[] {
  const entries =
    config.getOptionalConfigArray('gitops.helmRepositories') ?? [];
  return entries.map((entry, index) => {
    const where = `gitops.helmRepositories[${index}]`;
    const url = entry.getString('url');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InputError(`${where}.url "${url}" is not a URL`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new InputError(
        `${where}.url "${url}" must be an http(s) URL; OCI chart registries are configured in gitops.registries`,
      );
    }
    if (parsed.username || parsed.password) {
      throw new InputError(
        `${where}.url must not hold credentials; use username and password`,
      );
    }
    const username = entry.getOptionalString('username');
    const password = entry.getOptionalString('password');
    if ((username === undefined) !== (password === undefined)) {
      throw new InputError(
        `${where}.username and ${where}.password go together: give both or neither`,
      );
    }
    return { url, ...(username !== undefined ? { username, password } : {}) };
  });
}
