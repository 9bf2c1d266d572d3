import { mockServices } from '@backstage/backend-test-utils';
import { testRepositoryConfig } from '../__testUtils__/memoryStore';
import { GitPushRouter } from './GitPushRouter';
import {
  readBitbucketCloudPush,
  readGithubPush,
  readGitlabPush,
} from './gitPushes';

describe('push payloads', () => {
  it('reads GitHub pushes: clone urls and the branch', () => {
    expect(
      readGithubPush({
        ref: 'refs/heads/main',
        repository: {
          clone_url: 'https://github.com/Org/config.git',
          ssh_url: 'git@github.com:Org/config.git',
          html_url: 'https://github.com/Org/config',
          owner: { login: 'x'.repeat(10_000) },
        },
      }),
    ).toEqual({
      urls: [
        'https://github.com/Org/config.git',
        'git@github.com:Org/config.git',
        'https://github.com/Org/config',
      ],
      branches: ['main'],
    });
    expect(
      readGithubPush({ ref: 'refs/tags/v1', repository: {} })?.branches,
    ).toEqual([]);
    expect(readGithubPush('not an object')).toBeUndefined();
    expect(readGithubPush({ ref: 'refs/heads/main' })).toBeUndefined();
    // Overlong values are ignored, not read.
    expect(
      readGithubPush({
        ref: 'refs/heads/main',
        repository: { clone_url: 'h'.repeat(5000) },
      })?.urls,
    ).toEqual([]);
  });

  it('reads GitLab push hooks, not tag pushes', () => {
    const push = {
      object_kind: 'push',
      ref: 'refs/heads/release',
      project: {
        git_http_url: 'https://gitlab.example.com/g/config.git',
        git_ssh_url: 'git@gitlab.example.com:g/config.git',
      },
    };
    expect(readGitlabPush(push)).toEqual({
      urls: [
        'https://gitlab.example.com/g/config.git',
        'git@gitlab.example.com:g/config.git',
      ],
      branches: ['release'],
    });
    expect(
      readGitlabPush({ ...push, object_kind: 'tag_push', ref: 'refs/tags/v1' }),
    ).toBeUndefined();
  });

  it('reads Bitbucket Cloud pushes of several branches, not tags or deletions', () => {
    expect(
      readBitbucketCloudPush({
        repository: {
          full_name: 'team/config',
          links: { html: { href: 'https://bitbucket.org/team/config' } },
        },
        push: {
          changes: [
            { new: { type: 'branch', name: 'main' } },
            { new: { type: 'tag', name: 'v1' } },
            { new: null },
          ],
        },
      }),
    ).toEqual({
      urls: [
        'https://bitbucket.org/team/config',
        'https://bitbucket.org/team/config',
        'git@bitbucket.org:team/config.git',
      ],
      branches: ['main'],
    });
  });
});

describe('GitPushRouter', () => {
  const setup = () => {
    const sync = { trigger: jest.fn(async (id?: string) => [id!]) };
    const router = new GitPushRouter({
      repositories: [
        testRepositoryConfig('git@github.com:org/config.git', {
          id: 'config',
          branch: 'main',
        }),
        testRepositoryConfig('https://gitlab.example.com/g/fleet', {
          id: 'fleet',
          branch: 'prod',
        }),
      ],
      sync,
      logger: mockServices.logger.mock(),
    });
    return { sync, router };
  };

  it('matches every spelling of a configured url on its branch', async () => {
    const { sync, router } = setup();
    for (const url of [
      'https://github.com/org/config.git',
      'https://GitHub.com/org/config',
      'ssh://git@github.com/org/config.git',
      'git@github.com:org/config',
    ]) {
      expect(
        router.repositoriesOf({ urls: [url], branches: ['main'] }),
      ).toEqual(['config']);
    }
    await router.onEvent({
      topic: 'gitlab.push',
      eventPayload: {
        object_kind: 'push',
        ref: 'refs/heads/prod',
        project: { git_ssh_url: 'git@gitlab.example.com:g/fleet.git' },
      },
    });
    expect(sync.trigger).toHaveBeenCalledWith('fleet');
  });

  it('starts nothing for another branch, another repository or another host', async () => {
    const { sync, router } = setup();
    expect(
      router.repositoriesOf({
        urls: ['https://github.com/org/config'],
        branches: ['prod'],
      }),
    ).toEqual([]);
    expect(
      router.repositoriesOf({
        urls: ['https://github.com/org/other'],
        branches: ['main'],
      }),
    ).toEqual([]);
    expect(
      router.repositoriesOf({
        urls: ['https://evil.example.com/org/config'],
        branches: ['main'],
      }),
    ).toEqual([]);
    await router.onEvent({
      topic: 'github.push',
      eventPayload: {
        ref: 'refs/heads/main',
        repository: { clone_url: 'https://github.com/org/other' },
      },
    });
    await router.onEvent({ topic: 'github.ping', eventPayload: {} });
    expect(sync.trigger).not.toHaveBeenCalled();
  });
});
