import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  GitopsEnvironmentList,
  GitopsEventList,
  GitopsHealth,
  GitopsHelmHistory,
  GitopsReleaseList,
} from '@backstage-gitops/plugin-gitops-common';
import { GitopsApi } from './GitopsApi';

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
    const parts = [release.environment, release.namespace, release.name].map(
      encodeURIComponent,
    );
    return this.get(`/releases/${parts.join('/')}/history`);
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
