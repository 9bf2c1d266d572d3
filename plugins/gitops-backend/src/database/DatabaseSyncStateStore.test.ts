import { describeStores, release, sync } from './__testUtils__/storeFixtures';
import { FluxObjectRecord } from './SyncStateStore';

function fluxObject(
  path: string,
  kind: FluxObjectRecord['kind'],
  name: string,
  overrides: Partial<FluxObjectRecord> = {},
): FluxObjectRecord {
  return {
    repository: 'config',
    path,
    line: 1,
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    kind,
    namespace: 'flux-system',
    name,
    spec: { interval: '5m' },
    ...overrides,
  };
}

describeStores('DatabaseSyncStateStore', storeTest => {
  storeTest(
    'never stores or shows the credential of a repository URL',
    async ({ knex, syncStateStore }) => {
      await syncStateStore.ensureRepository({
        id: 'token',
        url: 'https://ghp_secret@github.com/org/config.git',
        branch: 'main',
      });
      // As written before config refused such URLs.
      await knex('gitops_repositories').insert({
        id: 'legacy',
        url: 'https://bot:ghp_legacy@github.com/org/legacy.git',
        branch: 'main',
      });
      const stored = await knex('gitops_repositories')
        .where({ id: 'token' })
        .first();
      expect(stored.url).toBe('https://github.com/org/config.git');
      const shown = JSON.stringify(await syncStateStore.listRepositories());
      expect(shown).not.toMatch(/ghp_|bot/);
      expect((await syncStateStore.getRepository('legacy'))?.url).toBe(
        'https://github.com/org/legacy.git',
      );
    },
  );

  storeTest(
    'removes the images, files and labels of the releases an incremental sync replaces, and only theirs',
    async ({ knex, syncStateStore }) => {
      await syncStateStore.ensureRepository({
        id: 'config',
        url: 'file:///config',
        branch: 'main',
      });
      const builtFrom = (r: ReturnType<typeof release>) => ({
        ...r,
        builtFrom: [r.sourcePath, 'apps/base/x.yaml'],
      });
      await syncStateStore.applySync(
        sync({
          releases: [
            builtFrom(release('dev', 'a')),
            builtFrom(release('dev', 'b')),
            builtFrom(release('stg', 'a')),
          ],
        }),
      );
      const children = async () =>
        Object.fromEntries(
          await Promise.all(
            [
              'gitops_release_images',
              'gitops_release_files',
              'gitops_release_labels',
            ].map(async table => [
              table,
              (
                await knex(table)
                  .join(
                    'gitops_releases',
                    'gitops_releases.id',
                    `${table}.release_id`,
                  )
                  .select('gitops_releases.environment', 'gitops_releases.name')
              )
                .map(row => `${row.environment}/${row.name}`)
                .sort(),
            ]),
          ),
        );
      const counts = async () =>
        Promise.all(
          [
            'gitops_release_images',
            'gitops_release_files',
            'gitops_release_labels',
          ].map(async table =>
            Number((await knex(table).count({ n: '*' }).first())!.n),
          ),
        );
      expect(await counts()).toEqual([3, 6, 3]);

      await syncStateStore.applySync(
        sync({
          commit: 'c2',
          full: false,
          replacedPaths: ['releases/dev/a.yaml'],
          replacedSources: {
            releases: [{ environment: 'stg', path: 'releases/stg/a.yaml' }],
            fluxObjects: [],
            problems: [],
          },
          releases: [
            release('dev', 'a', { labels: { app: 'a', tier: 'web' } }),
          ],
        }),
      );
      expect(await children()).toEqual({
        gitops_release_images: ['dev/a', 'dev/b'],
        gitops_release_files: ['dev/b', 'dev/b'],
        gitops_release_labels: ['dev/a', 'dev/a', 'dev/b'],
      });
      // Nothing is left pointing at a release that is gone.
      expect(await counts()).toEqual([2, 2, 3]);
    },
  );

  storeTest(
    'lists environments in pipeline order',
    async ({ syncStateStore }) => {
      expect(await syncStateStore.listEnvironments()).toEqual([]);
      await syncStateStore.replaceEnvironments('config', [
        {
          name: 'prod',
          repository: 'config',
          path: 'releases/prod',
          cluster: 'demo',
          order: 3,
        },
        { name: 'dev', repository: 'config', path: 'releases/dev', order: 1 },
        {
          name: 'stg',
          repository: 'config',
          path: 'releases/stg',
          cluster: 'demo',
          order: 2,
        },
      ]);
      expect(
        (await syncStateStore.listEnvironments()).map(e => e.name),
      ).toEqual(['dev', 'stg', 'prod']);
      await syncStateStore.replaceEnvironments('config', [
        { name: 'dev', repository: 'config', path: 'releases/dev', order: 1 },
      ]);
      expect(
        (await syncStateStore.listEnvironments()).map(e => e.name),
      ).toEqual(['dev']);
    },
  );

  storeTest(
    'replaces only the files an incremental sync names',
    async ({ syncStateStore }) => {
      await syncStateStore.applySync(
        sync({
          releases: [release('dev', 'podinfo'), release('prod', 'podinfo')],
          problems: [
            {
              environment: 'dev',
              path: 'releases/dev/bad.yaml',
              line: 2,
              message: 'broken',
            },
          ],
        }),
      );
      await syncStateStore.applySync(
        sync({
          commit: 'c2',
          full: false,
          replacedPaths: ['releases/dev/podinfo.yaml', 'releases/dev/bad.yaml'],
          releases: [
            release('dev', 'podinfo', {
              commit: 'c2',
              images: [
                {
                  container: 'chart-image',
                  repository: 'stefanprodan/podinfo',
                  tag: 'dev-2',
                  paths: {},
                },
              ],
            }),
          ],
        }),
      );
      const all = await syncStateStore.releasesFromPaths('config', 'all');
      expect(
        all.map(r => `${r.environment}:${r.images[0].tag}:${r.commit}`),
      ).toEqual(['dev:dev-2:c2', 'prod:prod-1:c1']);
      expect(await syncStateStore.listProblems(['config'])).toEqual([]);
      expect((await syncStateStore.getRepository('config'))?.lastCommit).toBe(
        'c2',
      );
      // What one cluster's reconciler reads: its environments only.
      expect(
        (await syncStateStore.releasesOfEnvironments(['prod'])).map(
          r => `${r.environment}:${r.name}`,
        ),
      ).toEqual(['prod:podinfo']);
      expect(await syncStateStore.releasesOfEnvironments([])).toEqual([]);

      // A full sync drops what is not there any more, images included.
      await syncStateStore.applySync(
        sync({ commit: 'c3', releases: [release('prod', 'podinfo')] }),
      );
      expect(
        (await syncStateStore.releasesFromPaths('config', 'all')).map(
          r => r.environment,
        ),
      ).toEqual(['prod']);
      expect(
        await syncStateStore.findReleases({
          chartNames: [],
          imageRepositories: ['stefanprodan/podinfo'],
          labelSelectors: [],
        }),
      ).toHaveLength(1);
    },
  );

  storeTest(
    'finds releases by chart, image and labels, and round-trips every field',
    async ({ syncStateStore }) => {
      const other = release('dev', 'worker', {
        chartName: 'worker',
        chartPath: 'charts/worker',
        labels: { app: 'worker', 'backstage.io/kubernetes-id': 'podinfo' },
        images: [
          {
            container: 'worker',
            registry: 'ghcr.io',
            repository: 'org/worker',
            tag: '1',
            paths: { image: 'worker.image' },
          },
        ],
      });
      await syncStateStore.applySync(
        sync({ releases: [release('dev', 'podinfo'), other] }),
      );

      const byChart = await syncStateStore.findReleases({
        chartNames: ['podinfo'],
        imageRepositories: [],
        labelSelectors: [],
      });
      expect(byChart).toEqual([release('dev', 'podinfo')]);
      const byImage = await syncStateStore.findReleases({
        chartNames: [],
        imageRepositories: ['org/worker'],
        labelSelectors: [],
      });
      expect(byImage).toEqual([other]);
      // The path alone is not the image: Docker Hub's org/worker is another one.
      const byName = (host: string) =>
        syncStateStore.findReleases({
          chartNames: [],
          imageRepositories: ['org/worker'],
          imageNames: [{ host, repository: 'org/worker' }],
          labelSelectors: [],
        });
      expect(await byName('ghcr.io')).toEqual([other]);
      expect(await byName('docker.io')).toEqual([]);
      const byLabel = await syncStateStore.findReleases({
        chartNames: [],
        imageRepositories: [],
        labelSelectors: [
          [{ key: 'backstage.io/kubernetes-id', op: '=', value: 'podinfo' }],
        ],
      });
      expect(byLabel.map(r => r.name)).toEqual(['worker']);
      const notWorker = await syncStateStore.findReleases({
        chartNames: [],
        imageRepositories: [],
        labelSelectors: [[{ key: 'app', op: '!=', value: 'worker' }]],
      });
      expect(notWorker.map(r => r.name)).toEqual(['podinfo']);
      expect(
        await syncStateStore.sourcePathsForCharts('config', [
          'charts',
          'charts/worker',
        ]),
      ).toEqual(['releases/dev/worker.yaml']);
    },
  );

  storeTest(
    'keeps the last good state when a fetch fails, and clears the error on the next sync',
    async ({ syncStateStore }) => {
      await syncStateStore.applySync(
        sync({ releases: [release('dev', 'podinfo')] }),
      );
      await syncStateStore.recordRepositoryFailure(
        'config',
        'unreachable',
        new Date('2026-11-25T11:00:00Z'),
      );
      expect(await syncStateStore.getRepository('config')).toEqual(
        expect.objectContaining({
          lastCommit: 'c1',
          lastError: 'unreachable',
          lastErrorAt: '2026-11-25T11:00:00.000Z',
        }),
      );
      expect(await syncStateStore.listProblems(['config'])).toEqual([
        {
          repository: 'config',
          path: '',
          message: 'unreachable',
          at: '2026-11-25T11:00:00.000Z',
        },
      ]);
      expect(
        await syncStateStore.releasesFromPaths('config', 'all'),
      ).toHaveLength(1);
      await syncStateStore.applySync(sync({ full: false }));
      expect(
        (await syncStateStore.getRepository('config'))?.lastError,
      ).toBeUndefined();
    },
  );

  storeTest(
    'holds a broken file at its last good state and keeps since when it broke',
    async ({ syncStateStore }) => {
      await syncStateStore.applySync(
        sync({
          releases: [release('dev', 'podinfo'), release('prod', 'podinfo')],
        }),
      );
      const broken = {
        environment: 'dev',
        path: 'releases/dev/podinfo.yaml',
        line: 11,
        message: 'Map keys must be unique',
        blocking: true,
      };
      await syncStateStore.applySync(
        sync({
          commit: 'c2',
          syncedAt: new Date('2026-11-25T11:00:00Z'),
          full: false,
          keptPaths: ['releases/dev/podinfo.yaml'],
          problems: [
            broken,
            {
              environment: 'prod',
              path: 'releases/prod/podinfo.yaml',
              message: 'a warning',
            },
          ],
        }),
      );
      // A full sync (a force-push) later, the file is still broken.
      await syncStateStore.applySync(
        sync({
          commit: 'c3',
          syncedAt: new Date('2026-11-25T12:00:00Z'),
          keptPaths: ['releases/dev/podinfo.yaml'],
          releases: [release('prod', 'podinfo', { commit: 'c3' })],
          problems: [{ ...broken, line: 12, message: 'Still not unique' }],
        }),
      );
      expect(
        await syncStateStore.getRelease({
          environment: 'dev',
          namespace: 'dev',
          name: 'podinfo',
        }),
      ).toEqual(release('dev', 'podinfo'));
      expect(
        (
          await syncStateStore.getRelease({
            environment: 'prod',
            namespace: 'prod',
            name: 'podinfo',
          })
        )?.commit,
      ).toBe('c3');
      expect(await syncStateStore.listSourceProblems(['config'])).toEqual([
        {
          repository: 'config',
          path: 'releases/dev/podinfo.yaml',
          line: 12,
          message: 'Still not unique',
          commit: 'c2',
          since: '2026-11-25T11:00:00.000Z',
        },
      ]);
      expect(await syncStateStore.listProblems(['config'])).toEqual([
        expect.objectContaining({
          path: 'releases/dev/podinfo.yaml',
          commit: 'c2',
          source: 'git',
          at: '2026-11-25T11:00:00.000Z',
        }),
      ]);
    },
  );

  storeTest(
    'stores any problem text and commit author, without NUL and bounded',
    async ({ syncStateStore, eventStore }) => {
      await syncStateStore.applySync(
        sync({
          problems: [
            {
              path: 'releases/dev/x.yaml',
              message: `bad\u0000value ${'x'.repeat(5000)}`,
            },
          ],
          events: [
            {
              type: 'synced',
              repository: 'config',
              author: `A\u0000${'n'.repeat(400)}`,
              message: 'm\u0000',
              at: new Date(),
            },
          ],
        }),
      );
      const [problem] = await syncStateStore.listProblems(['config']);
      expect(problem.message.startsWith('badvalue xxx')).toBe(true);
      expect(problem.message).toHaveLength(2000);
      const [event] = await eventStore.listEvents({
        releases: [],
        repositoryIds: ['config'],
        limit: 1,
      });
      expect(event.author).toHaveLength(255);
      expect(event.message).toBe('m');
      await syncStateStore.recordRepositoryFailure(
        'config',
        `no\u0000pe`,
        new Date(),
      );
      expect((await syncStateStore.getRepository('config'))?.lastError).toBe(
        'nope',
      );
    },
  );

  storeTest(
    'writes a sync, its problems and its events in one transaction',
    async ({ syncStateStore, eventStore }) => {
      await syncStateStore.applySync(
        sync({ releases: [release('dev', 'podinfo')] }),
      );
      // An event without a type breaks a NOT NULL column after the releases
      // and problems are written: none of them may stay.
      await expect(
        syncStateStore.applySync(
          sync({
            commit: 'c2',
            releases: [release('dev', 'podinfo', { commit: 'c2' })],
            problems: [{ path: 'releases/dev/x.yaml', message: 'a warning' }],
            events: [
              {
                type: 'synced',
                repository: 'config',
                commit: 'c2',
                at: new Date(),
              },
              {
                type: null as unknown as string,
                repository: 'config',
                at: new Date(),
              },
            ],
          }),
        ),
      ).rejects.toMatchObject({ message: expect.stringMatching(/not.null/i) });
      expect(
        (await syncStateStore.releasesFromPaths('config', 'all')).map(
          r => r.commit,
        ),
      ).toEqual(['c1']);
      expect(await syncStateStore.listProblems(['config'])).toEqual([]);
      expect((await syncStateStore.getRepository('config'))?.lastCommit).toBe(
        'c1',
      );
      expect(
        await eventStore.listEvents({
          releases: [],
          repositoryIds: ['config'],
          limit: 10,
        }),
      ).toEqual([]);
    },
  );

  storeTest(
    'keeps the Flux objects of each file, replaced by path like releases',
    async ({ syncStateStore }) => {
      const policy = fluxObject(
        'clusters/staging/image-automation.yaml',
        'ImagePolicy',
        'podinfo-staging',
        {
          environment: 'staging',
          line: 14,
          apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
          spec: {
            imageRepositoryRef: { name: 'podinfo' },
            policy: { semver: { range: '>=6.0.0-0' } },
          },
        },
      );
      const repository = fluxObject(
        'clusters/staging/image-automation.yaml',
        'ImageRepository',
        'podinfo',
        {
          environment: 'staging',
        },
      );
      const source = fluxObject(
        'clusters/staging/flux-system/gotk-sync.yaml',
        'GitRepository',
        'flux-system',
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
        },
      );
      const production = fluxObject(
        'clusters/production/image-automation.yaml',
        'ImagePolicy',
        'podinfo-production',
      );
      await syncStateStore.applySync(
        sync({ fluxObjects: [policy, repository, source, production] }),
      );
      expect(await syncStateStore.listFluxObjects('config')).toEqual([
        production,
        source,
        repository,
        policy,
      ]);
      expect(
        await syncStateStore.listFluxObjects('config', ['ImagePolicy']),
      ).toEqual([production, policy]);
      expect(await syncStateStore.listFluxObjects('config', [])).toEqual([]);
      expect(await syncStateStore.listFluxObjects('other')).toEqual([]);
      expect(
        await syncStateStore.fluxObjectsOf('config', {
          paths: ['clusters/staging/image-automation.yaml', 'x.yaml'],
        }),
      ).toEqual([repository, policy]);
      expect(
        await syncStateStore.fluxObjectsOf('config', {
          environment: 'staging',
        }),
      ).toEqual([repository, policy]);
      expect(
        await syncStateStore.fluxObjectsOf('config', { paths: [] }),
      ).toEqual([]);

      // An incremental sync replaces only the files it names.
      const changed = {
        ...policy,
        spec: { policy: { semver: { range: '~6.5.0' } } },
      };
      await syncStateStore.applySync(
        sync({
          commit: 'c2',
          full: false,
          replacedPaths: ['clusters/staging/image-automation.yaml'],
          fluxObjects: [changed],
        }),
      );
      expect(await syncStateStore.listFluxObjects('config')).toEqual([
        production,
        source,
        changed,
      ]);

      // A full sync drops what is gone, but a broken file keeps its objects.
      await syncStateStore.applySync(
        sync({
          commit: 'c3',
          keptPaths: ['clusters/staging/image-automation.yaml'],
          fluxObjects: [source],
        }),
      );
      expect(await syncStateStore.listFluxObjects('config')).toEqual([
        source,
        changed,
      ]);
    },
  );

  storeTest(
    'round-trips what Flux v2 layouts add: setter markers, image files, built-from files, Kustomizations',
    async ({ syncStateStore }) => {
      const overlaid = release('staging', 'podinfo', {
        sourcePath: 'apps/staging/podinfo-values.yaml',
        builtFrom: [
          'apps/base/podinfo/kustomization.yaml',
          'apps/base/podinfo/release.yaml',
          'apps/staging/kustomization.yaml',
        ],
        images: [
          {
            container: 'image',
            repository: 'ghcr.io/stefanprodan/podinfo',
            tag: '6.5.0',
            paths: { tag: 'image.tag' },
            imagePolicyRef: {
              namespace: 'flux-system',
              name: 'podinfo-staging',
              field: 'tag',
            },
            file: 'apps/base/podinfo/release.yaml',
          },
        ],
      });
      await syncStateStore.applySync(
        sync({ releases: [overlaid, release('dev', 'podinfo')] }),
      );
      expect(
        await syncStateStore.getRelease({
          environment: 'staging',
          namespace: 'staging',
          name: 'podinfo',
        }),
      ).toEqual(overlaid);
      expect(
        await syncStateStore.getRelease({
          environment: 'dev',
          namespace: 'dev',
          name: 'podinfo',
        }),
      ).toEqual(release('dev', 'podinfo'));
      expect(
        await syncStateStore.sourcePathsBuiltFrom('config', [
          'apps/base/podinfo/release.yaml',
          'x.yaml',
        ]),
      ).toEqual(['apps/staging/podinfo-values.yaml']);
      // Replacing the release replaces what it was built from.
      await syncStateStore.applySync(
        sync({
          commit: 'c2',
          full: false,
          replacedPaths: ['apps/staging/podinfo-values.yaml'],
          releases: [],
        }),
      );
      expect(
        await syncStateStore.sourcePathsBuiltFrom('config', [
          'apps/base/podinfo/release.yaml',
        ]),
      ).toEqual([]);

      await syncStateStore.replaceEnvironments('config', [
        {
          name: 'staging',
          repository: 'config',
          path: 'apps/staging',
          order: 1,
          kustomization: { namespace: 'flux-system', name: 'apps' },
        },
        { name: 'dev', repository: 'config', path: 'releases/dev', order: 0 },
      ]);
      expect(await syncStateStore.listEnvironments()).toEqual([
        { name: 'dev', repository: 'config', path: 'releases/dev', order: 0 },
        {
          name: 'staging',
          repository: 'config',
          path: 'apps/staging',
          order: 1,
          kustomization: { namespace: 'flux-system', name: 'apps' },
        },
      ]);
    },
  );

  storeTest(
    "replaces one environment's releases, Flux objects and problems of a file several environments build from",
    async ({ syncStateStore }) => {
      const base = 'apps/base/podinfo/release.yaml';
      const fromBase = (environment: string, commit = 'c1') =>
        release(environment, 'podinfo', {
          sourcePath: base,
          commit,
          builtFrom: [`apps/${environment}/kustomization.yaml`],
        });
      const policy = (environment: string) =>
        fluxObject(base, 'ImagePolicy', 'podinfo', {
          environment,
          namespace: environment,
        });
      await syncStateStore.applySync(
        sync({
          releases: [fromBase('staging'), fromBase('production')],
          fluxObjects: [policy('staging'), policy('production')],
          problems: [
            {
              environment: 'staging',
              path: base,
              message: 'a staging warning',
            },
            {
              environment: 'production',
              path: base,
              message: 'a production warning',
            },
          ],
        }),
      );
      const pair = [{ environment: 'staging', path: base }];
      await syncStateStore.applySync(
        sync({
          commit: 'c2',
          full: false,
          replacedSources: {
            releases: pair,
            fluxObjects: pair,
            problems: pair,
          },
          releases: [fromBase('staging', 'c2')],
        }),
      );
      expect(
        (await syncStateStore.releasesFromPaths('config', [base])).map(
          r => `${r.environment}:${r.commit}`,
        ),
      ).toEqual(['production:c1', 'staging:c2']);
      expect(
        (await syncStateStore.listFluxObjects('config')).map(
          o => o.environment,
        ),
      ).toEqual(['production']);
      expect(
        (await syncStateStore.listProblems(['config'])).map(p => p.message),
      ).toEqual(['a production warning']);
    },
  );
});
