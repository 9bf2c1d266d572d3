import {
  GITOPS_NOTIFICATION_TOPICS,
  GitopsNotificationTopic,
  GitopsReleaseKey,
  GitopsReleaseState,
  stringifyGitopsReleaseKey,
} from '@backstage-gitops/plugin-gitops-common';
import { NotificationSeverity } from '@backstage/plugin-notifications-common';
import { NewEvent, ReleaseStatusRecord } from '../database';
import { namesAddress } from '../service/ErrorDisclosure';

/** What the owners of a release's entities are told, before it is addressed to an entity. */
export type ReleaseNotice = {
  release: GitopsReleaseKey;
  /** Who did it, when someone did: left out of the recipients. */
  actor?: string;
  title: string;
  description: string;
  severity: NotificationSeverity;
  topic: GitopsNotificationTopic;
  /**
   * Per release and kind of event: the notifications backend replaces a
   * user's notification of the same scope (and marks it unread again)
   * rather than adding one, so a release that fails again shows once.
   */
  scope: string;
};

/** The states a release's owners hear about, and how loudly. */
const ALARMING_STATES: Partial<
  Record<GitopsReleaseState, { severity: NotificationSeverity; says: string }>
> = {
  Failed: { severity: 'high', says: 'failed' },
  Drifted: { severity: 'normal', says: 'drifted from git' },
  Missing: { severity: 'normal', says: 'is missing from its cluster' },
};

export function isAlarmingState(state: GitopsReleaseState): boolean {
  return ALARMING_STATES[state] !== undefined;
}

const shortCommit = (commit?: string) => (commit ? commit.slice(0, 7) : '');

const named = (key: GitopsReleaseKey) =>
  `${key.namespace}/${key.name} in ${key.environment}`;

const scopeOf = (kind: string, key: GitopsReleaseKey) =>
  `gitops:${kind}:${stringifyGitopsReleaseKey(key)}`;

function releaseOf(event: NewEvent): GitopsReleaseKey | undefined {
  if (!event.environment || !event.namespace || !event.name) return undefined;
  return {
    environment: event.environment,
    namespace: event.namespace,
    name: event.name,
  };
}

const text = (value: unknown) =>
  typeof value === 'string' && value ? value : undefined;

const tagOf = (value: unknown) =>
  value && typeof value === 'object'
    ? text((value as Record<string, unknown>).tag)
    : undefined;

const environmentOf = (value: unknown) =>
  value && typeof value === 'object'
    ? text((value as Record<string, unknown>).environment)
    : undefined;

/** `, in commit abc1234.` or `.` */
const inCommit = (commit?: string) =>
  commit ? ` in commit ${shortCommit(commit)}.` : '.';

/**
 * The notice of an event the actions or image automation wrote, or
 * undefined for events nobody is told about (syncs, reconcile requests,
 * an action without a release).
 */
export function noticeOfEvent(event: NewEvent): ReleaseNotice | undefined {
  const release = releaseOf(event);
  if (!release) return undefined;
  const details = event.details ?? {};
  const actor = event.actor;
  const who = actor ?? 'Someone';
  switch (event.type) {
    case 'promoted': {
      const image = text(details.image) ?? 'the image';
      const tag = text(details.tag) ?? tagOf(details.to) ?? 'a new tag';
      const from = environmentOf(details.from);
      return {
        release,
        actor,
        title: `${named(release)} promoted to ${tag}`,
        description: `${who} promoted ${image}:${tag}${
          from ? ` from ${from}` : ''
        } to ${release.environment}${inCommit(event.commit)}`,
        severity: 'normal',
        topic: GITOPS_NOTIFICATION_TOPICS.promotion,
        scope: scopeOf('promotion', release),
      };
    }
    case 'locked':
    case 'unlocked': {
      const locked = event.type === 'locked';
      const why = text(details.message);
      return {
        release,
        actor,
        title: `${named(release)} ${locked ? 'locked' : 'unlocked'}`,
        description: `${who} ${
          locked
            ? 'locked it: image automation leaves it alone'
            : 'unlocked it: image automation moves it again'
        }${inCommit(event.commit)}${locked && why ? ` Reason: ${why}` : ''}`,
        severity: 'normal',
        topic: GITOPS_NOTIFICATION_TOPICS.lock,
        // An unlock supersedes the lock before it.
        scope: scopeOf('lock', release),
      };
    }
    case 'image-updated': {
      const image = text(details.image) ?? 'its image';
      const to = text(details.to) ?? 'a new tag';
      const from = text(details.from);
      return {
        release,
        title: `${named(release)} updated to ${to}`,
        description: `Image automation moved ${image}${
          from ? ` from ${from}` : ''
        } to ${to}${inCommit(event.commit)}`,
        severity: 'low',
        topic: GITOPS_NOTIFICATION_TOPICS.imageUpdate,
        scope: scopeOf('image-update', release),
      };
    }
    default:
      return undefined;
  }
}

/**
 * The notice of a stored state change, or undefined when the owners need
 * not hear of it: a state that is not alarming, one the release was already
 * in, or a first state other than Failed (a release not applied yet is
 * Missing for a moment, which is no news).
 */
export function noticeOfTransition(
  before: GitopsReleaseState | undefined,
  after: ReleaseStatusRecord,
): ReleaseNotice | undefined {
  const alarm = ALARMING_STATES[after.state];
  if (!alarm || before === after.state) return undefined;
  if (before === undefined && after.state !== 'Failed') return undefined;
  const release: GitopsReleaseKey = {
    environment: after.environment,
    namespace: after.namespace,
    name: after.name,
  };
  const was = before ? `Was ${before}. ` : '';
  // Owners without the diagnostics permission read no addresses on the card either.
  const reason =
    after.reason && !namesAddress(after.reason)
      ? after.reason
      : `${after.state}: see the release on the entity page`;
  return {
    release,
    title: `${named(release)} ${alarm.says}`,
    description: `${was}${reason} (cluster ${after.cluster}${
      after.revision !== undefined ? `, Helm revision ${after.revision}` : ''
    }).`,
    severity: alarm.severity,
    topic: GITOPS_NOTIFICATION_TOPICS.releaseState,
    // One per release: the newest alarming state replaces the one before.
    scope: scopeOf('state', release),
  };
}
