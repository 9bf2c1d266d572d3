import { ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { Link } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Button, { ButtonProps } from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import { Alert } from '@material-ui/lab';
import { notifyGitopsChanged } from '../../hooks';
import { errorMessage } from './errorMessage';
import { shortSha } from './links';

/** What an action did, for the user to read. */
export type Outcome = {
  severity: 'success' | 'info' | 'error';
  text: string;
  commit?: string;
  commitUrl?: string;
};

// The backend answers before its store shows the result: a sync or a
// reconcile is only requested, and a commit is read back by the next sync a
// moment later. So the cards read again now and twice more shortly after.
const FOLLOW_UPS_MS = [2000, 6000];

/**
 * Runs the actions of one card: one at a time, remembering the outcome of
 * the last one, and making the cards read again once it succeeded.
 */
export function useActionRunner() {
  const [outcome, setOutcome] = useState<Outcome>();
  const [running, setRunning] = useState<string>();
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach(clearTimeout);
  }, []);

  /** Shows what an action did and has every card read again. */
  const succeeded = useCallback((result: Outcome) => {
    setOutcome(result);
    notifyGitopsChanged();
    for (const ms of FOLLOW_UPS_MS) {
      timers.current.push(setTimeout(notifyGitopsChanged, ms));
    }
  }, []);

  const run = useCallback(
    async (
      key: string,
      action: () => Promise<Outcome>,
      options: { failure: string },
    ) => {
      setRunning(key);
      try {
        succeeded(await action());
      } catch (error) {
        setOutcome({
          severity: 'error',
          text: `${options.failure}: ${errorMessage(error)}`,
        });
      } finally {
        setRunning(undefined);
      }
    },
    [succeeded],
  );

  return {
    outcome,
    running,
    run,
    succeeded,
    clear: useCallback(() => setOutcome(undefined), []),
  };
}

/** What a card passes down to the parts that start actions. */
export type ActionRunner = ReturnType<typeof useActionRunner>;

export const OutcomeAlert = ({
  outcome,
  onClose,
}: {
  outcome?: Outcome;
  onClose: () => void;
}) => {
  if (!outcome) return null;
  return (
    <Alert
      severity={outcome.severity}
      onClose={onClose}
      style={{ marginBottom: 12 }}
      data-testid="gitops-action-outcome"
    >
      {outcome.text}
      {outcome.commit && (
        <>
          {' '}
          at commit{' '}
          {outcome.commitUrl ? (
            <Link to={outcome.commitUrl}>{shortSha(outcome.commit)}</Link>
          ) : (
            <code title={outcome.commit}>{shortSha(outcome.commit)}</code>
          )}
        </>
      )}
    </Alert>
  );
};

type PermissionInput = Parameters<typeof usePermission>[0];

/**
 * A button shown only as usable when the permission policy allows it. While
 * the decision loads, and when it denies, the button stays visible but
 * disabled, with the reason on hover; likewise while `blockedTitle` says why
 * the backend would refuse it anyway.
 */
export const PermittedButton = ({
  permission,
  label,
  deniedTitle,
  blockedTitle,
  busy,
  disabled,
  children,
  ...props
}: {
  permission: PermissionInput;
  /** The accessible name, when it says more than the visible text. */
  label?: string;
  deniedTitle: string;
  /** Set when the action cannot succeed now, and why. */
  blockedTitle?: string;
  busy?: boolean;
  children: ReactNode;
} & Omit<ButtonProps, 'children'>) => {
  const { allowed, loading } = usePermission(permission);
  const denied = !loading && !allowed;
  const why = denied ? deniedTitle : blockedTitle;
  const button = (
    <Button
      size="small"
      variant="outlined"
      color="primary"
      aria-label={label}
      disabled={disabled || busy || !allowed || Boolean(blockedTitle)}
      startIcon={busy ? <CircularProgress size={14} /> : undefined}
      {...props}
      style={{ whiteSpace: 'nowrap', ...props.style }}
    >
      {children}
    </Button>
  );
  // A disabled button gets no hover events; the span carries the reason.
  return why ? <span title={why}>{button}</span> : button;
};
