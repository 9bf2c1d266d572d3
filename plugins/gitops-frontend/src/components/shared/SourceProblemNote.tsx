import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { ReleaseWithLinks, shortSha } from './links';
import { Ago } from './time';

/**
 * Says that a release is its file's last good state: the file stopped
 * reading cleanly at a commit, and nothing of the release was replaced or
 * removed since. Renders nothing for a release whose file reads cleanly.
 */
export const SourceProblemNote = ({ release, links }: ReleaseWithLinks) => {
  const problem = release.sourceProblem;
  if (!problem) return null;
  const commitUrl = problem.commit
    ? links.commit(release.repository, problem.commit)
    : undefined;
  const where = `${problem.path}${problem.line ? `:${problem.line}` : ''}`;
  return (
    <Typography
      variant="caption"
      color="error"
      display="block"
      role="status"
      data-testid="source-problem"
    >
      git file broken since{' '}
      {problem.commit &&
        (commitUrl ? (
          <Link to={commitUrl}>{shortSha(problem.commit)}</Link>
        ) : (
          shortSha(problem.commit)
        ))}{' '}
      (<Ago at={problem.since} />
      ): {problem.message} at {where}. Showing its last good state.
    </Typography>
  );
};
