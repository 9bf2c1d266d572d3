import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  GitopsEnvironment,
  GitopsEvent,
  GitopsProblem,
  GitopsRelease,
  GitopsRepositoryStatus,
} from '@backstage-gitops/plugin-gitops-common';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../../api';

const listeners = new Set<() => void>();

/**
 * Tells every mounted gitops card to read again: an action on one card
 * (a promotion on the environments card) changes what the other shows.
 */
export function notifyGitopsChanged() {
  listeners.forEach(listener => listener());
}

function useChangeCount(): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    const listener = () => setCount(n => n + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return count;
}

export type GitopsData = {
  /** In pipeline order. */
  releases: GitopsRelease[];
  problems: GitopsProblem[];
  /** In pipeline order. */
  environments: GitopsEnvironment[];
  /** Missing when they could not be read; only links and freshness need them. */
  repositories?: GitopsRepositoryStatus[];
  events?: GitopsEvent[];
  eventsError?: Error;
};

/**
 * What the cards show of one entity. Releases and environments are needed;
 * repositories and events only add to them, so their failure does not
 * hide the rest. A reload after an action keeps the old value on screen
 * until the new one arrives.
 */
export function useGitopsData(
  entityRef: string,
  options: { events?: boolean } = {},
) {
  const api = useApi(gitopsApiRef);
  const changes = useChangeCount();
  const withEvents = Boolean(options.events);
  return useAsync(async (): Promise<GitopsData> => {
    const [releases, environments, repositories, events] = await Promise.all([
      api.listReleases(entityRef),
      api.listEnvironments(),
      api.listRepositories().then(
        r => r.items,
        () => undefined,
      ),
      withEvents
        ? api.listEvents(entityRef).then(
            r => ({ items: r.items }),
            (error: Error) => ({ error }),
          )
        : undefined,
    ]);
    const order = new Map(environments.items.map(e => [e.name, e.order]));
    const stage = (name: string) => order.get(name) ?? Number.MAX_SAFE_INTEGER;
    const items = [...releases.items].sort(
      (a, b) =>
        stage(a.environment) - stage(b.environment) ||
        a.environment.localeCompare(b.environment) ||
        a.name.localeCompare(b.name),
    );
    return {
      releases: items,
      problems: releases.problems ?? [],
      environments: [...environments.items].sort((a, b) => a.order - b.order),
      repositories,
      events: events && 'items' in events ? events.items : undefined,
      eventsError: events && 'error' in events ? events.error : undefined,
    };
  }, [api, entityRef, withEvents, changes]);
}

/** The backend's own message when it sent one, not the HTTP wrapper's. */
export function errorMessage(error: unknown): string {
  const body = (error as { body?: { error?: { message?: string } } })?.body;
  return body?.error?.message ?? (error as Error)?.message ?? String(error);
}
