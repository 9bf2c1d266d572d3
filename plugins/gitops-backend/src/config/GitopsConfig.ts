import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { GitAuth, hasUrlCredentials } from '../git';

export type RepositoryConfig = {
  id: string;
  url: string;
  branch: string;
  auth: GitAuth;
  author: { name: string; email: string };
  schedule: {
    frequency: HumanDuration;
    timeout: HumanDuration;
    initialDelay: HumanDuration;
  };
  /**
   * Who commits new image tags: see {@link ImageAutomationParty}. The config
   * reader always sets it; unset (hand-built configs) means `backstage`.
   */
  automation?: ImageAutomationParty;
};

/**
 * Who automates a repository's images: this plugin (`backstage`, the
 * default), Flux's image-automation-controller (`flux`: the plugin only
 * reports), or nobody (`off`).
 */
export type ImageAutomationParty = 'backstage' | 'flux' | 'off';

const AUTOMATION_PARTIES: readonly ImageAutomationParty[] = [
  'backstage',
  'flux',
  'off',
];

function readAutomationParty(
  repo: Config,
  where: string,
): ImageAutomationParty {
  const value = repo.getOptionalString('automation') ?? 'backstage';
  const party = AUTOMATION_PARTIES.find(p => p === value);
  if (!party) {
    throw new InputError(
      `${where}.automation "${value}" must be one of ${AUTOMATION_PARTIES.join(
        ', ',
      )}`,
    );
  }
  return party;
}

export type EnvironmentConfig = {
  name: string;
  repository: string;
  path: string;
  /**
   * `path` was left out: git sync takes the folder of the Flux
   * Kustomization in the repository's `clusters/<name>/` when there is one,
   * else `path` (`releases/<name>`).
   */
  pathDefaulted?: boolean;
  cluster?: string;
  order: number;
  /** Server-side apply the environment's manifests to its cluster. */
  apply: boolean;
  /** Delete applied objects that left git (needs `apply`). */
  prune: boolean;
  /**
   * Namespaces the environment may apply to; unset means the namespace
   * named like the environment. See {@link ownedNamespaces}.
   */
  namespaces?: string[];
  /** Cluster-scoped kinds, besides its Namespaces, the environment may apply. */
  clusterScopedKinds?: string[];
  /** When prune waits for a confirmation. */
  pruneGuard?: PruneGuardConfig;
};

export type PruneGuardConfig = {
  /**
   * Largest share (0..1) of the environment's prunable objects one cycle
   * deletes without a confirmation; deleting all of them always needs one.
   */
  maxShare: number;
  /** Confirms the deletion held at exactly this commit. */
  confirmedCommit?: string;
};

/** Default of `pruneGuard.maxShare`: removing more than half an environment at once waits for a person. */
export const DEFAULT_PRUNE_MAX_SHARE = 0.5;

const KUBERNETES_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const KIND_NAME = /^[A-Za-z][A-Za-z0-9]{0,62}$/;
const COMMIT_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The namespaces an environment applies to: as configured, else the one named like it. */
export function ownedNamespaces(
  env: Pick<EnvironmentConfig, 'name' | 'namespaces'>,
): string[] {
  return env.namespaces ?? [env.name];
}

/** Reads what bounds an environment's apply and prune: its namespaces, kinds and prune guard. */
function readApplyScope(
  env: Config,
  where: string,
): Pick<EnvironmentConfig, 'namespaces' | 'clusterScopedKinds' | 'pruneGuard'> {
  const namespaces = env.getOptionalStringArray('namespaces');
  for (const namespace of namespaces ?? []) {
    if (!KUBERNETES_NAME.test(namespace)) {
      throw new InputError(
        `${where}.namespaces: "${namespace}" is not a namespace name`,
      );
    }
  }
  const kinds = env.getOptionalStringArray('clusterScopedKinds');
  for (const kind of kinds ?? []) {
    if (!KIND_NAME.test(kind) || kind === 'Namespace') {
      throw new InputError(
        `${where}.clusterScopedKinds: "${kind}" is not a kind name other than Namespace`,
      );
    }
  }
  const guard = env.getOptionalConfig('pruneGuard');
  const maxShare =
    guard?.getOptionalNumber('maxShare') ?? DEFAULT_PRUNE_MAX_SHARE;
  if (!(maxShare >= 0 && maxShare <= 1)) {
    throw new InputError(
      `${where}.pruneGuard.maxShare must be between 0 and 1`,
    );
  }
  const confirmedCommit = guard?.getOptionalString('confirmedCommit');
  if (confirmedCommit !== undefined && !COMMIT_SHA.test(confirmedCommit)) {
    throw new InputError(
      `${where}.pruneGuard.confirmedCommit must be a full commit sha`,
    );
  }
  return {
    ...(namespaces ? { namespaces } : {}),
    ...(kinds ? { clusterScopedKinds: kinds } : {}),
    ...(guard
      ? {
          pruneGuard: {
            maxShare,
            ...(confirmedCommit ? { confirmedCommit } : {}),
          },
        }
      : {}),
  };
}

export type ScheduleConfig = {
  frequency: HumanDuration;
  timeout: HumanDuration;
  initialDelay: HumanDuration;
};

export type GitopsConfig = {
  repositories: RepositoryConfig[];
  imageAutomation: { enabled: boolean; schedule: ScheduleConfig };
  /** Explicit environments; empty means "derive them from releases/<env>/". */
  environments: EnvironmentConfig[];
  helmReconcile: {
    schedule: ScheduleConfig;
    /** After an apply, differences count as Progressing this long before Drifted. */
    gracePeriodMs: number;
  };
};

// git's scp-like ssh syntax: user@host:path
const SCP_LIKE = /^[^/@:\s]+@[^:/\s]+:/;
const ID_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DEFAULT_SCHEDULE = {
  frequency: { minutes: 1 },
  timeout: { minutes: 5 },
  initialDelay: { seconds: 5 },
};

function readDuration(
  config: Config | undefined,
  key: keyof typeof DEFAULT_SCHEDULE,
): HumanDuration {
  if (!config?.has(key)) {
    return DEFAULT_SCHEDULE[key];
  }
  return readDurationFromConfig(config, { key });
}

/**
 * The remote URL, refused when it carries a credential: config files are
 * shown, logged and committed, and the URL reaches the API. The message
 * names the key and never echoes the URL, which would echo the secret.
 */
function readRepositoryUrl(repo: Config, where: string): string {
  const url = repo.getString('url');
  if (hasUrlCredentials(url)) {
    throw new InputError(
      `${where}.url must not carry credentials (a user or token before "@"): put https tokens in Backstage's integrations config and ssh keys in ${where}.ssh`,
    );
  }
  if (!/^(file|https?|ssh):\/\//.test(url) && !SCP_LIKE.test(url)) {
    const shown = url.includes('@') ? '' : ` "${url}"`;
    throw new InputError(
      `${where}.url${shown} is not a file://, http(s)://, ssh:// or user@host:path remote`,
    );
  }
  return url;
}

function readAuth(
  repo: Config,
  where: string,
  integrations: ScmIntegrations,
): GitAuth {
  const url = repo.getString('url');
  if (url.startsWith('file://')) {
    return { type: 'none' };
  }
  if (repo.has('ssh')) {
    return {
      type: 'ssh',
      privateKey: repo.getString('ssh.privateKey'),
      knownHosts: repo.getString('ssh.knownHosts'),
    };
  }
  if (url.startsWith('https://')) {
    // Tokens live in Backstage's integrations config, set up once per host.
    const token =
      integrations.github.byUrl(url)?.config.token ??
      integrations.gitlab.byUrl(url)?.config.token ??
      integrations.bitbucketServer.byUrl(url)?.config.token;
    return token ? { type: 'token', token } : { type: 'none' };
  }
  if (url.startsWith('http://')) {
    return { type: 'none' };
  }
  throw new InputError(
    `${where}.ssh is required for the ssh remote ${url} (privateKey and knownHosts)`,
  );
}

/**
 * Reads and checks the `gitops` config at start, with messages that name the
 * offending key.
 */
export function readGitopsConfig(config: Config): GitopsConfig {
  const integrations = ScmIntegrations.fromConfig(config);
  const repositories = (
    config.getOptionalConfigArray('gitops.repositories') ?? []
  ).map((repo, index) => {
    const where = `gitops.repositories[${index}]`;
    const id = repo.getString('id');
    if (!ID_PATTERN.test(id)) {
      throw new InputError(
        `${where}.id "${id}" must be lower-case letters, digits and dashes`,
      );
    }
    const url = readRepositoryUrl(repo, where);
    const schedule = repo.getOptionalConfig('schedule');
    return {
      id,
      url,
      branch: repo.getOptionalString('branch') ?? 'main',
      auth: readAuth(repo, where, integrations),
      author: {
        name: repo.getOptionalString('author.name') ?? 'Backstage GitOps',
        email:
          repo.getOptionalString('author.email') ?? 'gitops@backstage.invalid',
      },
      schedule: {
        frequency: readDuration(schedule, 'frequency'),
        timeout: readDuration(schedule, 'timeout'),
        initialDelay: readDuration(schedule, 'initialDelay'),
      },
      automation: readAutomationParty(repo, where),
    };
  });

  const seen = new Set<string>();
  for (const repo of repositories) {
    if (seen.has(repo.id)) {
      throw new InputError(
        `gitops.repositories: the id "${repo.id}" is used twice`,
      );
    }
    seen.add(repo.id);
  }

  const environments = (
    config.getOptionalConfigArray('gitops.environments') ?? []
  ).map((env, index) => {
    const where = `gitops.environments[${index}]`;
    const name = env.getString('name');
    if (!ID_PATTERN.test(name)) {
      throw new InputError(
        `${where}.name "${name}" must be lower-case letters, digits and dashes`,
      );
    }
    const repository = env.getString('repository');
    if (!seen.has(repository)) {
      throw new InputError(
        `${where}.repository "${repository}" is not the id of any gitops.repositories entry`,
      );
    }
    const path = (env.getOptionalString('path') ?? `releases/${name}`).replace(
      /\/+$/,
      '',
    );
    if (path.startsWith('/') || path.split('/').includes('..')) {
      throw new InputError(
        `${where}.path "${path}" must stay inside the repository`,
      );
    }
    const cluster = env.getOptionalString('cluster');
    const apply = env.getOptionalBoolean('apply') ?? false;
    const prune = env.getOptionalBoolean('prune') ?? false;
    if ((apply || prune) && !cluster) {
      throw new InputError(
        `${where}.${apply ? 'apply' : 'prune'} needs ${where}.cluster`,
      );
    }
    if (prune && !apply) {
      throw new InputError(`${where}.prune needs ${where}.apply: true`);
    }
    return {
      name,
      repository,
      path,
      ...(env.getOptionalString('path') === undefined
        ? { pathDefaulted: true }
        : {}),
      cluster,
      order: env.getOptionalNumber('order') ?? index + 1,
      apply,
      prune,
      ...readApplyScope(env, where),
    };
  });
  const names = new Set<string>();
  for (const env of environments) {
    if (names.has(env.name)) {
      throw new InputError(
        `gitops.environments: the name "${env.name}" is used twice`,
      );
    }
    names.add(env.name);
  }

  const automation = config.getOptionalConfig('gitops.imageAutomation');
  const automationSchedule = automation?.getOptionalConfig('schedule');
  const imageAutomation = {
    enabled: automation?.getOptionalBoolean('enabled') ?? true,
    schedule: {
      frequency: automationSchedule?.has('frequency')
        ? readDuration(automationSchedule, 'frequency')
        : { minutes: 5 },
      timeout: readDuration(automationSchedule, 'timeout'),
      initialDelay: readDuration(automationSchedule, 'initialDelay'),
    },
  };

  const reconcile = config.getOptionalConfig('gitops.helmReconcile');
  const reconcileSchedule = reconcile?.getOptionalConfig('schedule');
  const helmReconcile = {
    schedule: {
      frequency: reconcileSchedule?.has('frequency')
        ? readDuration(reconcileSchedule, 'frequency')
        : { seconds: 30 },
      timeout: readDuration(reconcileSchedule, 'timeout'),
      initialDelay: readDuration(reconcileSchedule, 'initialDelay'),
    },
    gracePeriodMs: reconcile?.has('gracePeriod')
      ? durationToMilliseconds(
          readDurationFromConfig(reconcile, { key: 'gracePeriod' }),
        )
      : 2 * 60 * 1000,
  };

  return { repositories, environments, imageAutomation, helmReconcile };
}

/** Every environment's cluster must be one the Kubernetes plugin knows. */
export function checkEnvironmentClusters(
  gitops: GitopsConfig,
  clusters: Array<{ name: string }>,
): void {
  const names = new Set(clusters.map(c => c.name));
  gitops.environments.forEach((env, index) => {
    if (env.cluster && !names.has(env.cluster)) {
      throw new InputError(
        `gitops.environments[${index}].cluster "${env.cluster}" is not a cluster of kubernetes.clusterLocatorMethods (type config)`,
      );
    }
  });
}
