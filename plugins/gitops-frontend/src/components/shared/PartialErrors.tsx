import {
  GitopsProblem,
  GitopsRelease,
} from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { Alert, AlertTitle } from '@material-ui/lab';
import { Ago } from './time';

function problemLine(problem: GitopsProblem) {
  const where = problem.environment ?? `repository ${problem.repository}`;
  if (!problem.path) {
    // A repository that could not be fetched or stored: its last good state is shown.
    return (
      <>
        {where}: repository {problem.repository} could not be synced since{' '}
        <Ago at={problem.at} />: {problem.message}. What is shown is its last
        good sync.
      </>
    );
  }
  if (problem.source === 'apply' || problem.source === 'prune') {
    return (
      <>
        {where}: {problem.object ?? 'an object'} from {problem.path}{' '}
        {problem.source === 'apply' ? 'could not be applied' : 'was not pruned'}{' '}
        (since <Ago at={problem.at} />
        ): {problem.message}
      </>
    );
  }
  return (
    <>
      {where}: {problem.path}
      {problem.line ? `:${problem.line}` : ''} could not be read:{' '}
      {problem.message}
    </>
  );
}

/**
 * What is missing or old in what the card shows: files and repositories git
 * sync could not read, and releases whose cluster stopped answering.
 */
export const PartialErrors = ({
  problems,
  releases,
}: {
  problems: GitopsProblem[];
  releases: GitopsRelease[];
}) => {
  const stale = releases.filter(r => r.status?.stale);
  if (problems.length === 0 && stale.length === 0) return null;
  return (
    <Alert
      severity="warning"
      style={{ marginBottom: 12 }}
      data-testid="gitops-partial-errors"
    >
      <AlertTitle>Some of this is incomplete or out of date</AlertTitle>
      {problems.map((problem, index) => (
        <Typography key={`p${index}`} variant="body2">
          {problemLine(problem)}
        </Typography>
      ))}
      {stale.map(release => (
        <Typography
          key={`s${release.environment}/${release.namespace}/${release.name}`}
          variant="body2"
        >
          {release.environment}: cluster {release.status!.cluster} has not
          answered for {release.name} since{' '}
          <Ago at={release.status!.stale!.at} /> ({release.status!.stale!.error}
          ); its state is from <Ago at={release.status!.checkedAt} />.
        </Typography>
      ))}
    </Alert>
  );
};
