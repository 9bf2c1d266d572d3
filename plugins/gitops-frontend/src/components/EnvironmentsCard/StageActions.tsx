import { useApi } from '@backstage/core-plugin-api';
import {
  gitopsAutomationUpdatePermission,
  gitopsPromotePermission,
  GitopsRelease,
  stringifyGitopsReleaseRef,
} from '@backstage-gitops/plugin-gitops-common';
import { makeStyles } from '@material-ui/core/styles';
import { gitopsApiRef } from '../../api';
import { Outcome, PermittedButton } from '../shared/actions';
import { locksApply, offersLock } from '../shared/locks';
import { PipelineContext } from './stages';

const useStyles = makeStyles(theme => ({
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginTop: 'auto',
    paddingTop: theme.spacing(1),
  },
}));

/**
 * Promote (into every stage but the first), and lock or unlock the image
 * automation of a release, each behind its permission for this entity.
 * Lock and unlock only where this plugin automates the images: the only
 * automation that honours the lock.
 */
export const StageActions = ({
  release,
  environment: env,
  promotable,
  showName,
  context: { entityRef, links, runner, onPromote },
}: {
  release: GitopsRelease;
  environment: string;
  promotable: boolean;
  showName: boolean;
  context: PipelineContext;
}) => {
  const classes = useStyles();
  const api = useApi(gitopsApiRef);
  const key = stringifyGitopsReleaseRef(release);
  const resourceRef = stringifyGitopsReleaseRef({ ...release, entityRef });
  const action = { ...release, entityRef };
  const committed = (text: string, commit?: string): Outcome => ({
    severity: 'success',
    text,
    commit,
    commitUrl: commit ? links.commit(release.repository, commit) : undefined,
  });

  const lock = () =>
    runner.run(
      `lock ${key}`,
      async () => {
        const result = await api.lock(action);
        return result.changed
          ? committed(`Locked the image automation of ${env}`, result.commit)
          : { severity: 'info', text: `${env} was already locked` };
      },
      { failure: `Could not lock ${env}` },
    );
  const unlock = () =>
    runner.run(
      `unlock ${key}`,
      async () => {
        const result = await api.unlock(action);
        return result.changed
          ? committed(`Unlocked the image automation of ${env}`, result.commit)
          : { severity: 'info', text: `${env} was not locked` };
      },
      { failure: `Could not unlock ${env}` },
    );

  const suffix = showName ? ` ${release.name}` : '';
  // The backend refuses to write on a file that does not read cleanly.
  const blockedTitle = release.sourceProblem
    ? `Fix ${release.sourceProblem.path} first: it does not read cleanly`
    : undefined;
  const automation = {
    permission: gitopsAutomationUpdatePermission,
    resourceRef,
  };
  return (
    <div className={classes.actions}>
      {promotable && (
        <PermittedButton
          permission={{ permission: gitopsPromotePermission, resourceRef }}
          deniedTitle={`You may not promote to ${env}`}
          blockedTitle={blockedTitle}
          disabled={Boolean(runner.running)}
          onClick={() => onPromote(release)}
        >
          {`Promote${suffix} to ${env}`}
        </PermittedButton>
      )}
      {locksApply(release) && release.locked && (
        <PermittedButton
          permission={automation}
          label={`Unlock ${env}${suffix}`}
          deniedTitle={`You may not change the automation of ${env}`}
          blockedTitle={blockedTitle}
          busy={runner.running === `unlock ${key}`}
          disabled={Boolean(runner.running)}
          onClick={unlock}
        >
          Unlock
        </PermittedButton>
      )}
      {locksApply(release) && !release.locked && offersLock(release) && (
        <PermittedButton
          permission={automation}
          label={`Lock ${env}${suffix}`}
          deniedTitle={`You may not change the automation of ${env}`}
          blockedTitle={blockedTitle}
          busy={runner.running === `lock ${key}`}
          disabled={Boolean(runner.running)}
          onClick={lock}
        >
          Lock
        </PermittedButton>
      )}
    </div>
  );
};
