import { FetchApi } from '@backstage/core-plugin-api';
import {
  GitopsCommitResult,
  GitopsEnvironmentList,
  GitopsEvent,
  GitopsEventList,
  GitopsHelmHistory,
  GitopsRelease,
  GitopsReleaseList,
  GitopsRepositoryStatus,
} from '@backstage-gitops/plugin-gitops-common';
import { clusterStatus, podinfoRelease } from '../src/components/testEntities';

/** Where the sample answers live; nothing listens there. */
export const SAMPLE_BASE_URL = 'http://sample.invalid/api/gitops';

const minutesAgo = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000).toISOString();

/**
 * The demo's podinfo in three stages: dev follows its newest build, stg is
 * locked by a person with a note, and prod runs 0.4.10 with 0.4.11 allowed.
 */
function sampleReleases(): GitopsRelease[] {
  return [
    podinfoRelease('dev', 'dev-mww931xk', 'glob:dev-*', {
      status: clusterStatus('Synced', {
        reason: 'the cluster runs what git asks for',
      }),
    }),
    podinfoRelease('stg', 'stg-9ij63o4c', 'glob:stg-*', {
      locked: true,
      lockedBy: 'user:default/guest',
      lockedMessage: 'holding stg for the load test',
      status: clusterStatus('Drifted', {
        reason: 'replicaCount differs: git asks for 2, the cluster runs 1',
        differences: [{ path: 'values.replicaCount', desired: 2, live: 1 }],
      }),
    }),
    podinfoRelease('prod', '0.4.10', 'semver:~0.4', {
      status: clusterStatus('Synced', {
        reason: 'the cluster runs what git asks for',
      }),
      images: [
        {
          container: 'chart-image',
          repository: 'stefanprodan/podinfo',
          tag: '0.4.10',
          policy: 'semver:~0.4',
          status: {
            latestTag: '0.4.11',
            reason: 'newest version in ~0.4',
            checkedAt: minutesAgo(3),
          },
        },
      ],
    }),
  ];
}

/**
 * The plugin's backend as a sample: the cards' reads answer from the data
 * above, and locking and unlocking change it, so the dev app shows the
 * cards' states without a backend, a git repository or a cluster.
 */
export class SampleGitopsBackend implements FetchApi {
  private readonly releases = sampleReleases();
  private readonly events: GitopsEvent[] = [
    {
      id: 2,
      type: 'locked',
      repository: 'config',
      environment: 'stg',
      namespace: 'stg',
      name: 'podinfo-stg',
      actor: 'user:default/guest',
      message: 'holding stg for the load test',
      at: minutesAgo(20),
    },
    {
      id: 1,
      type: 'image-updated',
      repository: 'config',
      environment: 'dev',
      namespace: 'dev',
      name: 'podinfo-dev',
      commit: '0123456789abcdef0123456789abcdef01234567',
      author: 'Image Bot',
      message: 'Release stefanprodan/podinfo:dev-mww931xk to dev',
      details: {
        image: 'stefanprodan/podinfo',
        from: 'dev-q1w2e3r4',
        to: 'dev-mww931xk',
      },
      at: minutesAgo(45),
    },
  ];

  fetch = async (
    input: RequestInfo | URL,
    init?: RequestInit,
  ): Promise<Response> => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const path = url.pathname.replace(/^\/api\/gitops/, '');
    const method = (init?.method ?? 'GET').toUpperCase();
    const action = /^\/releases\/([^/]+)\/([^/]+)\/([^/]+)\/(\w+)$/.exec(path);
    if (method === 'GET' && path === '/releases') {
      return json<GitopsReleaseList>({ items: this.releases, problems: [] });
    }
    if (method === 'GET' && path === '/environments') {
      return json<GitopsEnvironmentList>({
        items: ['dev', 'stg', 'prod'].map((name, index) => ({
          name,
          repository: 'config',
          path: `releases/${name}`,
          cluster: 'demo',
          order: index + 1,
        })),
      });
    }
    if (method === 'GET' && path === '/repositories') {
      return json<{ items: GitopsRepositoryStatus[] }>({
        items: [
          {
            id: 'config',
            url: 'file:///sample/config.git',
            branch: 'main',
            lastCommit: '0123456789abcdef0123456789abcdef01234567',
            lastSyncedAt: minutesAgo(1),
          },
        ],
      });
    }
    if (method === 'GET' && path === '/events') {
      const environment = url.searchParams.get('environment');
      return json<GitopsEventList>({
        items: this.events.filter(
          event => !environment || event.environment === environment,
        ),
      });
    }
    if (method === 'GET' && path === '/health') return json({ status: 'ok' });
    if (method === 'GET' && action?.[4] === 'history') {
      return json<GitopsHelmHistory>({ cluster: 'demo', items: [] });
    }
    if (method === 'POST' && action && /^(lock|unlock)$/.test(action[4])) {
      return this.setLocked(action.slice(1, 4), action[4] === 'lock', init);
    }
    return json(
      {
        error: {
          name: 'NotImplementedError',
          message: `${method} ${path} is not part of the sample`,
        },
      },
      501,
    );
  };

  private setLocked(
    [environment, namespace, name]: string[],
    locked: boolean,
    init?: RequestInit,
  ): Response {
    const release = this.releases.find(
      r =>
        r.environment === environment &&
        r.namespace === namespace &&
        r.name === name,
    );
    if (!release) return json({ error: { message: 'no such release' } }, 404);
    const body = JSON.parse(String(init?.body ?? '{}'));
    const changed = release.locked !== locked;
    release.locked = locked;
    release.lockedBy = locked ? 'user:default/guest' : undefined;
    release.lockedMessage = locked ? body.message : undefined;
    return json<GitopsCommitResult>({
      changed,
      path: `releases/${environment}/podinfo.yaml`,
      requestedBy: 'user:default/guest',
    });
  }
}

function json<T>(body: T, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}
