import {
  GitopsEvent,
  GitopsRelease,
} from '@backstage-gitops/plugin-gitops-common';

const promotedFrom = (details: Record<string, unknown>) => {
  const from = details.from as { environment?: unknown } | undefined;
  return typeof from?.environment === 'string' ? from.environment : undefined;
};

export function eventsOf(release: GitopsRelease, events: GitopsEvent[]) {
  return events.filter(
    e =>
      e.environment === release.environment &&
      e.namespace === release.namespace &&
      e.name === release.name,
  );
}

/**
 * The person an event names: who asked, where it was asked for from
 * Backstage (the action, or git sync reading the commit's trailer), else
 * the commit's author.
 */
export const personOf = (event: GitopsEvent): string | undefined =>
  event.actor || event.author || undefined;

/**
 * Who made the release's current commit happen: the person its newest
 * event of that commit names.
 */
export function changedByOf(
  release: GitopsRelease,
  events: GitopsEvent[],
): string | undefined {
  const event = events.find(e => e.commit === release.commit && personOf(e));
  return event && personOf(event);
}

/** One event of a release, in words; the release itself goes unsaid. */
export function describeEvent(event: GitopsEvent): string {
  const details = (event.details ?? {}) as Record<string, unknown>;
  const text = (key: string) =>
    typeof details[key] === 'string' || typeof details[key] === 'number'
      ? String(details[key])
      : undefined;
  switch (event.type) {
    case 'release-added':
      return 'added in git';
    case 'release-removed':
      return 'removed from git';
    case 'release-updated':
      return 'changed in git';
    case 'image-updated':
      return `image ${text('image') ?? ''} ${text('from') ?? '?'} -> ${
        text('to') ?? '?'
      }`.replace(/\s+/g, ' ');
    case 'automation-failed':
      return 'image automation failed';
    case 'release-state':
      return `${text('to') ?? 'changed state'}${
        text('cluster') ? ` in cluster ${text('cluster')}` : ''
      }`;
    case 'reconcile-requested':
      return 'reconcile requested';
    case 'promoted':
      return `promoted ${text('image') ?? 'the image'}:${text('tag') ?? '?'}${
        promotedFrom(details) ? ` from ${promotedFrom(details)}` : ''
      }`;
    case 'locked':
      return `locked against image automation${
        text('message') ? `: ${text('message')}` : ''
      }`;
    case 'unlocked':
      return 'unlocked for image automation';
    case 'automation-skipped':
      return 'image automation skipped: its file does not read cleanly';
    case 'object-pruned':
      return `pruned from the cluster${
        event.commit ? ` (removed in ${event.commit.slice(0, 7)})` : ''
      }`;
    default:
      return event.type.replace(/-/g, ' ');
  }
}
