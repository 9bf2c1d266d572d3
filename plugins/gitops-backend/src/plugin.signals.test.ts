import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { exampleConfigRepoFiles } from './__testUtils__/exampleConfigRepo';
import { createTestRemote, TestFiles, TestRemote } from './git/__testUtils__';
import { gitopsPlugin } from './plugin';

jest.setTimeout(120_000);

const DEV_FILE = 'releases/dev/podinfo.yaml';
const PODINFO = 'gitops:entity:component:default/podinfo';

const component = (name: string, chart: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations: { 'gitops.backstage.io/helm-chart': chart } },
  spec: {},
});

async function waitFor(what: string, probe: () => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/**
 * The plugin as installed, with its loops on Backstage's scheduler: what git
 * sync stores reaches the signals service, for the entities it concerns.
 */
describe('gitopsPlugin signals', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let remote: TestRemote;
  let workDir: string;
  let backend: TestBackend | undefined;
  const published: SignalPayload[] = [];

  beforeAll(async () => {
    remote = await createTestRemote();
    await remote.commit(
      (await exampleConfigRepoFiles()) as TestFiles,
      'Import',
    );
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-signals-'));
  });

  afterAll(async () => {
    await backend?.stop();
    await remote?.remove();
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  });

  it('signals the entity whose release a commit changed, and nothing while git stands still', async () => {
    const every = { seconds: 1 };
    const schedule = {
      frequency: every,
      timeout: { seconds: 30 },
      initialDelay: { seconds: 0 },
    };
    backend = await startTestBackend({
      features: [
        gitopsPlugin,
        catalogServiceMock.factory({
          entities: [
            component('podinfo', 'podinfo'),
            component('other', 'nginx'),
          ],
        }),
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory: workDir },
            gitops: {
              repositories: [
                { id: 'config', url: remote.url, branch: 'main', schedule },
              ],
              environments: [{ name: 'dev', repository: 'config', order: 1 }],
              imageAutomation: { enabled: false },
            },
          },
        }),
        schedulerServiceFactory,
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({
            publish: async signal => {
              published.push(signal as SignalPayload);
            },
          }),
        }),
      ],
    });
    const channels = () => published.map(p => p.channel);

    await waitFor('the first sync to signal podinfo', () =>
      channels().includes(PODINFO),
    );
    expect(channels()).toContain('gitops:environments');
    expect(channels()).not.toContain('gitops:entity:component:default/other');
    expect(published.every(p => p.recipients.type === 'broadcast')).toBe(true);

    // Several syncs of the same commit: nothing changed, nothing is signalled.
    published.length = 0;
    await new Promise(resolve => setTimeout(resolve, 4_000));
    expect(channels()).toEqual([]);

    const files = await exampleConfigRepoFiles();
    await remote.commit(
      {
        [DEV_FILE]: files[DEV_FILE].replace(
          'replicaCount: 1',
          'replicaCount: 2',
        ),
      },
      'Scale dev',
    );
    await waitFor('the commit to signal podinfo', () =>
      channels().includes(PODINFO),
    );
    expect(channels().filter(c => c === PODINFO)).toEqual([PODINFO]);
    expect(channels()).not.toContain('gitops:entity:component:default/other');
  });
});
