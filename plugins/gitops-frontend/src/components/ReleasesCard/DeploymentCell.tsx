import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { ReleaseWithLinks, shortSha } from '../shared/links';
import { Person } from '../shared/Person';
import { Ago } from '../shared/time';

/**
 * How the release got there: Helm revision, when, from which commit, and
 * who made that commit happen (`changedBy`, from the release's events).
 */
export const DeploymentCell = ({
  release,
  links,
  changedBy,
}: ReleaseWithLinks & { changedBy?: string }) => {
  const { status } = release;
  const commitUrl = links.commit(release.repository, release.commit);
  return (
    <>
      <Typography variant="body2">
        {status?.revision !== undefined
          ? `Helm revision ${status.revision}`
          : 'No Helm revision'}
      </Typography>
      {status?.deployedAt && (
        <Typography variant="caption" color="textSecondary" display="block">
          deployed <Ago at={status.deployedAt} />
        </Typography>
      )}
      <Typography
        variant="caption"
        color="textSecondary"
        display="block"
        title={`${release.sourcePath} at ${release.commit}`}
      >
        commit{' '}
        {commitUrl ? (
          <Link to={commitUrl}>{shortSha(release.commit)}</Link>
        ) : (
          shortSha(release.commit)
        )}
        {changedBy && (
          <>
            {' '}
            by <Person name={changedBy} />
          </>
        )}
      </Typography>
    </>
  );
};
