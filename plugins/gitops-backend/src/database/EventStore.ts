import {
  GitopsEvent,
  GitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';

export type NewEvent = Omit<GitopsEvent, 'id' | 'at'> & { at: Date };

/** Where a page of events starts: after this event, in newest-first order. */
export type EventPosition = { at: Date; id: number };

export type EventListQuery = {
  releases: GitopsReleaseKey[];
  repositoryIds: string[];
  limit: number;
  /** Only events older than this one (a page after the one it ended). */
  before?: EventPosition;
};

/**
 * What happened to releases and repositories, as the cards' timelines show
 * it. Sync and reconcile cycles write their events inside their own
 * transaction (see `insertEvents`); everything else adds them here.
 */
export interface EventStore {
  addEvents(events: NewEvent[]): Promise<void>;
  /** Newest first: events of these releases and repository-wide events of these repositories. */
  listEvents(query: EventListQuery): Promise<GitopsEvent[]>;
}
