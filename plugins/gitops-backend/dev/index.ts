import { createBackend } from '@backstage/backend-defaults';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * The plugin on its own (`yarn start` in this folder): it syncs a
 * throwaway copy of the example config repository into an in-memory
 * database and serves its API on port 7010 (GITOPS_DEV_PORT), with every
 * request taken as a signed-in user's, every action allowed, and the
 * example's own catalog entities. No cluster is configured, so nothing is
 * applied or reconciled.
 */
const example = path.resolve(__dirname, '../../../examples/config-repo');
const port = Number(process.env.GITOPS_DEV_PORT ?? 7010);

/** The example folder as one commit on main of a bare repository. */
function exampleRemote(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-dev-'));
  const work = path.join(dir, 'work');
  const remote = path.join(dir, 'config.git');
  fs.cpSync(example, work, { recursive: true });
  const git = (cwd: string, args: string[]) =>
    execFileSync('git', args, { cwd, stdio: 'ignore' });
  git(work, ['init', '-q', '-b', 'main']);
  git(work, ['add', '-A']);
  git(work, [
    '-c',
    'user.name=Backstage GitOps dev',
    '-c',
    'user.email=dev@backstage-gitops.invalid',
    'commit',
    '-q',
    '-m',
    'Import the example config repository',
  ]);
  git(dir, ['init', '-q', '--bare', '-b', 'main', remote]);
  git(work, ['push', '-q', remote, 'main']);
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return `file://${remote}`;
}

const entities = parseAllDocuments(
  fs.readFileSync(path.join(example, 'catalog-info.yaml'), 'utf8'),
).map(document => document.toJS() as Entity);

const backend = createBackend();
backend.add(
  mockServices.rootConfig.factory({
    data: {
      backend: {
        baseUrl: `http://localhost:${port}`,
        listen: { port },
        database: { client: 'better-sqlite3', connection: ':memory:' },
      },
      gitops: {
        repositories: [
          {
            id: 'config',
            url: exampleRemote(),
            branch: 'main',
            schedule: {
              frequency: { seconds: 30 },
              initialDelay: { seconds: 1 },
            },
          },
        ],
        environments: ['dev', 'stg', 'prod'].map((name, index) => ({
          name,
          repository: 'config',
          order: index + 1,
        })),
      },
    },
  }),
);
// Requests without a token count as a signed-in user's, as in the tests.
backend.add(mockServices.auth.factory());
backend.add(
  mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.user() }),
);
backend.add(
  mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
);
backend.add(catalogServiceMock.factory({ entities }));
backend.add(import('../src'));
backend.start();
