import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { ReleaseWithLinks, shortSha } from '../shared/links';
import { Ago } from '../shared/time';

/** How the release got there: Helm revision, when, and from which commit. */
export const DeploymentCell = ({ release, links }: ReleaseWithLinks) => {
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
      </Typography>
    </>
  );
};
