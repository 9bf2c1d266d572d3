import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { GitopsRelease } from '@backstage-gitops/plugin-gitops-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../../api';
import { errorMessage } from '../shared/errorMessage';
import { Ago } from '../shared/time';

const useStyles = makeStyles({
  history: {
    '& th, & td': { padding: '4px 8px', whiteSpace: 'nowrap' },
    // Helm's descriptions can be long; they alone wrap.
    '& td:nth-child(5)': { whiteSpace: 'normal' },
  },
});

/** Helm's revisions of the release in its cluster, newest first. */
export const HelmHistoryTable = ({ release }: { release: GitopsRelease }) => {
  const classes = useStyles();
  const api = useApi(gitopsApiRef);
  const { environment, namespace, name } = release;
  // Read again whenever the cluster reports a new state for the release.
  const { value, loading, error } = useAsync(
    () => api.getHelmHistory({ environment, namespace, name }),
    [
      api,
      environment,
      namespace,
      name,
      release.status?.revision,
      release.status?.checkedAt,
    ],
  );
  if (loading) return <Progress />;
  if (error) {
    return (
      <Typography variant="body2" color="error">
        Could not read the Helm history: {errorMessage(error)}
      </Typography>
    );
  }
  if (!value || value.items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No Helm revisions recorded
        {release.status ? '' : ': no cluster has reported on this release yet'}.
      </Typography>
    );
  }
  return (
    <Table
      size="small"
      aria-label={`Helm history of ${environment}`}
      className={classes.history}
    >
      <TableHead>
        <TableRow>
          <TableCell>Revision</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Chart</TableCell>
          <TableCell>App version</TableCell>
          <TableCell>Description</TableCell>
          <TableCell>Deployed</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {value.items.map(revision => (
          <TableRow key={revision.revision}>
            <TableCell>{revision.revision}</TableCell>
            <TableCell>{revision.status}</TableCell>
            <TableCell>
              {[revision.chartName, revision.chartVersion]
                .filter(Boolean)
                .join(' ') || '-'}
            </TableCell>
            <TableCell>{revision.appVersion ?? '-'}</TableCell>
            <TableCell>{revision.description ?? '-'}</TableCell>
            <TableCell>
              {revision.deployedAt ? <Ago at={revision.deployedAt} /> : '-'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
