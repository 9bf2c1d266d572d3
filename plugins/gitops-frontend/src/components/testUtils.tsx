import { ReactElement } from 'react';
import { Entity } from '@backstage/catalog-model';
import {
  EntityPresentationApi,
  entityPresentationApiRef,
  EntityProvider,
} from '@backstage/plugin-catalog-react';
import {
  permissionApiRef,
  PermissionApi,
} from '@backstage/plugin-permission-react';
import {
  mockApis,
  MockFetchApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  GitopsEnvironment,
  GitopsEvent,
  GitopsHelmRevision,
  GitopsProblem,
  GitopsPromotion,
  GitopsRelease,
  GitopsRepositoryStatus,
} from '@backstage-gitops/plugin-gitops-common';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { screen, waitFor, within } from '@testing-library/react';
import { gitopsApiRef, GitopsClient } from '../api';
import { podinfoEntity, podinfoPipeline } from './testEntities';

export const baseUrl = 'http://backend.test/api/gitops';

export const minutesAgo = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000).toISOString();

/** A request the cards sent, as the fake backend saw it. */
export type SeenRequest = {
  method: string;
  path: string;
  body?: Record<string, any>;
  /** The query parameters, such as `environment` of `/events`. */
  query?: Record<string, string>;
};

/**
 * What the fake backend answers; tests change it before rendering (or
 * between reads, to see a refresh).
 */
export type FakeBackend = {
  releases: GitopsRelease[];
  problems: GitopsProblem[];
  environments: GitopsEnvironment[];
  repositories: GitopsRepositoryStatus[];
  events: GitopsEvent[];
  histories: Record<string, GitopsHelmRevision[]>;
  promotion?: (dryRun: boolean) => GitopsPromotion;
  /** Paths (such as `/releases`) that answer with this error. */
  failures: Record<string, { status: number; message: string }>;
  /** Paths that never answer. */
  hanging: string[];
  requests: SeenRequest[];
  count(method: string, path: string): number;
  /** The body of the first request to `path`. */
  bodyOf(path: string): Record<string, any> | undefined;
  /** Makes `path` answer with this error. */
  fail(path: string, status: number, message: string): void;
};

export const pipeline: GitopsEnvironment[] = [
  {
    name: 'dev',
    repository: 'config',
    path: 'releases/dev',
    cluster: 'demo',
    order: 1,
  },
  {
    name: 'stg',
    repository: 'config',
    path: 'releases/stg',
    cluster: 'demo',
    order: 2,
  },
  {
    name: 'prod',
    repository: 'config',
    path: 'releases/prod',
    cluster: 'demo',
    order: 3,
  },
];

export function createFakeBackend(): FakeBackend {
  const backend: FakeBackend = {
    releases: [],
    problems: [],
    environments: pipeline,
    repositories: [
      {
        id: 'config',
        url: 'https://github.com/example/config.git',
        branch: 'main',
        lastCommit: '51fb1f6f00000000000000000000000000000000',
        lastSyncedAt: minutesAgo(1),
      },
    ],
    events: [],
    histories: {},
    failures: {},
    hanging: [],
    requests: [],
    count(method, path) {
      return backend.requests.filter(
        r => r.method === method && r.path === path,
      ).length;
    },
    bodyOf(path) {
      return backend.requests.find(r => r.path === path)?.body;
    },
    fail(path, status, message) {
      backend.failures[path] = { status, message };
    },
  };
  return backend;
}

function errorBody(status: number, message: string) {
  return HttpResponse.json(
    { error: { name: 'Error', message }, response: { statusCode: status } },
    { status },
  );
}

/**
 * A page of `events` (newest first) as the backend answers `/events`: in the
 * asked environment, `limit` long, after the `before` cursor (here the
 * position of the last event shown).
 */
function eventsPage(events: GitopsEvent[], url: URL) {
  const query = url.searchParams;
  const environment = query.get('environment');
  const matching = events.filter(
    e =>
      (!environment || e.environment === environment) &&
      (query.get('scope') !== 'releases' || e.name),
  );
  const start = Number(query.get('before') ?? 0);
  const limit = Number(query.get('limit') ?? 100);
  const items = matching.slice(start, start + limit);
  return {
    items,
    ...(start + limit < matching.length ? { next: String(start + limit) } : {}),
  };
}

/** msw handlers that serve a {@link FakeBackend} and record what was asked. */
export function handlersFor(backend: FakeBackend) {
  const respond = async (
    request: Request,
    answer: (body?: Record<string, any>) => unknown,
  ) => {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname.slice('/api/gitops'.length));
    const body =
      request.method === 'POST'
        ? ((await request.json()) as Record<string, any>)
        : undefined;
    backend.requests.push({
      method: request.method,
      path,
      body,
      query: Object.fromEntries(url.searchParams),
    });
    if (backend.hanging.includes(path)) {
      await delay('infinite');
    }
    const failure = backend.failures[path];
    if (failure) return errorBody(failure.status, failure.message);
    return HttpResponse.json(answer(body) as any, {
      status:
        request.method === 'POST' && /\/(sync|reconcile)$/.test(path)
          ? 202
          : 200,
    });
  };
  return [
    http.get(`${baseUrl}/releases`, ({ request }) =>
      respond(request, () => ({
        items: backend.releases,
        problems: backend.problems,
      })),
    ),
    http.get(`${baseUrl}/environments`, ({ request }) =>
      respond(request, () => ({ items: backend.environments })),
    ),
    http.get(`${baseUrl}/repositories`, ({ request }) =>
      respond(request, () => ({ items: backend.repositories })),
    ),
    http.get(`${baseUrl}/events`, ({ request }) =>
      respond(request, () => eventsPage(backend.events, new URL(request.url))),
    ),
    http.get(
      `${baseUrl}/releases/:environment/:namespace/:name/history`,
      ({ request, params }) =>
        respond(request, () => ({
          cluster: 'demo',
          items:
            backend.histories[
              `${params.environment}/${params.namespace}/${params.name}`
            ] ?? [],
        })),
    ),
    http.post(`${baseUrl}/sync`, ({ request }) =>
      respond(request, body => ({
        repositories: body?.repository ? [body.repository] : ['config'],
        requestedBy: 'user:default/guest',
      })),
    ),
    http.post(
      `${baseUrl}/releases/:environment/:namespace/:name/promote`,
      ({ request }) =>
        respond(request, body => backend.promotion!(Boolean(body?.dryRun))),
    ),
    http.post(
      `${baseUrl}/releases/:environment/:namespace/:name/lock`,
      ({ request }) =>
        respond(request, () => ({
          commit: 'aaaabbbbccccddddeeeeffff0000111122223333',
          changed: true,
          path: 'releases/x.yaml',
          requestedBy: 'user:default/guest',
        })),
    ),
    http.post(
      `${baseUrl}/releases/:environment/:namespace/:name/unlock`,
      ({ request }) =>
        respond(request, () => ({
          commit: '4444555566667777888899990000aaaabbbbcccc',
          changed: true,
          path: 'releases/x.yaml',
          requestedBy: 'user:default/guest',
        })),
    ),
    http.post(
      `${baseUrl}/releases/:environment/:namespace/:name/reconcile`,
      ({ request }) =>
        respond(request, () => ({
          cluster: 'demo',
          requestedAt: new Date().toISOString(),
          requestedBy: 'user:default/guest',
        })),
    ),
  ];
}

/**
 * Starts an msw server for the test file and gives each test a fresh fake
 * backend behind the real {@link GitopsClient}.
 */
export function setupFakeBackend(): { current: FakeBackend } {
  const server = setupServer();
  const ref = { current: createFakeBackend() };
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  beforeEach(() => {
    ref.current = createFakeBackend();
    server.use(...handlersFor(ref.current));
  });
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return ref;
}

export function renderWithBackend(
  card: ReactElement,
  options: {
    entity?: Entity;
    permissionApi?: PermissionApi;
    /** How the catalog presents entities (people by display name); the default one otherwise. */
    entityPresentationApi?: EntityPresentationApi;
  } = {},
) {
  const client = new GitopsClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: new MockFetchApi(),
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gitopsApiRef, client],
        [permissionApiRef, options.permissionApi ?? mockApis.permission()],
        ...(options.entityPresentationApi
          ? [[entityPresentationApiRef, options.entityPresentationApi] as const]
          : []),
      ]}
    >
      <EntityProvider entity={options.entity ?? podinfoEntity}>
        {card}
      </EntityProvider>
    </TestApiProvider>,
  );
}

/**
 * Presents the users of `displayNames` by their display name, as the
 * catalog's presentation API does for users with a profile.
 */
export function presentingPeople(
  displayNames: Record<string, string>,
): EntityPresentationApi {
  return {
    forEntity(entityOrRef) {
      const entityRef =
        typeof entityOrRef === 'string' ? entityOrRef : 'unknown:default/x';
      const snapshot = {
        entityRef,
        primaryTitle: displayNames[entityRef] ?? entityRef,
      };
      return { snapshot, promise: Promise.resolve(snapshot) };
    },
  };
}

/** The demo's entity without any gitops annotation. */
export function unlinkedEntity(name: string): Entity {
  return { ...podinfoEntity, metadata: { name, annotations: {} } };
}

/** A problem git sync, apply or prune stored for a file of `environment`. */
export function problemOf(
  environment: string,
  path: string,
  message: string,
  overrides: Partial<GitopsProblem> = {},
): GitopsProblem {
  return {
    repository: 'config',
    environment,
    path,
    message,
    at: minutesAgo(1),
    ...overrides,
  };
}

/**
 * stg's podinfo file broke five minutes ago at commit bad1dea5: the mark its
 * release carries and the problem git sync stored.
 */
export function brokenStgFile() {
  const path = 'releases/stg/podinfo.yaml';
  const message = 'Map keys must be unique';
  const commit = 'bad1dea5bad1dea5';
  return {
    sourceProblem: { path, line: 11, message, commit, since: minutesAgo(5) },
    problem: problemOf('stg', path, message, {
      line: 11,
      at: minutesAgo(5),
      commit,
      source: 'git',
    }),
  };
}

/** The demo's pipeline whose stg file broke ({@link brokenStgFile}). */
export function pipelineWithBrokenStgFile() {
  const releases = podinfoPipeline();
  const broken = brokenStgFile();
  releases[1].sourceProblem = broken.sourceProblem;
  return { releases, stg: releases[1], problem: broken.problem };
}

/** What a release of {@link brokenStgFile} says about it. */
export const brokenStgFileNote =
  /^git file broken since bad1dea5\b.* \(5 minutes ago\): Map keys must be unique at releases\/stg\/podinfo\.yaml:11\. Showing its last good state\.$/;

/** A button once its permission decision has enabled it. */
export async function enabledButton(name: string) {
  const button = await screen.findByRole('button', { name });
  await waitFor(() => expect(button).toBeEnabled());
  return button;
}

/**
 * Sets up a card's test file: a fake backend for each test, a way to render
 * the card against it, and the tests every gitops card passes, written once.
 * Each case declares one `it`, so the card's own file keeps its order and
 * titles. `readPath` is the read that fills the card, such as `/releases`.
 */
export function setupCardTest(card: ReactElement, readPath: string) {
  const backend = setupFakeBackend();
  const render = (options?: Parameters<typeof renderWithBackend>[1]) =>
    renderWithBackend(card, options);
  return {
    backend,
    renderCard: render,

    showsProgress() {
      it('shows progress while the backend has not answered', async () => {
        backend.current.hanging = [readPath];
        await render();
        expect(await screen.findByTestId('progress')).toBeInTheDocument();
      });
    },

    explainsMissingAnnotations(
      title: string,
      annotations: string[],
      more: () => void = () => {},
    ) {
      it(title, async () => {
        await render({ entity: unlinkedEntity('lonely') });
        expect(
          screen.getByText('lonely is not linked to any HelmRelease'),
        ).toBeInTheDocument();
        for (const name of annotations) {
          expect(screen.getByText(name)).toBeInTheDocument();
        }
        more();
        expect(backend.current.requests).toEqual([]);
      });
    },

    saysNoReleaseIsRecorded(title: string, explanation: string) {
      it(title, async () => {
        await render();
        expect(
          await screen.findByText('No releases of podinfo recorded yet'),
        ).toBeInTheDocument();
        expect(screen.getByText(explanation)).toBeInTheDocument();
      });
    },

    showsErrorPanelWhenDown(status: number, message: string) {
      it('shows an error panel when the backend is down', async () => {
        backend.current.fail(readPath, status, message);
        await render();
        expect(
          await screen.findByText(
            `Error: The gitops backend could not be read: ${message}`,
          ),
        ).toBeInTheDocument();
      });
    },

    /**
     * Serves the pipeline whose stg file broke ({@link brokenStgFile}) with
     * its problem and `others`; gives the stg release the card should keep.
     */
    serveBrokenStgFile(...others: GitopsProblem[]) {
      const { releases, stg, problem } = pipelineWithBrokenStgFile();
      backend.current.releases = releases;
      backend.current.problems = [problem, ...others];
      return { stg, problem };
    },
  };
}

/** A source-problem note of {@link brokenStgFile}: its text and commit link. */
export function expectBrokenStgFileNote(note: HTMLElement) {
  expect(note).toHaveTextContent(brokenStgFileNote);
  expect(within(note).getByRole('link', { name: /bad1dea5/ })).toHaveAttribute(
    'href',
    expect.stringMatching(/\/commit\/bad1dea5bad1dea5$/),
  );
}
