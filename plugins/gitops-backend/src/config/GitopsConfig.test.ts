import { ConfigReader } from '@backstage/config';
import { readGitopsConfig } from './GitopsConfig';

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
            { name: 'prod', repository: 'config', path: 'clusters/prod/', cluster: 'eu', order: 3 },
          ],
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
      },
    ]);
    expect(config.environments).toEqual([
      { name: 'dev', repository: 'config', path: 'releases/dev', cluster: undefined, order: 1 },
      { name: 'prod', repository: 'config', path: 'clusters/prod', cluster: 'eu', order: 3 },
    ]);
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

  it('reads an ssh deploy key with its known hosts', () => {
    const config = readGitopsConfig(
      new ConfigReader({
        gitops: {
          repositories: [
            repo({
              url: 'git@git.example.com:org/config.git',
              ssh: { privateKey: 'KEY', knownHosts: 'git.example.com ssh-ed25519 AAAA' },
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
    [{ repositories: [repo({ id: 'Bad_Id' })] }, /gitops.repositories\[0\].id "Bad_Id"/],
    [{ repositories: [repo({ url: 'ftp://x/y' })] }, /gitops.repositories\[0\].url/],
    [{ repositories: [repo({ url: 'ssh://git@host/repo.git' })] }, /gitops.repositories\[0\].ssh is required/],
    [{ repositories: [repo(), repo()] }, /"config" is used twice/],
    [
      { repositories: [repo()], environments: [{ name: 'dev', repository: 'other' }] },
      /gitops.environments\[0\].repository "other"/,
    ],
    [
      { repositories: [repo()], environments: [{ name: 'dev', repository: 'config', path: '../outside' }] },
      /must stay inside the repository/,
    ],
  ])('rejects bad config with a message naming the key (%#)', (gitops, message) => {
    expect(() => readGitopsConfig(new ConfigReader({ gitops }))).toThrow(message);
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
    });
  });
});
