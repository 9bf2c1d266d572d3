import { LoggerService } from '@backstage/backend-plugin-api';
import {
  GitopsReleaseState,
  stringifyGitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';
import { ClusterStateStore, EventStore, GitopsStores } from '../database';
import { errorMessage, overriding } from '../kernel';
import {
  isAlarmingState,
  noticeOfEvent,
  noticeOfTransition,
  ReleaseNotice,
} from './releaseNotices';

/** Where notices go; `ReleaseNotifier` in the plugin. */
export type NoticeSink = { notify(notices: ReleaseNotice[]): void };

/**
 * Drifted and Missing are told only when the stored state is still that
 * after this long: right after a commit git is ahead of a cluster until
 * Flux applies it, which is no news. Failed is told at once.
 */
export const DEFAULT_SETTLE_MS = 2 * 60_000;

/** Drifted and Missing notices waiting to settle, at most. */
const MAX_WAITING = 500;

export type NotifyingOptions = {
  settleMs?: number;
  logger?: LoggerService;
};

/**
 * Events of the actions and of image automation, told once they are
 * stored. (Sync and reconcile write their events in their own
 * transactions, not here.)
 */
function notifyingEventStore(inner: EventStore, sink: NoticeSink): EventStore {
  const addEvents: EventStore['addEvents'] = async events => {
    await inner.addEvents(events);
    try {
      sink.notify(events.flatMap(event => noticeOfEvent(event) ?? []));
    } catch {
      // Telling the owners never fails the write.
    }
  };
  return overriding(inner, { addEvents });
}

/**
 * Statuses a reconcile writes, compared with the stored ones before the
 * write: a release is told about when its stored state becomes Failed,
 * Drifted or Missing (the latter two once they last `settleMs`), so a state
 * that stays, or a backend that restarts on a release already failed, tells
 * nobody again. Only the statuses that turn alarming are read before.
 */
function notifyingClusterStateStore(
  inner: ClusterStateStore,
  sink: NoticeSink,
  options: NotifyingOptions,
): ClusterStateStore {
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const waiting = new Set<string>();
  /** Tells `notice` if the stored state is still `state` after `settleMs`. */
  const tellIfItLasts = (notice: ReleaseNotice, state: GitopsReleaseState) => {
    const id = `${stringifyGitopsReleaseKey(notice.release)}:${state}`;
    if (waiting.has(id)) return;
    if (waiting.size >= MAX_WAITING) {
      // A fleet drifting at once is one outage, not thousands of messages.
      options.logger?.warn('Dropped a gitops notification: too many waiting', {
        scope: notice.scope,
      });
      return;
    }
    waiting.add(id);
    const timer = setTimeout(() => {
      inner
        .getReleaseStatuses([notice.release])
        .then(([now]) => {
          if (now?.state === state) sink.notify([notice]);
        })
        .catch(error =>
          options.logger?.warn('Could not check a release state to notify', {
            scope: notice.scope,
            error: errorMessage(error),
          }),
        )
        .finally(() => waiting.delete(id));
    }, settleMs);
    timer.unref?.();
  };

  const applyReconcile: ClusterStateStore['applyReconcile'] = async record => {
    const alarming = record.statuses.filter(s => isAlarmingState(s.state));
    if (alarming.length === 0) {
      await inner.applyReconcile(record);
      return;
    }
    const before = new Map(
      (
        await inner.getReleaseStatuses(
          alarming.map(({ environment, namespace, name }) => ({
            environment,
            namespace,
            name,
          })),
        )
      ).map(s => [stringifyGitopsReleaseKey(s), s.state]),
    );
    await inner.applyReconcile(record);
    try {
      const now: ReleaseNotice[] = [];
      for (const after of alarming) {
        const notice = noticeOfTransition(
          before.get(stringifyGitopsReleaseKey(after)),
          after,
        );
        if (!notice) continue;
        if (after.state === 'Failed') now.push(notice);
        else tellIfItLasts(notice, after.state);
      }
      sink.notify(now);
    } catch {
      // Telling the owners never fails the write.
    }
  };
  return overriding(inner, { applyReconcile });
}

/**
 * The stores, with the writes that concern a release's owners told to
 * `sink` after they are stored: promotions, locks and unlocks (with who did
 * them), image automation's commits, and releases turning Failed, Drifted
 * or Missing. Reads are the stores' own.
 */
export function notifyingStores(
  stores: GitopsStores,
  sink: NoticeSink,
  options: NotifyingOptions = {},
): GitopsStores {
  return {
    ...stores,
    eventStore: notifyingEventStore(stores.eventStore, sink),
    clusterStateStore: notifyingClusterStateStore(
      stores.clusterStateStore,
      sink,
      options,
    ),
  };
}
