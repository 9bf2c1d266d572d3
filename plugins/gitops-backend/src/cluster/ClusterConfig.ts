import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** One cluster as the Kubernetes plugin's config describes it. */
export type ClusterConfig = {
  name: string;
  title?: string;
  url: string;
  /** Service account token; never logged, never sent anywhere but `url`. */
  token?: string;
  caData?: string;
  skipTLSVerify: boolean;
};

/**
 * Reads the clusters of `kubernetes.clusterLocatorMethods` entries of type
 * `config`, the clusters the Kubernetes tab shows, so that nobody configures
 * a cluster twice. Other locator types (catalog, gke, localKubectlProxy) find
 * clusters at run time through the Kubernetes plugin and are not read here.
 */
export function readClustersConfig(config: Config): ClusterConfig[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const clusters: ClusterConfig[] = [];
  methods.forEach((method, methodIndex) => {
    if (method.getString('type') !== 'config') return;
    (method.getOptionalConfigArray('clusters') ?? []).forEach(
      (cluster, index) => {
        const where = `kubernetes.clusterLocatorMethods[${methodIndex}].clusters[${index}]`;
        const url = cluster.getString('url');
        if (!/^https?:\/\//.test(url)) {
          throw new InputError(`${where}.url "${url}" is not an http(s) URL`);
        }
        const authProvider =
          cluster.getOptionalString('authProvider') ?? 'serviceAccount';
        const token = cluster.getOptionalString('serviceAccountToken');
        clusters.push({
          name: cluster.getString('name'),
          title: cluster.getOptionalString('title'),
          url,
          // Other auth providers get their tokens per request from the
          // Kubernetes plugin's frontend; a scheduled task has no user.
          ...(authProvider === 'serviceAccount' && token ? { token } : {}),
          caData: cluster.getOptionalString('caData'),
          skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
        });
      },
    );
  });
  const names = new Set<string>();
  for (const cluster of clusters) {
    if (names.has(cluster.name)) {
      throw new InputError(
        `kubernetes.clusterLocatorMethods: the cluster name "${cluster.name}" is used twice`,
      );
    }
    names.add(cluster.name);
  }
  return clusters;
}
