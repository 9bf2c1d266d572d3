import { LoggerService } from '@backstage/backend-plugin-api';
import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import {
  ClusterApi,
  ClusterHelmRelease,
  ClusterRequestError,
  helmHistories,
  helmReleaseKey,
  HelmRevision,
  HelmRevisionCache,
} from '../cluster';
import { ownedNamespaces } from '../config';
import { ReleaseRecord } from '../database';
import { errorMessage, Semaphore } from '../kernel';
import { ClusterEnvironmentSettings } from './applyEnvironments';
import { applyLanes } from './applyLane';
import { ClusterReadPlan, planClusterRead } from './clusterReadPlan';

/** What one cycle read of a cluster. */
export type LiveCluster = {
  /** The namespaces listed. */
  read: Set<string>;
  /** By {@link liveHelmReleaseKey}: a v1 and a v2 HelmRelease may share a name. */
  helmReleases: Map<string, ClusterHelmRelease>;
  histories: Map<string, HelmRevision[]>;
  undecodable: Map<string, string>;
  namespaceErrors: Map<string, string>;
  /** Releases not read, with the reason. */
  refused: Map<string, string>;
};

/** The key of a live HelmRelease: its API group, namespace and name. */
export function liveHelmReleaseKey(
  apiVersion: string,
  namespace: string,
  name: string,
): string {
  return `${apiVersion.split('/')[0]}|${namespace}|${name}`;
}

/**
 * Reads a cluster with a fixed number of list requests per namespace
 * (HelmReleases of both API groups and Helm's release Secrets; never a get
 * per release), a few namespaces at a time. Decoded Helm revisions are kept
 * between cycles, so a steady cluster decodes nothing again.
 */
export class ClusterRead {
  private readonly namespaceReads = new Semaphore(4);
  private readonly revisions = new HelmRevisionCache();

  constructor(
    private readonly options: {
      cluster: string;
      api: ClusterApi;
      settings: Map<string, ClusterEnvironmentSettings>;
      logger: LoggerService;
    },
  ) {}

  /**
   * Lists per namespace; returns what was read and the namespaces that
   * failed. Throws when the cluster does not answer at all.
   */
  async read(
    environments: GitopsEnvironment[],
    releases: ReleaseRecord[],
  ): Promise<LiveCluster> {
    const plan = this.plan(environments, releases);
    const { api, logger, cluster } = this.options;
    const { namespaces, helmReleases: wanted } = plan;
    const helmReleases = new Map<string, ClusterHelmRelease>();
    const revisions: HelmRevision[] = [];
    const undecodable = new Map<string, string>();
    const namespaceErrors = new Map<string, string>();
    let unreachable: ClusterRequestError | undefined;
    await Promise.all(
      [...namespaces].map(namespace =>
        this.namespaceReads.run(async () => {
          try {
            const [objects, secrets] = await Promise.all([
              api.listHelmReleases(namespace),
              api.listHelmSecrets(namespace),
            ]);
            for (const object of objects) {
              helmReleases.set(
                liveHelmReleaseKey(
                  object.apiVersion,
                  namespace,
                  object.metadata.name,
                ),
                object,
              );
            }
            for (const secret of secrets) {
              // Other Helm releases of the namespace are not ours to decode:
              // their values stay in the cluster.
              const labelled = secret.metadata?.labels?.name;
              if (labelled && !wanted.has(helmReleaseKey(namespace, labelled)))
                continue;
              try {
                const revision = this.revisions.decode(secret);
                if (
                  wanted.has(helmReleaseKey(revision.namespace, revision.name))
                ) {
                  revisions.push(revision);
                }
              } catch (error) {
                const release = secret.metadata?.labels?.name;
                if (release) {
                  undecodable.set(
                    helmReleaseKey(namespace, release),
                    errorMessage(error),
                  );
                }
                logger.warn('Unreadable Helm release secret', {
                  cluster,
                  namespace,
                  error: errorMessage(error),
                });
              }
            }
          } catch (error) {
            if (error instanceof ClusterRequestError && !error.answered) {
              unreachable = error;
            }
            namespaceErrors.set(namespace, errorMessage(error));
          }
        }),
      ),
    );
    this.revisions.endCycle();
    if (unreachable) throw unreachable;
    return {
      read: namespaces,
      helmReleases,
      histories: helmHistories(revisions),
      undecodable,
      namespaceErrors,
      refused: plan.refused,
    };
  }

  /**
   * What this cycle may read: each release only in the namespaces its
   * environment owns on this cluster (the lanes apply uses, whether or not
   * the environment applies).
   */
  private plan(
    environments: GitopsEnvironment[],
    releases: ReleaseRecord[],
  ): ClusterReadPlan {
    const lanes = applyLanes(
      environments.map(env => ({
        name: env.name,
        namespaces: ownedNamespaces({
          name: env.name,
          namespaces: this.options.settings.get(env.name)?.namespaces,
        }),
        clusterScopedKinds: [],
      })),
    );
    return planClusterRead(releases, lanes);
  }
}
