import { LoggerService } from '@backstage/backend-plugin-api';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import { normalizeGitUrl } from '../charts';
import { RepositoryConfig } from '../config';
import { errorMessage } from '../kernel';
import { SyncTrigger } from '../sync';
import { GIT_PUSH_TOPICS, GitPush, readGitPush } from './gitPushes';

/**
 * Starts the git sync of each configured repository a push event names, on
 * its configured branch, at once; the scheduled sync stays as the fallback.
 * A push of another repository, branch or a tag starts nothing. Events are
 * only as trustworthy as the ingress that let them in (the provider modules
 * check signatures), and at worst cause an extra sync: the sync reads the
 * configured remote, never anything the event names, and coalesces.
 */
export class GitPushRouter {
  /** Normalised clone url => the repositories cloned from it. */
  private readonly byUrl = new Map<string, RepositoryConfig[]>();

  constructor(
    private readonly options: {
      repositories: RepositoryConfig[];
      sync: SyncTrigger;
      logger: LoggerService;
    },
  ) {
    for (const repository of options.repositories) {
      const key = normalizeGitUrl(repository.url);
      this.byUrl.set(key, [...(this.byUrl.get(key) ?? []), repository]);
    }
  }

  async subscribe(events: EventsService): Promise<void> {
    await events.subscribe({
      id: 'gitops-git-push',
      topics: Object.values(GIT_PUSH_TOPICS),
      onEvent: params => this.onEvent(params),
    });
  }

  /** The ids of the repositories this push moved. */
  repositoriesOf(push: GitPush): string[] {
    const matches = new Set<RepositoryConfig>();
    for (const url of push.urls) {
      for (const repository of this.byUrl.get(normalizeGitUrl(url)) ?? []) {
        if (push.branches.includes(repository.branch)) matches.add(repository);
      }
    }
    return [...matches].map(r => r.id);
  }

  async onEvent(params: EventParams): Promise<void> {
    const { sync, logger } = this.options;
    const push = readGitPush(params.topic, params.eventPayload);
    const ids = push ? this.repositoriesOf(push) : [];
    if (ids.length === 0) {
      logger.debug('Push event names no configured repository and branch', {
        topic: params.topic,
        branches: push?.branches.join(',') ?? '',
      });
      return;
    }
    for (const id of ids) {
      try {
        await sync.trigger(id);
        logger.info('Push event: syncing now', {
          topic: params.topic,
          repository: id,
        });
      } catch (error) {
        logger.warn('Push event: could not start the sync', {
          repository: id,
          error: errorMessage(error),
        });
      }
    }
  }
}
