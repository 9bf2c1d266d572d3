import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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

  // Typed by the interface, so each signature is written once, in GitopsApi.
  getHealth: GitopsApi['getHealth'] = () => this.get('/health');

  listEnvironments: GitopsApi['listEnvironments'] = () =>
    this.get('/environments');

  listRepositories: GitopsApi['listRepositories'] = () =>
    this.get('/repositories');

  listReleases: GitopsApi['listReleases'] = entityRef =>
    this.get(`/releases?entityRef=${encodeURIComponent(entityRef)}`);

  listEvents: GitopsApi['listEvents'] = (entityRef, query = {}) => {
    const params = new URLSearchParams({ entityRef });
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) params.set(name, String(value));
    }
    return this.get(`/events?${params}`);
  };

  getHelmHistory: GitopsApi['getHelmHistory'] = release =>
    this.get(`${releasePath(release)}/history`);

  syncNow: GitopsApi['syncNow'] = repository =>
    this.post('/sync', repository ? { repository } : {});

  promote: GitopsApi['promote'] = (release, options = {}) =>
    this.post(`${releasePath(release)}/promote`, {
      entityRef: release.entityRef,
      dryRun: options.dryRun ?? false,
    });

  lock: GitopsApi['lock'] = (release, message) =>
    this.post(`${releasePath(release)}/lock`, {
      entityRef: release.entityRef,
      ...(message ? { message } : {}),
    });

  unlock: GitopsApi['unlock'] = release =>
    this.post(`${releasePath(release)}/unlock`, {
      entityRef: release.entityRef,
    });

  reconcile: GitopsApi['reconcile'] = release =>
    this.post(`${releasePath(release)}/reconcile`, {
      entityRef: release.entityRef,
    });

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
