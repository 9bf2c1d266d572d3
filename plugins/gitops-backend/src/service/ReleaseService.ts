import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import {
  GitopsClusterList,
  gitopsDiagnosticsReadPermission,
  GitopsEnvironmentList,
  GitopsEventList,
  GitopsEventQuery,
  GITOPS_EVENTS_DEFAULT_LIMIT,
  GITOPS_EVENTS_MAX_LIMIT,
  GitopsHelmHistory,
  GitopsImageAutomation,
  GitopsProblem,
  gitopsReadPermission,
  GitopsRelease,
  GitopsReleaseDetail,
  GitopsReleaseKey,
  GitopsReleaseList,
  GitopsRepositoryStatus,
  stringifyGitopsReleaseKey,
  stringifyGitopsReleaseRef,
} from '@backstage-gitops/plugin-gitops-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { chartStatusOf } from '../charts';
import { readFluxAnnotations } from '../manifests';
import {
  ChartStatusStore,
  ClusterStateStore,
  EventStore,
  ReadVersionStore,
  ReleaseRecord,
  SyncStateStore,
} from '../database';
import { releaseMatchFor } from './entityMatch';
import { ExpiringCache } from './ExpiringCache';
import { EntityLookup } from './EntityLookup';
import { ErrorDisclosure } from './ErrorDisclosure';
import { ReadDecision, ReadDecisions } from './ReadDecisions';
import { withFluxStatus } from './environmentFluxStatus';
import { releaseStatusOf } from './releaseStatus';
import { eventCursor, parseEventCursor } from './eventCursor';

const keyOf = (r: GitopsReleaseKey): GitopsReleaseKey => ({
  environment: r.environment,
  namespace: r.namespace,
  name: r.name,
});

/** Who locked a locked release and why, as its annotations say. */
function lockOf(
  record: ReleaseRecord,
): Pick<GitopsRelease, 'lockedBy' | 'lockedMessage'> {
  if (!record.locked) return {};
  const { lockedBy, lockedMessage } = readFluxAnnotations(record.annotations);
  return {
    ...(lockedBy ? { lockedBy } : {}),
    ...(lockedMessage ? { lockedMessage } : {}),
  };
}

function toApi(record: ReleaseRecord): GitopsRelease {
  return {
    repository: record.repository,
    environment: record.environment,
    namespace: record.namespace,
    name: record.name,
    releaseName: record.releaseName,
    apiVersion: record.apiVersion,
    chart: record.chart,
    chartName: record.chartName,
    chartVersion: record.chartVersion,
    labels: record.labels,
    automated: record.automated,
    locked: record.locked,
    ...lockOf(record),
    // A setter-marked image is decided by its ImagePolicy: show what that says.
    images: record.images.map(({ paths: _paths, ...image }) =>
      image.status?.policy ? { ...image, policy: image.status.policy } : image,
    ),
    sourcePath: record.sourcePath,
    commit: record.commit,
    updatedAt: record.updatedAt,
  };
}

/** Releases a caller may read, and how errors are shown to it. */
type ReadScope = { records: ReleaseRecord[]; disclosure: ErrorDisclosure };

/**
 * Answers the read routes from the store, looking entities up in the catalog
 * with the caller's own credentials (so catalog permissions apply) and
 * keeping only the releases the caller may read (`gitops.release.read`).
 * Environments, repositories and clusters show to those who may read at
 * least one of their releases; errors that may name internal addresses
 * need `gitops.diagnostics.read` (see {@link ErrorDisclosure}).
 *
 * Lists ask the policy once per caller for a conditional decision the store
 * answers in SQL (see {@link ReadDecisions}); one release is authorized on
 * its own, fresh, as actions are.
 */
export class ReleaseService {
  private readonly decisions: ReadDecisions;
  private readonly entities: EntityLookup;
  /**
   * List answers by their ETag, as the JSON bytes sent. A tag names the read
   * version, the caller's decision and the entity, so an answer kept under it
   * is what a read would give again: page views between changes skip the
   * store's queries, the serialization and its garbage.
   */
  private readonly answers = new ExpiringCache<Buffer>({
    ttlMs: 60_000,
    maxBytes: 32 * 1024 * 1024,
    sizeOf: body => body.length,
  });

  constructor(
    private readonly options: {
      syncStateStore: SyncStateStore;
      clusterStateStore: ClusterStateStore;
      /** The chart scan's findings; without it releases carry no chart status. */
      chartStatusStore?: ChartStatusStore;
      eventStore: EventStore;
      catalog: CatalogService;
      permissions: PermissionsService;
      /** Who automates each repository's images (config); repositories say so when given. */
      automationOf?: (repositoryId: string) => GitopsImageAutomation;
      /** How long a caller's read decision is kept (`gitops.permissionDecisionCacheSeconds`, default 10; 0: not kept). */
      decisionCacheSeconds?: number;
      /** How long an entity's annotations are kept per caller (`gitops.entityCacheSeconds`, default 10; 0: not kept). */
      entityCacheSeconds?: number;
      /** What the lists' ETags are made of; without it they have none. */
      readVersionStore?: ReadVersionStore;
    },
  ) {
    this.decisions = new ReadDecisions({
      permissions: options.permissions,
      cacheSeconds: options.decisionCacheSeconds,
    });
    this.entities = new EntityLookup({
      catalog: options.catalog,
      cacheSeconds: options.entityCacheSeconds,
    });
  }

  /**
   * Which of these releases the caller may read, checked one by one with
   * owners loaded fresh (for one release), and whether it may read
   * diagnostics, in one batch of checks.
   */
  private async readable(
    records: ReleaseRecord[],
    credentials: BackstageCredentials,
  ): Promise<ReadScope> {
    const [diagnostics, ...reads] = await this.options.permissions.authorize(
      [
        { permission: gitopsDiagnosticsReadPermission },
        ...records.map(record => ({
          permission: gitopsReadPermission,
          resourceRef: stringifyGitopsReleaseRef(keyOf(record)),
        })),
      ],
      { credentials },
    );
    return {
      records: records.filter(
        (_, i) => reads[i].result === AuthorizeResult.ALLOW,
      ),
      disclosure: new ErrorDisclosure(
        diagnostics.result === AuthorizeResult.ALLOW,
      ),
    };
  }

  /**
   * Where the caller may read a release, for the pipeline-wide lists: the
   * store answers with the caller's filter, reading no release.
   */
  private async readableEverywhere(credentials: BackstageCredentials) {
    const { syncStateStore } = this.options;
    const decision = await this.decisions.decide(credentials);
    const [environments, locations] = await Promise.all([
      syncStateStore.listEnvironments(),
      decision.releases === 'none'
        ? []
        : syncStateStore.releaseLocations(filterOf(decision)),
    ]);
    const readableEnvironments = new Set(locations.map(l => l.environment));
    return {
      repositories: new Set(locations.map(l => l.repository)),
      disclosure: new ErrorDisclosure(decision.diagnostics),
      environments: environments.filter(e => readableEnvironments.has(e.name)),
    };
  }

  private async readableRelease(
    key: GitopsReleaseKey,
    credentials: BackstageCredentials,
  ): Promise<{ record: ReleaseRecord; disclosure: ErrorDisclosure }> {
    const record = await this.options.syncStateStore.getRelease(key);
    if (!record) {
      throw new NotFoundError(
        `No release ${key.namespace}/${key.name} in environment ${key.environment}`,
      );
    }
    const { records, disclosure } = await this.readable([record], credentials);
    if (records.length === 0) {
      throw new NotAllowedError(
        `Not allowed to read ${key.namespace}/${key.name} in environment ${key.environment}`,
      );
    }
    return { record, disclosure };
  }

  private async releasesOf(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ReadScope> {
    if (!entityRef) {
      throw new InputError(
        'entityRef is required, such as component:default/podinfo',
      );
    }
    const [entity, decision] = await Promise.all([
      this.entities.get(entityRef, credentials),
      this.decisions.decide(credentials),
    ]);
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    const match = releaseMatchFor(entity);
    return {
      records:
        decision.releases === 'none'
          ? []
          : await this.options.syncStateStore.findReleases(
              match,
              filterOf(decision),
            ),
      disclosure: new ErrorDisclosure(decision.diagnostics),
    };
  }

  /** The JSON of the answer kept under `tag`, else of `load`'s, kept under it; `load`'s alone without a tag. */
  async listBody(
    tag: string | undefined,
    load: () => Promise<unknown>,
  ): Promise<Buffer> {
    const serialized = async () => Buffer.from(JSON.stringify(await load()));
    if (!tag) return serialized();
    return this.answers.get(tag, serialized);
  }

  /**
   * The ETag of a list as this caller would get it now, computed without
   * reading the list: from the store's read version, the caller's decision
   * and, for an entity's releases, the entity's annotations (cached, so a
   * revalidation within the entity cache asks the catalog nothing).
   * Undefined without a read version store.
   */
  async listTag(
    list: 'releases' | 'environments',
    credentials: BackstageCredentials,
    entityRef?: string,
  ): Promise<string | undefined> {
    const { readVersionStore } = this.options;
    if (!readVersionStore) return undefined;
    const [version, decision, entity] = await Promise.all([
      readVersionStore.currentVersion(),
      this.decisions.decide(credentials),
      list === 'releases' && entityRef
        ? this.entities.get(entityRef, credentials)
        : undefined,
    ]);
    if (list === 'releases' && !entity) return undefined;
    const hash = createHash('sha256')
      .update(
        JSON.stringify([list, version, decision, entityRef, entity ?? null]),
      )
      .digest('base64url');
    return `"${hash.slice(0, 27)}"`;
  }

  /**
   * The stored cluster status of each release, where there is one, and why
   * it is its file's last good state, while it is.
   */
  private async withStatus(records: ReleaseRecord[]): Promise<GitopsRelease[]> {
    const { syncStateStore, clusterStateStore, chartStatusStore } =
      this.options;
    const [statuses, clusters, sourceProblems, chartStatuses] =
      await Promise.all([
        clusterStateStore.getReleaseStatuses(records.map(keyOf)),
        clusterStateStore.listClusters(),
        syncStateStore.listSourceProblems([
          ...new Set(records.map(r => r.repository)),
        ]),
        chartStatusStore?.getChartStatuses(records.map(keyOf)) ?? [],
      ]);
    const byKey = new Map(statuses.map(s => [stringifyGitopsReleaseKey(s), s]));
    const chartByKey = new Map(
      chartStatuses.map(c => [stringifyGitopsReleaseKey(c), c.status]),
    );
    const clusterByName = new Map(clusters.map(c => [c.name, c]));
    const brokenFiles = new Map(
      sourceProblems.map(({ repository, ...problem }) => [
        JSON.stringify([repository, problem.path]),
        problem,
      ]),
    );
    return records.map(record => {
      const status = byKey.get(stringifyGitopsReleaseKey(record));
      const sourceProblem = brokenFiles.get(
        JSON.stringify([record.repository, record.sourcePath]),
      );
      const chart = chartByKey.get(stringifyGitopsReleaseKey(record));
      return {
        ...toApi(record),
        ...(chart
          ? {
              chartStatus: chartStatusOf(chart, {
                deployed: status?.chartVersion,
                written: record.chartVersion,
              }),
            }
          : {}),
        ...(status
          ? {
              status: releaseStatusOf(
                status,
                clusterByName.get(status.cluster),
              ),
            }
          : {}),
        ...(sourceProblem ? { sourceProblem } : {}),
      };
    });
  }

  /** Git and fetch problems of these repositories, then the apply and prune problems of their environments. */
  private async problemsOf(repositories: string[]): Promise<GitopsProblem[]> {
    const [git, apply] = await Promise.all([
      this.options.syncStateStore.listProblems(repositories),
      this.options.clusterStateStore.listApplyProblems(repositories),
    ]);
    return [...git, ...apply];
  }

  async listReleases(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<GitopsReleaseList> {
    const { records: releases, disclosure } = await this.releasesOf(
      entityRef,
      credentials,
    );
    const repositories = [...new Set(releases.map(r => r.repository))];
    // A problem reaches everyone whose releases (kept at their last good
    // state where their file broke) come from its file or environment;
    // repository-wide ones (no path: a fetch or store failure) reach the
    // readers of that repository's releases. A file problem outside the
    // caller's environments and files is someone else's.
    const environments = new Set(releases.map(r => r.environment));
    const files = new Set(
      releases.map(r => JSON.stringify([r.repository, r.sourcePath])),
    );
    const problems = (await this.problemsOf(repositories)).filter(
      p =>
        (p.environment ? environments.has(p.environment) : !p.path) ||
        files.has(JSON.stringify([p.repository, p.path])),
    );
    return {
      items: (await this.withStatus(releases)).map(r => disclosure.release(r)),
      problems: problems.map(p => disclosure.problem(p)),
    };
  }

  async getRelease(
    key: GitopsReleaseKey,
    credentials: BackstageCredentials,
  ): Promise<GitopsReleaseDetail> {
    const { record, disclosure } = await this.readableRelease(key, credentials);
    const [release] = await this.withStatus([record]);
    return {
      ...disclosure.release(release),
      annotations: record.annotations,
      spec: record.spec,
    };
  }

  async getHistory(
    key: GitopsReleaseKey,
    credentials: BackstageCredentials,
  ): Promise<GitopsHelmHistory> {
    await this.readableRelease(key, credentials);
    const history = await this.options.clusterStateStore.getHelmHistory(key);
    return history
      ? { cluster: history.cluster, items: history.revisions }
      : { items: [] };
  }

  /** The environments the caller may read a release of. */
  async listEnvironments(
    credentials: BackstageCredentials,
  ): Promise<GitopsEnvironmentList> {
    const { environments } = await this.readableEverywhere(credentials);
    const [fluxStatuses, repositories] = await Promise.all([
      this.options.clusterStateStore.listEnvironmentFluxStatuses(),
      this.options.syncStateStore.listRepositories(),
    ]);
    return {
      items: withFluxStatus(environments, fluxStatuses, repositories),
    };
  }

  /** The repositories the caller may read a release of. */
  async listRepositories(
    credentials: BackstageCredentials,
  ): Promise<{ items: GitopsRepositoryStatus[] }> {
    const { repositories: ids, disclosure } = await this.readableEverywhere(
      credentials,
    );
    const { automationOf } = this.options;
    const repositories = (
      await this.options.syncStateStore.listRepositories()
    ).map(r => (automationOf ? { ...r, automation: automationOf(r.id) } : r));
    return readableItems(
      repositories,
      r => ids.has(r.id),
      r => disclosure.repository(r),
    );
  }

  /** The clusters of the environments the caller may read a release of. */
  async listClusters(
    credentials: BackstageCredentials,
  ): Promise<GitopsClusterList> {
    const { environments, disclosure } = await this.readableEverywhere(
      credentials,
    );
    const names = new Set(
      environments.flatMap(e => (e.cluster ? [e.cluster] : [])),
    );
    const clusters = await this.options.clusterStateStore.listClusters();
    return readableItems(
      clusters,
      c => names.has(c.name),
      c => disclosure.cluster(c),
    );
  }

  /**
   * The entity's events, newest first, a page at a time: of its releases
   * (in one environment when asked) and, unless asked for releases only or
   * one environment, its repositories' repository-wide events.
   */
  async listEvents(
    entityRef: string,
    credentials: BackstageCredentials,
    query: GitopsEventQuery = {},
  ): Promise<GitopsEventList> {
    const limit = Math.min(
      query.limit ?? GITOPS_EVENTS_DEFAULT_LIMIT,
      GITOPS_EVENTS_MAX_LIMIT,
    );
    const before =
      query.before === undefined ? undefined : parseEventCursor(query.before);
    const { records, disclosure } = await this.releasesOf(
      entityRef,
      credentials,
    );
    const releases = query.environment
      ? records.filter(r => r.environment === query.environment)
      : records;
    const withRepositories = !query.environment && query.scope !== 'releases';
    // One more than shown tells whether a next page exists.
    const events = await this.options.eventStore.listEvents({
      releases: releases.map(keyOf),
      repositoryIds: withRepositories
        ? [...new Set(releases.map(r => r.repository))]
        : [],
      limit: limit + 1,
      before,
    });
    const page = events.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(e => disclosure.event(e)),
      ...(events.length > limit && last ? { next: eventCursor(last) } : {}),
    };
  }
}

export function actorOf(credentials: BackstageCredentials, auth: AuthService) {
  if (auth.isPrincipal(credentials, 'user'))
    return credentials.principal.userEntityRef;
  if (auth.isPrincipal(credentials, 'service'))
    return credentials.principal.subject;
  return 'unknown';
}

/** The store's filter for a decision that lets some releases through. */
function filterOf(decision: ReadDecision) {
  return decision.releases === 'all' || decision.releases === 'none'
    ? undefined
    : decision.releases;
}

/** The items the caller may read, each in the form the caller may see. */
function readableItems<T, Shown>(
  all: T[],
  readable: (item: T) => boolean,
  show: (item: T) => Shown,
): { items: Shown[] } {
  return { items: all.filter(readable).map(show) };
}
