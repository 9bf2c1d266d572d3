import {
  mockServices,
  startTestBackend,
  TestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import eventsPlugin from '@backstage/plugin-events-backend';
import bitbucketCloudEventsModule from '@backstage/plugin-events-backend-module-bitbucket-cloud';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createHmac } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Knex } from 'knex';
import request from 'supertest';
import { CliGitRepository } from '../git';
import { createTestRemote, TestRemote } from '../git/__testUtils__';
import { gitopsPlugin } from '../plugin';
import { gitopsEventsModule } from './module';

jest.setTimeout(120_000);

// The modules' default exports load their parts with dynamic import(),
// which jest cannot run: their parts are loaded here one by one, as is.
function moduleParts(pkg: string, parts: string[]) {
  const dist = path.join(
    path.dirname(require.resolve(`${pkg}/package.json`)),
    'dist',
    'service',
  );
  return parts.map(part => require(path.join(dist, `${part}.cjs.js`)).default);
}
const githubEventsModules = moduleParts(
  '@backstage/plugin-events-backend-module-github',
  ['eventsModuleGithubEventRouter', 'eventsModuleGithubWebhook'],
);
const gitlabEventsModules = moduleParts(
  '@backstage/plugin-events-backend-module-gitlab',
  ['eventsModuleGitlabEventRouter', 'eventsModuleGitlabWebhook'],
);

const GITHUB_SECRET = 'github-test-secret';
const GITLAB_TOKEN = 'gitlab-test-token';
const BITBUCKET_SECRET = 'bitbucket-test-secret';
const release = (tag: string) => `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: app
  namespace: dev
spec:
  releaseName: app
  chart:
    repository: https://charts.example.com/
    name: app
    version: 1.0.0
  values:
    image:
      repository: org/app
      tag: "${tag}"
`;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * The events backend with the GitHub and GitLab modules in front of the
 * gitops plugin: a signed push to the ingress syncs the repository at once,
 * with schedules far in the future so nothing else runs.
 */
describe('git push events', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let remote: TestRemote;
  let workDir: string;
  let backend: TestBackend;
  let knex: Knex;
  const fetches = jest.spyOn(CliGitRepository.prototype, 'fetch');
  const later = {
    frequency: { hours: 1 },
    timeout: { minutes: 1 },
    initialDelay: { hours: 1 },
  };

  beforeAll(async () => {
    remote = await createTestRemote();
    await remote.commit({ 'releases/dev/app.yaml': release('1') }, 'One');
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-events-'));
    knex = await databases.init('SQLITE_3');
    backend = await startTestBackend({
      features: [
        gitopsPlugin,
        eventsPlugin,
        ...githubEventsModules,
        ...gitlabEventsModules,
        bitbucketCloudEventsModule,
        gitopsEventsModule,
        catalogServiceMock.factory(),
        mockServices.database.factory({ knex }),
        // The test backend's events mock is one per plugin; the real service shares one bus.
        eventsServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory: workDir },
            events: {
              modules: {
                github: { webhookSecret: GITHUB_SECRET },
                gitlab: { webhookSecret: GITLAB_TOKEN },
              },
            },
            gitops: {
              // No registry token: no registry ingress.
              events: { bitbucketCloud: { webhookSecret: BITBUCKET_SECRET } },
              repositories: [
                {
                  id: 'config',
                  url: remote.url,
                  branch: 'main',
                  schedule: later,
                },
              ],
              imageAutomation: { schedule: later },
              helmReconcile: { schedule: later },
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await remote?.remove();
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  });

  beforeEach(() => fetches.mockClear());

  const storedCommit = async (): Promise<string | undefined> =>
    (await knex('gitops_repositories').where({ id: 'config' }).first())
      ?.last_commit ?? undefined;

  const githubPush = (ref = 'refs/heads/main') =>
    JSON.stringify({
      ref,
      repository: { full_name: 'org/config', clone_url: remote.url },
    });

  const postGithub = (
    body: string,
    signature = `sha256=${createHmac('sha256', GITHUB_SECRET)
      .update(body)
      .digest('hex')}`,
  ) =>
    request(backend.server)
      .post('/api/events/http/github')
      .set('content-type', 'application/json')
      .set('x-github-event', 'push')
      .set('x-hub-signature-256', signature)
      .send(body);

  it('syncs at once on a correctly signed GitHub push', async () => {
    // The first push clones the repository, as the first scheduled sync would.
    const first = await remote.head();
    expect((await postGithub(githubPush())).status).toBe(202);
    await waitFor(
      'the first sync',
      async () => ((await storedCommit()) === first ? true : undefined),
      30_000,
    );

    const head = await remote.commit(
      { 'releases/dev/app.yaml': release('2') },
      'Two',
    );
    const started = Date.now();
    const response = await postGithub(githubPush());
    expect(response.status).toBe(202);
    await waitFor('the pushed commit to be stored', async () =>
      (await storedCommit()) === head ? true : undefined,
    );
    // Well under the scheduler's 5 s poll, let alone the hour-long schedule.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('rejects a forged signature and syncs nothing', async () => {
    const before = await storedCommit();
    await remote.commit(
      { 'releases/dev/app.yaml': release('forged') },
      'Forged',
    );
    const response = await postGithub(githubPush(), `sha256=${'0'.repeat(64)}`);
    expect(response.status).toBe(403);
    const unsigned = await request(backend.server)
      .post('/api/events/http/github')
      .set('content-type', 'application/json')
      .set('x-github-event', 'push')
      .send(githubPush());
    expect(unsigned.status).toBe(403);
    await sleep(500);
    expect(fetches).not.toHaveBeenCalled();
    expect(await storedCommit()).toBe(before);
  });

  it('ignores a push of another branch or a tag', async () => {
    for (const ref of [
      'refs/heads/feature',
      'refs/tags/v1',
      'refs/heads/main-2',
    ]) {
      expect((await postGithub(githubPush(ref))).status).toBe(202);
    }
    await sleep(500);
    expect(fetches).not.toHaveBeenCalled();
  });

  it('runs at most two syncs for ten duplicate events', async () => {
    const head = await remote.commit(
      { 'releases/dev/app.yaml': release('3') },
      'Three',
    );
    const body = githubPush();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => postGithub(body)),
    );
    expect(responses.map(r => r.status)).toEqual(Array(10).fill(202));
    await waitFor('the pushed commit to be stored', async () =>
      (await storedCommit()) === head ? true : undefined,
    );
    await sleep(1_000);
    expect(fetches.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(fetches.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it('syncs on a GitLab push with the right token, not with a wrong one', async () => {
    const head = await remote.commit(
      { 'releases/dev/app.yaml': release('4') },
      'Four',
    );
    const body = {
      object_kind: 'push',
      ref: 'refs/heads/main',
      project: { git_http_url: remote.url },
    };
    const wrong = await request(backend.server)
      .post('/api/events/http/gitlab')
      .set('x-gitlab-token', 'not-the-token')
      .send(body);
    expect(wrong.status).toBe(403);
    await sleep(300);
    expect(fetches).not.toHaveBeenCalled();

    const right = await request(backend.server)
      .post('/api/events/http/gitlab')
      .set('x-gitlab-token', GITLAB_TOKEN)
      .send(body);
    expect(right.status).toBe(202);
    await waitFor('the pushed commit to be stored', async () =>
      (await storedCommit()) === head ? true : undefined,
    );
  });

  it('syncs on a Bitbucket Cloud push signed with the webhook secret, not on a forged one', async () => {
    const head = await remote.commit(
      { 'releases/dev/app.yaml': release('5') },
      'Five',
    );
    const body = JSON.stringify({
      repository: {
        full_name: 'team/config',
        links: { html: { href: remote.url } },
      },
      push: { changes: [{ new: { type: 'branch', name: 'main' } }] },
    });
    const post = (signature: string) =>
      request(backend.server)
        .post('/api/events/http/bitbucketCloud')
        .set('content-type', 'application/json')
        .set('x-event-key', 'repo:push')
        .set('x-hub-signature', signature)
        .send(body);
    expect(
      (
        await post(
          `sha256=${createHmac('sha256', 'wrong').update(body).digest('hex')}`,
        )
      ).status,
    ).toBe(403);
    await sleep(300);
    expect(fetches).not.toHaveBeenCalled();
    expect(
      (
        await post(
          `sha256=${createHmac('sha256', BITBUCKET_SECRET)
            .update(body)
            .digest('hex')}`,
        )
      ).status,
    ).toBe(202);
    await waitFor('the pushed commit to be stored', async () =>
      (await storedCommit()) === head ? true : undefined,
    );
  });

  it('adds no registry ingress without gitops.events.registry.token', async () => {
    const response = await request(backend.server)
      .post('/api/events/http/gitops.registry')
      .set('content-type', 'application/json')
      .send({ events: [] });
    expect(response.status).toBe(404);
  });
});
