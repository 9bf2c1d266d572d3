import { useMemo } from 'react';
import { GitopsData, useEntityEvents, useEntityReleases } from '../../hooks';

/**
 * The entity's releases, shared with the other cards of the page, and its
 * events, which only this card reads. The card shows once both have
 * answered; events that could not be read are part of the answer.
 */
export function useReleasesCardData(entityRef: string): {
  value?: GitopsData;
  loading: boolean;
  error?: Error;
} {
  const releases = useEntityReleases(entityRef);
  const events = useEntityEvents(entityRef);
  const value = useMemo(
    () =>
      releases.value && events.value
        ? { ...releases.value, ...events.value }
        : undefined,
    [releases.value, events.value],
  );
  return {
    value,
    loading: releases.loading || events.loading,
    error: releases.error,
  };
}
