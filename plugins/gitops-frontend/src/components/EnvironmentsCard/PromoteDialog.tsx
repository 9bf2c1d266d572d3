import { useState } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  GitopsPromotion,
  GitopsRelease,
} from '@backstage-gitops/plugin-gitops-common';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Alert } from '@material-ui/lab';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../../api';
import { errorMessage } from '../shared/errorMessage';

const useStyles = makeStyles(theme => ({
  diff: {
    fontFamily: 'monospace',
    fontSize: 12,
    margin: 0,
    padding: theme.spacing(1),
    overflowX: 'auto',
    background: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: 4,
  },
  added: { color: theme.palette.success.dark, display: 'block' },
  removed: { color: theme.palette.error.dark, display: 'block' },
  hunk: { color: theme.palette.info.dark, display: 'block' },
  context: { display: 'block' },
}));

/** The policy the target stage follows for the promoted image, as written. */
function targetPolicy(
  release: GitopsRelease,
  promotion: GitopsPromotion,
): string {
  const image =
    release.images.find(i => i.container === promotion.container) ??
    release.images[0];
  // A Flux v2 ImagePolicy, in its own words, when image automation read one.
  if (image?.status?.policy) return image.status.policy;
  if (image?.policy) return image.policy;
  return release.automated ? 'glob:*' : `${release.environment}'s policy`;
}

/** Which of the two cases applies, in words. */
export function describePromotion(
  release: GitopsRelease,
  promotion: GitopsPromotion,
): string {
  const policy = targetPolicy(release, promotion);
  if (promotion.mode === 'same-digest') {
    return `${promotion.tag} has the same image digest and matches ${policy}: automation keeps working.`;
  }
  return `No tag on this digest matches ${policy}: the tag ${promotion.tag} is copied and ${release.environment}'s automation is locked.`;
}

const Diff = ({ diff }: { diff: string }) => {
  const classes = useStyles();
  const lineClass = (line: string) => {
    if (line.startsWith('@@')) return classes.hunk;
    if (line.startsWith('+') && !line.startsWith('+++')) return classes.added;
    if (line.startsWith('-') && !line.startsWith('---')) return classes.removed;
    return classes.context;
  };
  return (
    <pre className={classes.diff} data-testid="promotion-diff">
      {diff.split('\n').map((line, index) => (
        <span key={index} className={lineClass(line)}>
          {line || ' '}
        </span>
      ))}
    </pre>
  );
};

/**
 * Shows what a promotion would write (a dry run) and does it on confirm.
 * Mounted only while open, so each opening asks the backend afresh.
 */
export const PromoteDialog = ({
  release,
  entityRef,
  onClose,
  onPromoted,
}: {
  release: GitopsRelease;
  entityRef: string;
  onClose: () => void;
  onPromoted: (promotion: GitopsPromotion) => void;
}) => {
  const api = useApi(gitopsApiRef);
  const { environment, namespace, name } = release;
  const action = { environment, namespace, name, entityRef };
  const preview = useAsync(
    () =>
      api.promote(
        { environment, namespace, name, entityRef },
        { dryRun: true },
      ),
    [api, environment, namespace, name, entityRef],
  );
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<string>();

  const confirm = async () => {
    setConfirming(true);
    setFailure(undefined);
    try {
      onPromoted(await api.promote(action));
    } catch (error) {
      setFailure(errorMessage(error));
      setConfirming(false);
    }
  };

  const promotion = preview.value;
  return (
    <Dialog
      open
      onClose={confirming ? undefined : onClose}
      maxWidth="md"
      fullWidth
    >
      <DialogTitle>Promote to {environment}</DialogTitle>
      <DialogContent>
        {preview.loading && <Progress />}
        {preview.error && (
          <Alert severity="error">
            This promotion cannot be done: {errorMessage(preview.error)}
          </Alert>
        )}
        {promotion && (
          <>
            <Typography variant="body2" paragraph>
              {`${promotion.from.environment} runs ${promotion.image}:${promotion.from.tag}; ${promotion.to.environment} runs ${promotion.to.tag}. The promotion writes ${promotion.tag} to ${promotion.to.environment}.`}
            </Typography>
            <Alert
              severity={
                promotion.mode === 'same-digest' ? 'success' : 'warning'
              }
              data-testid="promotion-mode"
              style={{ marginBottom: 12 }}
            >
              {describePromotion(release, promotion)}
            </Alert>
            <Typography variant="caption" color="textSecondary" display="block">
              {promotion.reason}
              {promotion.digest ? ` (digest ${promotion.digest})` : ''}
            </Typography>
            <Typography variant="subtitle2" style={{ marginTop: 12 }}>
              {`The change to ${promotion.path}`}
            </Typography>
            <Diff diff={promotion.diff} />
          </>
        )}
        {failure && (
          <Alert severity="error" style={{ marginTop: 12 }}>
            The promotion failed: {failure}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={confirming}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={confirm}
          disabled={!promotion || confirming}
          startIcon={confirming ? <CircularProgress size={14} /> : undefined}
        >
          Promote
        </Button>
      </DialogActions>
    </Dialog>
  );
};
