import { Link } from '@backstage/core-components';
import {
  GitopsRelease,
  GitopsRepositoryStatus,
} from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { RepositoryLinks, shortSha } from './links';
import { Ago } from './time';

/**
 * How old the git data is: for each config repository the releases come
 * from, its last good sync and, when a later one failed, that failure.
 */
export const Freshness = ({
  repositories,
  releases,
  links,
}: {
  repositories?: GitopsRepositoryStatus[];
  releases: GitopsRelease[];
  links: RepositoryLinks;
}) => {
  const used = new Set(releases.map(r => r.repository));
  const shown = (repositories ?? []).filter(r => used.has(r.id));
  if (shown.length === 0) return null;
  return (
    <div style={{ marginTop: 8 }}>
      {shown.map(repository => {
        const failedLater =
          repository.lastErrorAt &&
          (!repository.lastSyncedAt ||
            Date.parse(repository.lastErrorAt) >
              Date.parse(repository.lastSyncedAt));
        const commitUrl = repository.lastCommit
          ? links.commit(repository.id, repository.lastCommit)
          : undefined;
        return (
          <Typography
            key={repository.id}
            variant="caption"
            color={failedLater ? 'error' : 'textSecondary'}
            display="block"
          >
            Git {repository.id}
            {repository.lastSyncedAt ? (
              <>
                {' '}
                synced <Ago at={repository.lastSyncedAt} />
              </>
            ) : (
              ' never synced'
            )}
            {repository.lastCommit && (
              <>
                {' '}
                at{' '}
                {commitUrl ? (
                  <Link to={commitUrl}>{shortSha(repository.lastCommit)}</Link>
                ) : (
                  shortSha(repository.lastCommit)
                )}
              </>
            )}
            {failedLater && (
              <>
                ; the last attempt failed <Ago at={repository.lastErrorAt!} />:{' '}
                {repository.lastError}
              </>
            )}
          </Typography>
        );
      })}
    </div>
  );
};
