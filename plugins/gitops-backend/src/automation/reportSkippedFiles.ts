import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyGitopsReleaseKey } from '@backstage-gitops/plugin-gitops-common';
import { describeBrokenFile } from '../actions';
import { RepositoryConfig } from '../config';
import { EventStore } from '../database';
import { SkippedFile } from './movesAtHead';

/**
 * Says on each release of a file automation left alone why its image did
 * not move, once per problem: the same problem on the next run adds no
 * event, only the warning log.
 */
export async function reportSkippedFiles(
  options: {
    repository: RepositoryConfig;
    eventStore: EventStore;
    logger: LoggerService;
    clock: () => Date;
  },
  skipped: SkippedFile[],
): Promise<void> {
  const { repository, eventStore, logger, clock } = options;
  for (const { broken, updates } of skipped) {
    const message = `${describeBrokenFile(
      broken,
    )}; image automation leaves it alone until it is fixed`;
    logger.warn('Image automation skipped a file that does not read cleanly', {
      repository: repository.id,
      path: broken.path,
      line: broken.line,
      error: broken.message,
    });
    const details = {
      path: broken.path,
      ...(broken.line !== undefined ? { line: broken.line } : {}),
      error: broken.message,
    };
    const releases = new Map(
      updates.map(u => [stringifyGitopsReleaseKey(u.release), u.release]),
    );
    for (const release of releases.values()) {
      const key = {
        environment: release.environment,
        namespace: release.namespace,
        name: release.name,
      };
      const [last] = await eventStore.listEvents({
        releases: [key],
        repositoryIds: [],
        limit: 1,
      });
      if (
        last?.type === 'automation-skipped' &&
        JSON.stringify(last.details) === JSON.stringify(details)
      ) {
        continue;
      }
      await eventStore.addEvents([
        {
          type: 'automation-skipped',
          repository: repository.id,
          ...key,
          commit: broken.head,
          message,
          details,
          at: clock(),
        },
      ]);
    }
  }
}
