import { useApi } from '@backstage/core-plugin-api';
import {
  GitopsRelease,
  gitopsSyncPermission,
} from '@backstage-gitops/plugin-gitops-common';
import { gitopsApiRef } from '../../api';
import { ActionRunner, PermittedButton } from '../shared/actions';

/**
 * Asks git sync to run now: of the entity's own repository when its
 * releases live in one, of every repository otherwise.
 */
export const SyncNowButton = ({
  releases,
  runner,
}: {
  releases?: GitopsRelease[];
  runner: ActionRunner;
}) => {
  const api = useApi(gitopsApiRef);

  const syncNow = () => {
    const repositories = [...new Set(releases?.map(r => r.repository) ?? [])];
    const only = repositories.length === 1 ? repositories[0] : undefined;
    runner.run(
      'sync',
      async () => {
        const result = await api.syncNow(only);
        return {
          severity: 'success',
          text: `Sync of ${
            result.repositories.join(', ') || 'every repository'
          } requested by ${result.requestedBy}`,
        };
      },
      { failure: 'Could not start a sync' },
    );
  };

  return (
    <PermittedButton
      permission={{ permission: gitopsSyncPermission }}
      deniedTitle="You may not start a gitops sync"
      busy={runner.running === 'sync'}
      disabled={Boolean(runner.running)}
      onClick={syncNow}
      style={{ marginTop: 8, marginRight: 8 }}
    >
      Sync now
    </PermittedButton>
  );
};
