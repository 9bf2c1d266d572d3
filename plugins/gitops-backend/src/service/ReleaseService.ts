import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';

import { InputError, NotFoundError } from '@backstage/errors';
import {
  GitopsEventList,
  GitopsRelease,
  GitopsReleaseDetail,
  GitopsReleaseList,
} from '@backstage-gitops/plugin-gitops-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { GitopsStore, ReleaseKey, ReleaseRecord } from '../database/GitopsStore';
import { releaseMatchFor } from './entityMatch';

const EVENT_LIMIT = 100;

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
    images: record.images.map(({ paths: _paths, ...image }) => image),
    sourcePath: record.sourcePath,
    commit: record.commit,
    updatedAt: record.updatedAt,
  };
}

/**
 * Answers the read routes from the store, looking entities up in the catalog
 * with the caller's own credentials (so catalog permissions apply).
 */
export class ReleaseService {
  constructor(
    private readonly options: { store: GitopsStore; catalog: CatalogService },
  ) {}

  private async releasesOf(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ReleaseRecord[]> {
    if (!entityRef) {
      throw new InputError('entityRef is required, such as component:default/podinfo');
    }
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return this.options.store.findReleases(releaseMatchFor(entity));
  }

  async listReleases(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<GitopsReleaseList> {
    const releases = await this.releasesOf(entityRef, credentials);
    const repositories = [...new Set(releases.map(r => r.repository))];
    const environments = new Set(releases.map(r => r.environment));
    const problems = (await this.options.store.listProblems(repositories)).filter(
      p => !p.environment || environments.has(p.environment),
    );
    return { items: releases.map(toApi), problems };
  }

  async getRelease(key: ReleaseKey): Promise<GitopsReleaseDetail> {
    const record = await this.options.store.getRelease(key);
    if (!record) {
      throw new NotFoundError(
        `No release ${key.namespace}/${key.name} in environment ${key.environment}`,
      );
    }
    return { ...toApi(record), annotations: record.annotations, spec: record.spec };
  }

  async listEvents(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<GitopsEventList> {
    const releases = await this.releasesOf(entityRef, credentials);
    const items = await this.options.store.listEvents({
      releases: releases.map(r => ({
        environment: r.environment,
        namespace: r.namespace,
        name: r.name,
      })),
      repositoryIds: [...new Set(releases.map(r => r.repository))],
      limit: EVENT_LIMIT,
    });
    return { items };
  }
}

export function actorOf(credentials: BackstageCredentials, auth: AuthService) {
  if (auth.isPrincipal(credentials, 'user')) return credentials.principal.userEntityRef;
  if (auth.isPrincipal(credentials, 'service')) return credentials.principal.subject;
  return 'unknown';
}

