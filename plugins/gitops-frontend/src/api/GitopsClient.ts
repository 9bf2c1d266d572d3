import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  GitopsEnvironmentList,
  GitopsEventList,
  GitopsHealth,
  GitopsCommitResult,
  GitopsHelmHistory,
  GitopsPromotion,
  GitopsReleaseList,
  GitopsRepositoryStatus,
} from '@backstage-gitops/plugin-gitops-common';
import { GitopsApi, ReleaseAction } from './GitopsApi';

const releasePath = (release: ReleaseAction) =>
  `/releases/${[release.environment, release.namespace, release.name]
    .map(encodeURIComponent)
    .join('/')}`;

/**
 * {@link GitopsApi} over HTTP, with the signed-in user's token.
 *
 * @public
 */
export class GitopsClient implements GitopsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getHealth(): Promise<GitopsHealth> {
    return this.get('/health');
  }

  listEnvironments(): Promise<GitopsEnvironmentList> {
    return this.get('/environments');
  }

  listRepositories(): Promise<{ items: GitopsRepositoryStatus[] }> {
    return this.get('/repositories');
  }

  listReleases(entityRef: string): Promise<GitopsReleaseList> {
    return this.get(`/releases?entityRef=${encodeURIComponent(entityRef)}`);
  }

  listEvents(entityRef: string): Promise<GitopsEventList> {
    return this.get(`/events?entityRef=${encodeURIComponent(entityRef)}`);
  }

  getHelmHistory(release: {
    environment: string;
    namespace: string;
    name: string;
  }): Promise<GitopsHelmHistory> {
    return this.get(`${releasePath(release)}/history`);
  }

  syncNow(repository?: string) {
    return this.post<{ repositories: string[]; requestedBy: string }>(
      '/sync',
      repository ? { repository } : {},
    );
  }

  promote(
    release: ReleaseAction,
    options: { dryRun?: boolean } = {},
  ): Promise<GitopsPromotion> {
    return this.post(`${releasePath(release)}/promote`, {
      entityRef: release.entityRef,
      dryRun: options.dryRun ?? false,
    });
  }

  lock(release: ReleaseAction, message?: string): Promise<GitopsCommitResult> {
    return this.post(`${releasePath(release)}/lock`, {
      entityRef: release.entityRef,
      ...(message ? { message } : {}),
    });
  }

  unlock(release: ReleaseAction): Promise<GitopsCommitResult> {
    return this.post(`${releasePath(release)}/unlock`, {
      entityRef: release.entityRef,
    });
  }

  reconcile(release: ReleaseAction) {
    return this.post<{ cluster: string; requestedAt: string; requestedBy: string }>(
      `${releasePath(release)}/reconcile`,
      { entityRef: release.entityRef },
    );
  }

  private async post<T>(path: string, body: object): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('gitops');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('gitops');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
