import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { GitopsEvent } from '@backstage-gitops/plugin-gitops-common';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../api';
import { useGitopsGeneration } from './gitopsChanges';

/** Events one page of the activity view reads. */
export const ACTIVITY_PAGE_SIZE = 50;

/** The activity read so far: the newest page and any older ones asked for. */
export type EntityActivity = {
  events?: GitopsEvent[];
  error?: Error;
  loading: boolean;
  /** Whether older events may follow. */
  hasOlder: boolean;
  loadingOlder: boolean;
  loadOlder: () => void;
};

type Older = { items: GitopsEvent[]; next?: string; read: boolean };
const NONE: Older = { items: [], read: false };

/**
 * The events of an entity's releases, newest first, in one environment when
 * given: the newest page, read again after every action or signalled
 * change, and older pages one at a time on request.
 */
export function useEntityActivity(
  entityRef: string,
  environment?: string,
): EntityActivity {
  const api = useApi(gitopsApiRef);
  const generation = useGitopsGeneration();
  const newest = useAsync(
    () =>
      api.listEvents(entityRef, {
        environment,
        scope: 'releases',
        limit: ACTIVITY_PAGE_SIZE,
      }),
    [api, entityRef, environment, generation],
  );
  const [older, setOlder] = useState<Older>(NONE);
  const [olderError, setOlderError] = useState<Error>();
  const [loadingOlder, setLoadingOlder] = useState(false);
  // Older pages continue one newest page; a new one starts the list over.
  const base = useRef(newest.value);
  useEffect(() => {
    base.current = newest.value;
    setOlder(NONE);
    setOlderError(undefined);
  }, [newest.value]);

  const next = older.read ? older.next : newest.value?.next;
  const loadOlder = useCallback(() => {
    if (!next) return;
    const startedOn = base.current;
    setLoadingOlder(true);
    api
      .listEvents(entityRef, {
        environment,
        scope: 'releases',
        limit: ACTIVITY_PAGE_SIZE,
        before: next,
      })
      .then(
        page => {
          if (base.current !== startedOn) return;
          setOlder(current => ({
            items: [...current.items, ...page.items],
            next: page.next,
            read: true,
          }));
        },
        (error: Error) => setOlderError(error),
      )
      .finally(() => setLoadingOlder(false));
  }, [api, entityRef, environment, next]);

  return {
    events: newest.value && [...newest.value.items, ...older.items],
    error: newest.error ?? olderError,
    loading: newest.loading,
    hasOlder: Boolean(next),
    loadingOlder,
    loadOlder,
  };
}
