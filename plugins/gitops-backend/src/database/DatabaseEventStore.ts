import { DatabaseService } from '@backstage/backend-plugin-api';
import { GitopsEvent } from '@backstage-gitops/plugin-gitops-common';
import { Knex } from 'knex';
import {
  EventListQuery,
  EventPosition,
  EventStore,
  NewEvent,
} from './EventStore';
import { migratedClient } from './migrations';
import { queryBatches } from './queryBatches';
import { STRING_COLUMN_LENGTH, storableText } from './storableValues';

type EventRow = {
  id: number;
  type: string;
  repository_id: string | null;
  environment: string | null;
  namespace: string | null;
  name: string | null;
  commit_sha: string | null;
  author: string | null;
  message: string | null;
  actor: string | null;
  details: string | null;
  created_at: Date | string;
};

function eventRow(event: NewEvent): Omit<EventRow, 'id'> {
  return {
    type: event.type,
    repository_id: event.repository ?? null,
    environment: event.environment ?? null,
    namespace: event.namespace ?? null,
    name: event.name ?? null,
    commit_sha: event.commit ?? null,
    // Commit authors and subjects come from anyone who can push.
    author:
      event.author === undefined
        ? null
        : storableText(event.author, STRING_COLUMN_LENGTH),
    message: event.message === undefined ? null : storableText(event.message),
    actor: event.actor ?? null,
    details: event.details ? JSON.stringify(event.details) : null,
    created_at: event.at,
  };
}

function toEvent(row: EventRow): GitopsEvent {
  return {
    id: row.id,
    type: row.type,
    repository: row.repository_id ?? undefined,
    environment: row.environment ?? undefined,
    namespace: row.namespace ?? undefined,
    name: row.name ?? undefined,
    commit: row.commit_sha ?? undefined,
    author: row.author ?? undefined,
    message: row.message ?? undefined,
    actor: row.actor ?? undefined,
    details: row.details ? JSON.parse(row.details) : undefined,
    at: new Date(row.created_at).toISOString(),
  };
}

/**
 * Writes events with `db`, which may be another store's transaction: a sync
 * or reconcile cycle stores its events together with what they describe, or
 * neither.
 */
export async function insertEvents(
  db: Knex,
  events: NewEvent[],
): Promise<void> {
  for (const part of queryBatches(events)) {
    await db('gitops_events').insert(part.map(eventRow));
  }
}

/** The list's order, (created_at, id) descending, continued past `before`. */
function olderThan(query: Knex.QueryBuilder, before?: EventPosition) {
  if (!before) return;
  query.andWhere(older =>
    older
      .where('created_at', '<', before.at)
      .orWhere(same =>
        same.where('created_at', '=', before.at).where('id', '<', before.id),
      ),
  );
}

/** The knex implementation of {@link EventStore}, for SQLite and PostgreSQL. */
export class DatabaseEventStore implements EventStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseEventStore> {
    return new DatabaseEventStore(await migratedClient(options.database));
  }

  constructor(private readonly db: Knex) {}

  async addEvents(events: NewEvent[]): Promise<void> {
    await insertEvents(this.db, events);
  }

  async listEvents(query: EventListQuery): Promise<GitopsEvent[]> {
    if (query.releases.length === 0 && query.repositoryIds.length === 0) {
      return [];
    }
    const rows = await this.db<EventRow>('gitops_events')
      .where(builder => {
        for (const key of query.releases) {
          builder.orWhere(key);
        }
        if (query.repositoryIds.length > 0) {
          builder.orWhere(inner =>
            inner
              .whereNull('name')
              .whereIn('repository_id', query.repositoryIds),
          );
        }
      })
      .modify(olderThan, query.before)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(query.limit);
    return rows.map(toEvent);
  }
}
