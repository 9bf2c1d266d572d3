import { GitopsProblem } from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { Alert } from '@material-ui/lab';

/**
 * What git sync could not read, and where: a fetch failure of a repository,
 * or a file with its line.
 */
export const ProblemsPanel = ({ problems }: { problems: GitopsProblem[] }) => {
  if (problems.length === 0) return null;
  return (
    <Alert severity="warning" style={{ marginBottom: 16 }}>
      {problems.map((problem, index) => (
        <Typography key={index} variant="body2">
          {problem.path
            ? `${problem.path}${problem.line ? `:${problem.line}` : ''}`
            : `Repository ${problem.repository}`}
          {problem.environment ? ` (${problem.environment})` : ''}:{' '}
          {problem.message}
          {!problem.path && ` (since ${new Date(problem.at).toLocaleString()})`}
        </Typography>
      ))}
    </Alert>
  );
};
