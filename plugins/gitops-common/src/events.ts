/**
 * Which events `GET /events` answers: those of the entity's releases in one
 * `environment`, of its releases only (`scope: 'releases'`, leaving out
 * repository-wide ones such as syncs), a page of `limit` (at most
 * {@link GITOPS_EVENTS_MAX_LIMIT}) older than the `before` cursor a previous
 * page answered as `next`.
 *
 * @public
 */
export type GitopsEventQuery = {
  environment?: string;
  scope?: 'all' | 'releases';
  limit?: number;
  before?: string;
};

/**
 * The most events one `GET /events` page holds.
 *
 * @public
 */
export const GITOPS_EVENTS_MAX_LIMIT = 200;

/**
 * How many events `GET /events` answers when no `limit` is asked.
 *
 * @public
 */
export const GITOPS_EVENTS_DEFAULT_LIMIT = 100;
