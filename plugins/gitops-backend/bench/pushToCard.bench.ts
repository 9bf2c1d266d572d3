/*
 * Push to card (issue 14, "How it is shown"): how long a change takes from
 * where it is made to the API the entity cards read, over 20 rounds each.
 *
 *  (a) git: a commit `git push`ed to a real bare repository (file://), then
 *      GitHub's push webhook, signed with events.modules.github.webhookSecret,
 *      to the events backend's HTTP ingress (POST /api/events/http/github),
 *      until GET /releases?entityRef shows the new commit. Goal: under 2 s.
 *  (b) image: a new tag pushed to a real docker-registry, which notifies the
 *      backend itself (its `notifications` config, with the token of
 *      gitops.events.registry, to POST /api/events/http/gitops.registry),
 *      until the automation commit is in git and GET /releases?entityRef
 *      shows the new tag. Goal: under 5 s. The registry must start before
 *      the backend (whose config names it) and the test backend's port is
 *      random, so its notifications pass through a loopback relay that
 *      forwards them as they are.
 *
 * One test backend on PostgreSQL (a database per plugin, as production)
 * holds the gitops plugin as shipped, the events backend with its GitHub
 * module and the gitops events module, the default events service and
 * Backstage's database-backed scheduler. Polling is left at 10 minutes, so only the push path can meet
 * the goals; a round that takes over ROUND_TIMEOUT_MS fails the run.
 *
 * `yarn bench push`; PUSH_BENCH_ROUNDS (default 20).
 */
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { GITOPS_ANNOTATION_RELEASE_SELECTOR } from '@backstage-gitops/plugin-gitops-common';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exampleConfigRepoFiles } from '../src/__testUtils__/exampleConfigRepo';
import { pushTestImage } from '../src/registry/__testUtils__/pushTestImage';
import {
  startTestRegistry,
  TestRegistry,
} from '../src/registry/__testUtils__/startTestRegistry';
import { gitopsEventsModule } from '../src/events';
import { gitopsPlugin } from '../src/plugin';
import { git, median } from './benchTools';
import { send } from './httpLoad';
import { createScratchDatabases, ScratchDatabases } from './postgresDatabase';

const ROUNDS = Number(process.env.PUSH_BENCH_ROUNDS ?? 20);
const ROUND_TIMEOUT_MS = 30_000;
const POLL_MS = 20;
const GIT_GOAL_MS = 2000;
const IMAGE_GOAL_MS = 5000;
const ENTITY_REF = 'component:default/podinfo';
const DEV_FILE = 'releases/dev/podinfo.yaml';
const IMAGE = 'stefanprodan/podinfo';
const WEBHOOK_SECRET = randomBytes(16).toString('hex');
const REGISTRY_TOKEN = randomBytes(16).toString('hex');

const podinfo: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'podinfo',
    namespace: 'default',
    annotations: { [GITOPS_ANNOTATION_RELEASE_SELECTOR]: 'app=podinfo' },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/podinfo-team',
  },
};

type DevRelease = { commit: string; tag?: string };

/** The config repository: a bare remote and a clone that commits and pushes to it. */
async function createConfigRepository(root: string) {
  const bare = path.join(root, 'config.git');
  const clone = path.join(root, 'clone');
  await git(root, 'init', '--bare', '--quiet', '--initial-branch=main', bare);
  await git(root, 'clone', '--quiet', bare, clone);
  await git(clone, 'config', 'user.name', 'bench');
  await git(clone, 'config', 'user.email', 'bench@example.com');
  // An empty clone's branch is whatever the local git defaults to.
  await git(clone, 'symbolic-ref', 'HEAD', 'refs/heads/main');
  for (const [file, text] of Object.entries(await exampleConfigRepoFiles())) {
    await fs.mkdir(path.dirname(path.join(clone, file)), { recursive: true });
    await fs.writeFile(path.join(clone, file), text);
  }
  await git(clone, 'add', '-A');
  await git(clone, 'commit', '--quiet', '-m', 'Import');
  await git(clone, 'push', '--quiet', 'origin', 'main');
  return { bare, clone, url: `file://${bare}` };
}

function githubPushPayload(url: string, before: string, after: string) {
  return {
    ref: 'refs/heads/main',
    before,
    after,
    created: false,
    deleted: false,
    forced: false,
    repository: {
      name: 'config',
      full_name: 'bench/config',
      clone_url: url,
      html_url: url,
      url,
      default_branch: 'main',
    },
    pusher: { name: 'bench', email: 'bench@example.com' },
    head_commit: { id: after, message: 'bench round' },
    commits: [{ id: after, message: 'bench round', modified: [DEV_FILE] }],
  };
}

/** GitHub's delivery: the JSON body, signed as X-Hub-Signature-256. */
async function deliverGithubPush(
  baseUrl: string,
  agent: http.Agent,
  payload: object,
): Promise<void> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET)
    .update(body)
    .digest('hex')}`;
  const answer = await new Promise<number>((resolve, reject) => {
    const request = http.request(
      new URL('/api/events/http/github', baseUrl),
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'x-github-event': 'push',
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': signature,
          'user-agent': 'GitHub-Hookshot/bench',
        },
      },
      response => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
  if (answer !== 202)
    throw new Error(`The GitHub webhook answered ${answer}, not 202`);
}

/**
 * Forwards each request to `<target><path>` as it came (method, headers,
 * body), answering what the target answered; counts answers other than 2xx.
 */
async function startRelay() {
  let target: string | undefined;
  let refused = 0;
  let lastRefusal = '';
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (!target) {
      // Before the backend runs (the first image is pushed then): its first
      // scan finds that image anyway, so the notification is dropped.
      response.writeHead(202).end();
      return;
    }
    try {
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(
          ([name]) => !['host', 'connection', 'content-length'].includes(name),
        ) as Array<[string, string]>,
      );
      const answer = await fetch(`${target}${request.url}`, {
        method: request.method,
        headers,
        body: Buffer.concat(chunks),
      });
      const text = await answer.text();
      if (answer.status >= 300) {
        refused += 1;
        lastRefusal = `${answer.status}: ${text.slice(0, 200)}`;
      }
      response
        .writeHead(answer.status, { 'content-type': 'application/json' })
        .end(text);
    } catch (error) {
      refused += 1;
      lastRefusal = String(error);
      response.writeHead(502).end();
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwardTo(url: string) {
      target = url;
    },
    refusals: () => ({ refused, lastRefusal }),
    stop: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

async function startBackend(options: {
  database: ScratchDatabases['config'];
  repositoryUrl: string;
  registry: TestRegistry;
  workDir: string;
}) {
  const rarely = { minutes: 10 };
  const backend = await startTestBackend({
    features: [
      gitopsPlugin,
      import('@backstage/plugin-events-backend'),
      import('@backstage/plugin-events-backend-module-github'),
      gitopsEventsModule,
      eventsServiceFactory,
      schedulerServiceFactory,
      catalogServiceMock.factory({ entities: [podinfo] }),
      databaseServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            workingDirectory: options.workDir,
            database: options.database,
          },
          events: { modules: { github: { webhookSecret: WEBHOOK_SECRET } } },
          gitops: {
            repositories: [
              {
                id: 'config',
                url: options.repositoryUrl,
                branch: 'main',
                schedule: {
                  frequency: rarely,
                  timeout: { seconds: 60 },
                  initialDelay: { seconds: 0 },
                },
              },
            ],
            environments: [{ name: 'dev', repository: 'config', order: 1 }],
            events: {
              registry: { token: REGISTRY_TOKEN, hosts: ['docker.io'] },
            },
            registries: [{ host: 'docker.io', url: options.registry.url }],
            imageAutomation: {
              schedule: {
                frequency: rarely,
                timeout: { seconds: 60 },
                initialDelay: { seconds: 0 },
              },
            },
          },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  return { backend, baseUrl: `http://127.0.0.1:${port}` };
}

/** The dev release as the card reads it, if the API lists it. */
async function readDevRelease(
  baseUrl: string,
  agent: http.Agent,
): Promise<DevRelease | undefined> {
  const answer = await send(agent, baseUrl, {
    method: 'GET',
    path: `/api/gitops/releases?entityRef=${encodeURIComponent(ENTITY_REF)}`,
    headers: { authorization: mockCredentials.user.header() },
  });
  if (answer.status !== 200)
    throw new Error(
      `GET /releases answered ${answer.status}: ${answer.text.slice(0, 300)}`,
    );
  const release = JSON.parse(answer.text).items.find(
    (item: any) => item.environment === 'dev' && item.name === 'podinfo-dev',
  );
  return release
    ? { commit: release.commit, tag: release.images?.[0]?.tag }
    : undefined;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = performance.now() + ROUND_TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) {
      throw new Error(`${what}: not seen within ${ROUND_TIMEOUT_MS} ms`);
    }
    await new Promise(resolve => setTimeout(resolve, POLL_MS));
  }
}

/** Milliseconds from a round's start to the end of each stage, in order; the last is the total. */
type Stages = Record<string, number>;
type Part = { times: number[]; stages: Stages[]; failure?: string };

const total = (stages: Stages) => Object.values(stages).at(-1) ?? NaN;

/** Runs ROUNDS rounds, each timing its stages; the first failure ends the part. */
async function rounds(round: (n: number) => Promise<Stages>): Promise<Part> {
  const stages: Stages[] = [];
  for (let n = 1; n <= ROUNDS; n++) {
    try {
      stages.push(await round(n));
    } catch (error) {
      return { times: stages.map(total), stages, failure: String(error) };
    }
  }
  return { times: stages.map(total), stages };
}

/** Where the time goes: the median time each stage took after the one before. */
function stageMedians(part: Part): string {
  if (part.stages.length === 0) return '';
  const names = Object.keys(part.stages[0]);
  return names
    .map((name, i) => {
      const spans = part.stages.map(
        s => s[name] - (i > 0 ? s[names[i - 1]] : 0),
      );
      return `${name} ${median(spans).toFixed(0)}`;
    })
    .join(', ');
}

/** Marks stage ends from one start. */
function stageClock() {
  const start = performance.now();
  const stages: Stages = {};
  return {
    mark(name: string) {
      stages[name] = performance.now() - start;
    },
    stages,
  };
}

function summary(label: string, part: Part, goalMs: number) {
  const { times } = part;
  if (times.length === 0)
    return `  ${label.padEnd(34)}      0  NOT MEASURED: ${part.failure}`;
  const max = Math.max(...times);
  const med = median(times);
  let verdict = 'NOT MET';
  if (part.failure) {
    verdict = `NOT MET, round ${times.length + 1} failed: ${part.failure}`;
  } else if (max < goalMs) {
    verdict = 'met';
  } else if (med < goalMs) {
    verdict = 'median only';
  }
  return `  ${label.padEnd(34)} ${String(times.length).padStart(6)} ${med
    .toFixed(0)
    .padStart(9)} ${max
    .toFixed(0)
    .padStart(9)}   goal < ${goalMs} ms: ${verdict}`;
}

export async function run() {
  const databases = await createScratchDatabases('push');
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-bench-push-'));
  const relay = await startRelay();
  const registry = await startTestRegistry({
    notifications: {
      url: `${relay.url}/api/events/http/gitops.registry`,
      headers: { Authorization: `Bearer ${REGISTRY_TOKEN}` },
    },
  });
  const agent = new http.Agent({ keepAlive: true });
  let started: Awaited<ReturnType<typeof startBackend>> | undefined;
  try {
    await pushTestImage(registry, {
      repository: IMAGE,
      tag: 'dev-kb9lm91e',
      created: '2026-11-03T10:00:00Z',
    });
    const repository = await createConfigRepository(root);
    started = await startBackend({
      database: databases.config,
      repositoryUrl: repository.url,
      registry,
      workDir: path.join(root, 'work'),
    });
    const { baseUrl } = started;
    relay.forwardTo(baseUrl);
    // The first sync and scan run at start; rounds begin from their result.
    await until('the first sync', () => readDevRelease(baseUrl, agent));

    const gitPart = await rounds(async round => {
      const { clone, url } = repository;
      await git(clone, 'pull', '--quiet', '--rebase', 'origin', 'main');
      const before = (await git(clone, 'rev-parse', 'HEAD')).stdout.trim();
      const file = path.join(clone, DEV_FILE);
      const text = await fs.readFile(file, 'utf8');
      await fs.writeFile(
        file,
        text.replace(/replicaCount: \d+/, `replicaCount: ${round + 1}`),
      );
      await git(clone, 'commit', '--quiet', '-am', `bench round ${round}`);
      const after = (await git(clone, 'rev-parse', 'HEAD')).stdout.trim();
      const clock = stageClock();
      await git(clone, 'push', '--quiet', 'origin', 'main');
      clock.mark('git push');
      await deliverGithubPush(
        baseUrl,
        agent,
        githubPushPayload(url, before, after),
      );
      clock.mark('webhook accepted');
      await until(
        `git round ${round}: commit ${after} on the card`,
        async () => {
          const release = await readDevRelease(baseUrl, agent);
          return release?.commit === after ? true : undefined;
        },
      );
      clock.mark('on the card');
      return clock.stages;
    });

    const imagePart = await rounds(async round => {
      const tag = `dev-bench${String(round).padStart(3, '0')}`;
      const created = new Date(Date.UTC(2026, 10, 4, 0, round)).toISOString();
      const clock = stageClock();
      await pushTestImage(registry, { repository: IMAGE, tag, created });
      clock.mark('image push');
      await until(
        `image round ${round}: the automation commit of ${tag}`,
        async () => {
          const subject = (
            await git(repository.bare, 'log', '-1', '--format=%s', 'main')
          ).stdout;
          return subject.includes(tag) ? true : undefined;
        },
      );
      clock.mark('automation commit');
      await until(`image round ${round}: tag ${tag} on the card`, async () => {
        const release = await readDevRelease(baseUrl, agent);
        return release?.tag === tag ? true : undefined;
      });
      clock.mark('on the card');
      return clock.stages;
    });

    console.log(`push to card (${ROUNDS} rounds each, ms)`);
    console.log(
      '  path                               rounds    median       max',
    );
    console.log(summary('git push + webhook -> API', gitPart, GIT_GOAL_MS));
    console.log(
      summary('image push -> git commit + API', imagePart, IMAGE_GOAL_MS),
    );
    console.log(`  git stages (median ms each): ${stageMedians(gitPart)}`);
    console.log(`  image stages (median ms each): ${stageMedians(imagePart)}`);
    const { refused, lastRefusal } = relay.refusals();
    if (refused > 0) {
      console.log(
        `  registry notifications refused: ${refused}, the last: ${lastRefusal}`,
      );
    }
    const failures = [gitPart.failure, imagePart.failure].filter(Boolean);
    if (failures.length > 0)
      throw new Error(`push to card: ${failures.join('; ')}`);
  } finally {
    agent.destroy();
    await started?.backend.stop();
    await registry.stop();
    await relay.stop();
    await databases.drop();
    await fs.rm(root, { recursive: true, force: true });
  }
}
