import {
  GitopsHelmRevision,
  GitopsReleaseStatus,
} from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';

const stateColor: Record<string, 'primary' | 'error' | 'textSecondary'> = {
  Synced: 'primary',
  Progressing: 'textSecondary',
  Drifted: 'error',
  Failed: 'error',
  Missing: 'error',
};

/**
 * What helm reconciliation last found in the cluster: the state and why, the
 * newest Helm revision, and the history behind it. Stale data says so, with
 * the error and since when.
 */
export const ReleaseStatus = ({
  status,
  history,
}: {
  status?: GitopsReleaseStatus;
  history?: GitopsHelmRevision[];
}) => {
  if (!status) {
    return (
      <Typography variant="caption" color="textSecondary">
        not reconciled yet
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="body2" color={stateColor[status.state]}>
        {status.stale ? 'Stale: ' : ''}
        {status.state}
        {status.revision !== undefined ? `, revision ${status.revision}` : ''}
      </Typography>
      <Typography variant="caption" color="textSecondary" display="block">
        {status.reason}
      </Typography>
      {status.stale && (
        <Typography variant="caption" color="error" display="block">
          since {new Date(status.stale.at).toLocaleString()}: {status.stale.error}
        </Typography>
      )}
      {status.deployedAt && (
        <Typography
          variant="caption"
          color="textSecondary"
          display="block"
          title={status.deployedAt}
        >
          deployed {new Date(status.deployedAt).toLocaleString()} on {status.cluster}
        </Typography>
      )}
      {history && history.length > 0 && (
        <Typography variant="caption" color="textSecondary" display="block">
          Helm history:{' '}
          {history
            .map(r => `${r.revision} ${r.status} ${r.chartVersion ?? ''}`.trim())
            .join(', ')}
        </Typography>
      )}
    </>
  );
};
