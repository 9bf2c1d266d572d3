import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ReleaseWithLinks } from '../shared/links';
import { SourceProblemNote } from '../shared/SourceProblemNote';
import { StatusChip } from '../shared/StatusChip';
import { Ago } from '../shared/time';

const useStyles = makeStyles(theme => ({
  heading: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
}));

/**
 * The environment and the release's state in its cluster: why, how old when
 * the cluster stopped answering, and a broken git file.
 */
export const ReleaseStateCell = ({ release, links }: ReleaseWithLinks) => {
  const classes = useStyles();
  const { status } = release;
  return (
    <>
      <div className={classes.heading}>
        <Typography variant="subtitle2">{release.environment}</Typography>
        {status && <StatusChip status={status} />}
        {status?.flux?.suspended && (
          <Chip
            size="small"
            variant="outlined"
            label="Suspended"
            title="spec.suspend: Flux does not act on this HelmRelease"
          />
        )}
      </div>
      {status ? (
        <Typography variant="caption" color="textSecondary" display="block">
          {status.reason}
        </Typography>
      ) : (
        <Typography variant="caption" color="textSecondary" display="block">
          Not reconciled yet: no cluster has reported on this release.
        </Typography>
      )}
      {status?.stale && (
        <Typography
          variant="caption"
          color="error"
          display="block"
          title={status.stale.error}
        >
          Last known state {status.state}, <Ago at={status.checkedAt} />; no
          answer since <Ago at={status.stale.at} />.
        </Typography>
      )}
      <SourceProblemNote release={release} links={links} />
    </>
  );
};
