/**
 * What a git host's push webhook says: which repository (its clone urls in
 * the spellings the host gives) and which branches moved. Only a few fields
 * are read, each checked for type and length; everything else in the body
 * is ignored. Hosts named in the body are only compared with configured
 * repositories, never contacted.
 */
export type GitPush = {
  urls: string[];
  /** Branch names (`main`), from `refs/heads/main`; tags are not branches. */
  branches: string[];
};

/** The event topics the provider modules publish pushes on. */
export const GIT_PUSH_TOPICS = {
  github: 'github.push',
  gitlab: 'gitlab.push',
  bitbucketCloud: 'bitbucketCloud.repo:push',
} as const;

// A url or ref longer than this names nothing we configure.
const MAX_TEXT = 2048;
// A push rarely names more than a few branches; more is not read.
const MAX_CHANGES = 100;

const record = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT
    ? value
    : undefined;

const texts = (...values: unknown[]): string[] =>
  values.map(text).filter((v): v is string => v !== undefined);

function branchOf(ref: unknown): string[] {
  const value = text(ref);
  const prefix = 'refs/heads/';
  return value?.startsWith(prefix) && value.length > prefix.length
    ? [value.slice(prefix.length)]
    : [];
}

/** GitHub's `push` event (X-GitHub-Event: push). */
export function readGithubPush(payload: unknown): GitPush | undefined {
  const body = record(payload);
  const repository = record(body?.repository);
  if (!body || !repository) return undefined;
  return {
    urls: texts(
      repository.clone_url,
      repository.ssh_url,
      repository.git_url,
      repository.html_url,
    ),
    branches: branchOf(body.ref),
  };
}

/** GitLab's push hook (`object_kind: push`); tag pushes are `tag_push`. */
export function readGitlabPush(payload: unknown): GitPush | undefined {
  const body = record(payload);
  if (!body || (body.object_kind ?? body.event_name) !== 'push')
    return undefined;
  const project = record(body.project);
  const repository = record(body.repository);
  return {
    urls: texts(
      project?.git_http_url,
      project?.git_ssh_url,
      project?.web_url,
      repository?.git_http_url,
      repository?.git_ssh_url,
      repository?.homepage,
    ),
    branches: branchOf(body.ref),
  };
}

/** Bitbucket Cloud's `repo:push` (X-Event-Key); one push may move several branches. */
export function readBitbucketCloudPush(payload: unknown): GitPush | undefined {
  const body = record(payload);
  const repository = record(body?.repository);
  if (!body || !repository) return undefined;
  const html = record(record(repository.links)?.html)?.href;
  const fullName = text(repository.full_name);
  const changes = record(body.push)?.changes;
  const branches = Array.isArray(changes)
    ? changes.slice(0, MAX_CHANGES).flatMap(change => {
        const moved = record(record(change)?.new);
        const name = text(moved?.name);
        return moved?.type === 'branch' && name ? [name] : [];
      })
    : [];
  return {
    urls: [
      ...texts(html),
      // Bitbucket Cloud's clone urls are its web url; the full name alone says it too.
      ...(fullName
        ? [
            `https://bitbucket.org/${fullName}`,
            `git@bitbucket.org:${fullName}.git`,
          ]
        : []),
    ],
    branches,
  };
}

/** The push an event of one of `GIT_PUSH_TOPICS` describes. */
export function readGitPush(
  topic: string,
  payload: unknown,
): GitPush | undefined {
  switch (topic) {
    case GIT_PUSH_TOPICS.github:
      return readGithubPush(payload);
    case GIT_PUSH_TOPICS.gitlab:
      return readGitlabPush(payload);
    case GIT_PUSH_TOPICS.bitbucketCloud:
      return readBitbucketCloudPush(payload);
    default:
      return undefined;
  }
}
