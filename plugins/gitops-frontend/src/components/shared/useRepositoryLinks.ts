import { useMemo } from 'react';
import { GitopsRepositoryStatus } from '@backstage-gitops/plugin-gitops-common';
import { repositoryLinks, RepositoryLinks } from './links';

/** The links of the repositories, made again only when they change. */
export function useRepositoryLinks(
  repositories?: GitopsRepositoryStatus[],
): RepositoryLinks {
  return useMemo(() => repositoryLinks(repositories), [repositories]);
}
