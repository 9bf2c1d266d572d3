import { useApi } from '@backstage/core-plugin-api';
import {
  GitopsRelease,
  gitopsReconcilePermission,
  stringifyGitopsReleaseRef,
} from '@backstage-gitops/plugin-gitops-common';
import { gitopsApiRef } from '../../api';
import { ActionRunner, PermittedButton } from '../shared/actions';

/** Asks the release's cluster to reconcile it now, for this entity. */
export const ReconcileButton = ({
  release,
  entityRef,
  runner,
}: {
  release: GitopsRelease;
  entityRef: string;
  runner: ActionRunner;
}) => {
  const api = useApi(gitopsApiRef);
  const key = `reconcile ${stringifyGitopsReleaseRef(release)}`;

  const reconcile = () =>
    runner.run(
      key,
      async () => {
        const result = await api.reconcile({ ...release, entityRef });
        return {
          severity: 'success',
          text: `Reconcile of ${release.name} in ${release.environment} requested on cluster ${result.cluster}`,
        };
      },
      { failure: `Could not reconcile ${release.environment}` },
    );

  return (
    <PermittedButton
      permission={{
        permission: gitopsReconcilePermission,
        resourceRef: stringifyGitopsReleaseRef({ ...release, entityRef }),
      }}
      label={`Reconcile ${release.environment}`}
      deniedTitle={`You may not reconcile ${release.environment}`}
      busy={runner.running === key}
      disabled={Boolean(runner.running)}
      onClick={reconcile}
    >
      Reconcile
    </PermittedButton>
  );
};
