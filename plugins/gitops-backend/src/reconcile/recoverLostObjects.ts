import { LoggerService } from '@backstage/backend-plugin-api';
import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import { ClusterStateStore } from '../database';
import { ClusterEnvironmentSettings } from './applyEnvironments';
import { LiveCluster } from './ClusterRead';

/**
 * A HelmRelease we applied that the cluster no longer has (deleted by
 * hand, or a cluster rebuilt) is reported Missing now and re-applied on the
 * next cycle: the environment's inventory is forgotten, so its next apply
 * sends everything, Namespaces included. Drift of objects still there is
 * only reported.
 */
export async function forgetLostObjects(
  options: {
    cluster: string;
    settings: Map<string, ClusterEnvironmentSettings>;
    clusterStateStore: ClusterStateStore;
    logger: LoggerService;
  },
  environments: GitopsEnvironment[],
  /** When each HelmRelease was last applied, by release key. */
  appliedAt: Map<string, string>,
  live: LiveCluster,
): Promise<void> {
  const { settings, clusterStateStore, logger, cluster } = options;
  const present = new Set(
    [...live.helmReleases.values()].map(
      object => `${object.metadata.namespace}/${object.metadata.name}`,
    ),
  );
  for (const environment of environments) {
    if (!settings.get(environment.name)?.apply) continue;
    const lost = [...appliedAt.keys()].filter(key => {
      const [env, namespace, name] = key.split('/');
      // Only namespaces read this cycle tell: a release that left git (its
      // prune held back, say) is in none of them and is not lost.
      if (env !== environment.name || !live.read.has(namespace)) return false;
      if (live.namespaceErrors.has(namespace)) return false;
      return !present.has(`${namespace}/${name}`);
    });
    if (lost.length === 0) continue;
    logger.warn(
      'Applied HelmReleases are gone from the cluster; applying the environment again',
      {
        cluster,
        environment: environment.name,
        missing: lost.join(','),
      },
    );
    await clusterStateStore.forgetApplied(environment.name);
  }
}
