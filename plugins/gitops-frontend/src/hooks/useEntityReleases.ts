import { useEffect } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  GitopsEnvironment,
  GitopsEvent,
  GitopsProblem,
  GitopsRelease,
  GitopsRepositoryStatus,
} from '@backstage-gitops/plugin-gitops-common';
import useAsync from 'react-use/esm/useAsync';
import { GitopsApi, gitopsApiRef } from '../api';
import { useGitopsGeneration } from './gitopsChanges';
import { SharedReads } from './SharedReads';
import { useGitopsLiveUpdates } from './useGitopsLiveUpdates';

export type GitopsData = {
  /** In pipeline order. */
  releases: GitopsRelease[];
  problems: GitopsProblem[];
  /** In pipeline order. */
  environments: GitopsEnvironment[];
  /** Missing when they could not be read; only links and freshness need them. */
  repositories?: GitopsRepositoryStatus[];
  /** Only where a card reads them too (see `useEntityEvents`). */
  events?: GitopsEvent[];
  eventsError?: Error;
};

/**
 * Releases and environments are needed; repositories only add links and
 * freshness, so their failure does not hide the rest.
 */
async function readEntityReleases(
  api: GitopsApi,
  entityRef: string,
): Promise<GitopsData> {
  const [releases, environments, repositories] = await Promise.all([
    api.listReleases(entityRef),
    api.listEnvironments(),
    api.listRepositories().then(
      r => r.items,
      () => undefined,
    ),
  ]);
  const order = new Map(environments.items.map(e => [e.name, e.order]));
  const stage = (name: string) => order.get(name) ?? Number.MAX_SAFE_INTEGER;
  return {
    releases: [...releases.items].sort(
      (a, b) =>
        stage(a.environment) - stage(b.environment) ||
        a.environment.localeCompare(b.environment) ||
        a.name.localeCompare(b.name),
    ),
    problems: releases.problems ?? [],
    environments: [...environments.items].sort((a, b) => a.order - b.order),
    repositories,
  };
}

// Per API instance, so that two apps (or two tests) never share answers.
const readsByApi = new WeakMap<GitopsApi, SharedReads<GitopsData>>();

function sharedReadsOf(api: GitopsApi): SharedReads<GitopsData> {
  let reads = readsByApi.get(api);
  if (!reads) {
    reads = new SharedReads();
    readsByApi.set(api, reads);
  }
  return reads;
}

/**
 * The releases of one entity, with the environments and repositories they
 * live in. Every card of the page showing the entity shares one read, and
 * all of them read again, once, after an action (`notifyGitopsChanged`) or
 * a change the backend signals (`useGitopsLiveUpdates`). A card mounted
 * alone reads on its own. A reload keeps the old value on screen until the
 * new one arrives.
 */
export function useEntityReleases(entityRef: string) {
  const api = useApi(gitopsApiRef);
  const generation = useGitopsGeneration();
  const reads = sharedReadsOf(api);
  useGitopsLiveUpdates(entityRef);
  // Declared before the read, so the key is marked in use when it starts.
  useEffect(() => reads.use(entityRef), [reads, entityRef]);
  return useAsync(
    () =>
      reads.read(entityRef, generation, () =>
        readEntityReleases(api, entityRef),
      ),
    [reads, api, entityRef, generation],
  );
}
