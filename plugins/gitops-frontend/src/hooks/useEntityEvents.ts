import { useApi } from '@backstage/core-plugin-api';
import { GitopsEvent } from '@backstage-gitops/plugin-gitops-common';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../api';
import { useGitopsGeneration } from './gitopsChanges';

/** Either the events or why they could not be read. */
export type EntityEvents = { events?: GitopsEvent[]; eventsError?: Error };

/**
 * What happened to an entity's releases, read again after every action.
 * Never fails: events only add to a card, so a failure is a value the card
 * shows beside the releases.
 */
export function useEntityEvents(entityRef: string) {
  const api = useApi(gitopsApiRef);
  const generation = useGitopsGeneration();
  return useAsync(
    (): Promise<EntityEvents> =>
      api.listEvents(entityRef).then(
        r => ({ events: r.items }),
        (error: Error) => ({ eventsError: error }),
      ),
    [api, entityRef, generation],
  );
}
