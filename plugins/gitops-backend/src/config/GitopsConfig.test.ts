import { ConfigReader } from '@backstage/config';
import {
  checkEnvironmentClusters,
  DEFAULT_PRUNE_MAX_SHARE,
  ownedNamespaces,
  readGitopsConfig,
} from './GitopsConfig';

const repo = (extra: object = {}) => ({
  id: 'config',
  url: 'file:///srv/config.git',
  ...extra,
});

describe('readGitopsConfig', () => {
  it('reads repositories with defaults and explicit environments in order', () => {
    const config = readGitopsConfig(
      new ConfigReader({
        gitops: {
          repositories: [repo({ schedule: { frequency: { seconds: 30 } } })],
          environments: [
            { name: 'dev', repository: 'config', order: 1 },
            {
              name: 'prod',
              repository: 'config',
              path: 'clusters/prod/',
              cluster: 'eu',
              order: 3,
              apply: true,
              prune: true,
            },
          ],
          helmReconcile: {
            schedule: { frequency: '1m' },
            gracePeriod: { minutes: 5 },
          },
        },
      }),
    );
    expect(config.repositories).toEqual([
      {
        id: 'config',
        url: 'file:///srv/config.git',
        branch: 'main',
        auth: { type: 'none' },
        author: { name: 'Backstage GitOps', email: 'gitops@backstage.invalid' },
        schedule: {
          frequency: { seconds: 30 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 5 },
        },
        automation: 'backstage',
      },
    ]);
    expect(config.environments).toEqual([
      {
        name: 'dev',
        repository: 'config',
        path: 'releases/dev',
        pathDefaulted: true,
        cluster: undefined,
        order: 1,
        apply: false,
        prune: false,
      },
      {
        name: 'prod',
        repository: 'config',
        path: 'clusters/prod',
        cluster: 'eu',
        order: 3,
        apply: true,
        prune: true,
      },
    ]);
    expect(config.helmReconcile.gracePeriodMs).toBe(5 * 60 * 1000);
    expect(config.helmReconcile.schedule.frequency).toEqual({ minutes: 1 });
  });

  it('takes an https token from the integrations config of the host', () => {
    const config = readGitopsConfig(
      new ConfigReader({
        integrations: { github: [{ host: 'github.com', token: 'ghp_secret' }] },
        gitops: {
          repositories: [repo({ url: 'https://github.com/org/config.git' })],
        },
      }),
    );
    expect(config.repositories[0].auth).toEqual({
      type: 'token',
      token: 'ghp_secret',
    });
  });

  it.each([
    'https://ghp_secret@github.com/org/config.git',
    'https://bot:ghp_secret@github.com/org/config.git',
    'ssh://git:ghp_secret@git.example.com/org/config.git',
    'ghp_secret:x@git.example.com:org/config.git',
  ])(
    'refuses a repository URL carrying a credential without echoing it (%s)',
    url => {
      const read = () =>
        readGitopsConfig(
          new ConfigReader({ gitops: { repositories: [repo({ url })] } }),
        );
      expect(read).toThrow(
        /gitops.repositories\[0\].url must not carry credentials|gitops.repositories\[0\].url is not/,
      );
      expect(read).not.toThrow(/ghp_secret/);
    },
  );

  it('keeps the ssh user of ssh:// and scp-like remotes: it is no credential', () => {
    const ssh = {
      privateKey: 'KEY',
      knownHosts: 'git.example.com ssh-ed25519 AAAA',
    };
    const config = readGitopsConfig(
      new ConfigReader({
        gitops: {
          repositories: [
            repo({
              id: 'a',
              url: 'ssh://git@git.example.com:2222/org/config.git',
              ssh,
            }),
            repo({ id: 'b', url: 'git@git.example.com:org/config.git', ssh }),
          ],
        },
      }),
    );
    expect(config.repositories.map(r => r.url)).toEqual([
      'ssh://git@git.example.com:2222/org/config.git',
      'git@git.example.com:org/config.git',
    ]);
  });

  it('reads an ssh deploy key with its known hosts', () => {
    const config = readGitopsConfig(
      new ConfigReader({
        gitops: {
          repositories: [
            repo({
              url: 'git@git.example.com:org/config.git',
              ssh: {
                privateKey: 'KEY',
                knownHosts: 'git.example.com ssh-ed25519 AAAA',
              },
            }),
          ],
        },
      }),
    );
    expect(config.repositories[0].auth).toEqual({
      type: 'ssh',
      privateKey: 'KEY',
      knownHosts: 'git.example.com ssh-ed25519 AAAA',
    });
  });

  it.each([
    [
      { repositories: [repo({ id: 'Bad_Id' })] },
      /gitops.repositories\[0\].id "Bad_Id"/,
    ],
    [
      { repositories: [repo({ url: 'ftp://x/y' })] },
      /gitops.repositories\[0\].url/,
    ],
    [
      { repositories: [repo({ url: 'ssh://git@host/repo.git' })] },
      /gitops.repositories\[0\].ssh is required/,
    ],
    [{ repositories: [repo(), repo()] }, /"config" is used twice/],
    [
      {
        repositories: [repo()],
        environments: [{ name: 'dev', repository: 'other' }],
      },
      /gitops.environments\[0\].repository "other"/,
    ],
    [
      {
        repositories: [repo()],
        environments: [
          { name: 'dev', repository: 'config', path: '../outside' },
        ],
      },
      /must stay inside the repository/,
    ],
    [
      {
        repositories: [repo()],
        environments: [{ name: 'dev', repository: 'config', apply: true }],
      },
      /gitops.environments\[0\].apply needs gitops.environments\[0\].cluster/,
    ],
    [
      {
        repositories: [repo()],
        environments: [
          { name: 'dev', repository: 'config', cluster: 'eu', prune: true },
        ],
      },
      /gitops.environments\[0\].prune needs gitops.environments\[0\].apply: true/,
    ],
    [
      { repositories: [repo({ automation: 'fluxcd' })] },
      /gitops.repositories\[0\].automation "fluxcd" must be one of backstage, flux, off/,
    ],
  ])(
    'rejects bad config with a message naming the key (%#)',
    (gitops, message) => {
      expect(() => readGitopsConfig(new ConfigReader({ gitops }))).toThrow(
        message,
      );
    },
  );

  it.each(['flux', 'off'] as const)(
    'reads who automates a repository: %s',
    automation => {
      const config = readGitopsConfig(
        new ConfigReader({ gitops: { repositories: [repo({ automation })] } }),
      );
      expect(config.repositories[0].automation).toBe(automation);
    },
  );

  describe('where an environment applies and how much it may prune', () => {
    const read = (environment: object) =>
      readGitopsConfig(
        new ConfigReader({
          gitops: {
            repositories: [repo()],
            environments: [
              {
                name: 'stg',
                repository: 'config',
                cluster: 'demo',
                apply: true,
                prune: true,
                ...environment,
              },
            ],
          },
        }),
      ).environments[0];

    it('owns the namespace named like the environment and guards prunes by default', () => {
      const stg = read({});
      expect(ownedNamespaces(stg)).toEqual(['stg']);
      expect(stg.clusterScopedKinds).toBeUndefined();
      expect(stg.pruneGuard).toBeUndefined();
      expect(DEFAULT_PRUNE_MAX_SHARE).toBe(0.5);
    });

    it('reads namespaces, cluster-scoped kinds and the prune guard', () => {
      const sha = 'a'.repeat(40);
      const stg = read({
        namespaces: ['podinfo-stg', 'stg'],
        clusterScopedKinds: ['ClusterRole'],
        pruneGuard: { maxShare: 0.2, confirmedCommit: sha },
      });
      expect(ownedNamespaces(stg)).toEqual(['podinfo-stg', 'stg']);
      expect(stg.clusterScopedKinds).toEqual(['ClusterRole']);
      expect(stg.pruneGuard).toEqual({ maxShare: 0.2, confirmedCommit: sha });
    });

    it.each([
      [
        { namespaces: ['Not_A_Namespace'] },
        /namespaces: "Not_A_Namespace" is not a namespace name/,
      ],
      [
        { clusterScopedKinds: ['Namespace'] },
        /clusterScopedKinds: "Namespace" is not a kind name other than Namespace/,
      ],
      [
        { pruneGuard: { maxShare: 1.5 } },
        /pruneGuard.maxShare must be between 0 and 1/,
      ],
      [
        { pruneGuard: { confirmedCommit: 'abc123' } },
        /pruneGuard.confirmedCommit must be a full commit sha/,
      ],
    ])('refuses %j', (environment, message) => {
      expect(() => read(environment)).toThrow(message);
    });
  });

  it('needs no config at all', () => {
    expect(readGitopsConfig(new ConfigReader({}))).toEqual({
      repositories: [],
      environments: [],
      imageAutomation: {
        enabled: true,
        schedule: {
          frequency: { minutes: 5 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 5 },
        },
      },
      helmReconcile: {
        schedule: {
          frequency: { seconds: 30 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 5 },
        },
        gracePeriodMs: 120_000,
      },
    });
  });
});

describe('checkEnvironmentClusters', () => {
  it('accepts clusters the Kubernetes plugin knows and names the key of one it does not', () => {
    const gitops = readGitopsConfig(
      new ConfigReader({
        gitops: {
          repositories: [repo()],
          environments: [
            { name: 'dev', repository: 'config', cluster: 'demo' },
            { name: 'prod', repository: 'config', cluster: 'eu-prod' },
          ],
        },
      }),
    );
    expect(() =>
      checkEnvironmentClusters(gitops, [{ name: 'demo' }, { name: 'eu-prod' }]),
    ).not.toThrow();
    expect(() => checkEnvironmentClusters(gitops, [{ name: 'demo' }])).toThrow(
      /gitops.environments\[1\].cluster "eu-prod" is not a cluster of kubernetes.clusterLocatorMethods/,
    );
  });
});
