import { LoggerService } from '@backstage/backend-plugin-api';
import { GitopsEnvironment } from '@backstage-gitops/plugin-gitops-common';
import {
  ClusterApi,
  ClusterHelmRelease,
  ClusterRequestError,
  helmHistories,
  helmReleaseKey,
  HelmReleaseSecret,
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
  /**
   * Namespaces whose HelmReleases were listed but whose Helm Secrets were
   * refused (Flux runs the cluster and the plugin may not read Secrets):
   * also in `namespaceErrors`, but a v2 release there can be assessed from
   * its own `status.history`.
   */
  secretsRefused: Set<string>;
  /** Releases not read, with the reason. */
  refused: Map<string, string>;
};

function isRefusal(error: unknown): boolean {
  return error instanceof ClusterRequestError && error.status === 403;
}

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
    const secretsRefused = new Set<string>();
    let unreachable: ClusterRequestError | undefined;
    await Promise.all(
      [...namespaces].map(namespace =>
        this.namespaceReads.run(async () => {
          try {
            const [listed, secretsRead] = await Promise.allSettled([
              api.listHelmReleases(namespace),
              api.listHelmSecrets(namespace),
            ]);
            if (listed.status === 'rejected') throw listed.reason;
            const objects = listed.value;
            let secrets: HelmReleaseSecret[] = [];
            if (secretsRead.status === 'fulfilled') {
              secrets = secretsRead.value;
            } else if (isRefusal(secretsRead.reason)) {
              // Flux runs the cluster and Helm's Secrets are not ours to
              // read: keep the HelmReleases, whose v2 status carries a
              // history of its own; the namespace still reports the refusal.
              secretsRefused.add(namespace);
              namespaceErrors.set(namespace, errorMessage(secretsRead.reason));
            } else {
              throw secretsRead.reason;
            }
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
      secretsRefused,
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
