import { GitopsRelease } from '@backstage-gitops/plugin-gitops-common';
import Typography from '@material-ui/core/Typography';
import { shownLocked } from './locks';
import { Person } from './Person';

/**
 * On a locked release: who locked it and why, as `fluxcd.io/locked_user`
 * and `fluxcd.io/locked_msg` say.
 */
export const LockNote = ({ release }: { release: GitopsRelease }) => {
  if (!shownLocked(release)) return null;
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      display="block"
      data-testid="lock-note"
    >
      Locked against image automation
      {release.lockedBy && (
        <>
          {' '}
          by <Person name={release.lockedBy} />
        </>
      )}
      {release.lockedMessage ? `: ${release.lockedMessage}` : ''}
    </Typography>
  );
};
