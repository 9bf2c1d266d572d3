import {
  GitopsEvent,
  GitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';

export type NewEvent = Omit<GitopsEvent, 'id' | 'at'> & { at: Date };

/**
 * What happened to releases and repositories, as the cards' timelines show
 * it. Sync and reconcile cycles write their events inside their own
 * transaction (see `insertEvents`); everything else adds them here.
 */
export interface EventStore {
  addEvents(events: NewEvent[]): Promise<void>;
  /** Newest first: events of these releases and repository-wide events of these repositories. */
  listEvents(query: {
    releases: GitopsReleaseKey[];
    repositoryIds: string[];
    limit: number;
  }): Promise<GitopsEvent[]>;
}
