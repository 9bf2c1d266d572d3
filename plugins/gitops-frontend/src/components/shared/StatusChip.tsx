import { GitopsReleaseStatus } from '@backstage-gitops/plugin-gitops-common';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import { formatAge } from './time';

const useStyles = makeStyles((theme: Theme) => {
  const filled = (color: string) => ({
    backgroundColor: color,
    color: theme.palette.getContrastText(color),
  });
  return {
    chip: { fontWeight: 600, height: 22 },
    Synced: filled(theme.palette.success.main),
    Progressing: filled(theme.palette.info.main),
    Drifted: filled(theme.palette.warning.main),
    Failed: filled(theme.palette.error.main),
    Missing: filled(theme.palette.error.dark),
    Stale: {
      backgroundColor: 'transparent',
      border: `1px dashed ${theme.palette.warning.main}`,
      color: theme.palette.text.primary,
    },
  };
});

/** The chip's text: the state, or `Stale` when the cluster stopped answering. */
export function chipLabel(status: GitopsReleaseStatus): string {
  return status.stale ? 'Stale' : status.state;
}

/**
 * The state of a release in its cluster, as one word, with the reason on
 * hover. Stale data shows `Stale` instead, because the last known state may
 * no longer hold.
 */
export const StatusChip = ({ status }: { status: GitopsReleaseStatus }) => {
  const classes = useStyles();
  const label = chipLabel(status);
  const title = status.stale
    ? `Last known: ${status.state} (${formatAge(status.checkedAt)}): ${
        status.reason
      }`
    : status.reason;
  return (
    <Tooltip title={title}>
      <Chip
        size="small"
        label={label}
        className={`${classes.chip} ${
          classes[label as keyof typeof classes] ?? ''
        }`}
      />
    </Tooltip>
  );
};
