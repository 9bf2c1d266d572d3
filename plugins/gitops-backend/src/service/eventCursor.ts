import { InputError } from '@backstage/errors';
import { GitopsEvent } from '@backstage-gitops/plugin-gitops-common';
import { EventPosition } from '../database';

/*
 * The `next` of an events page: the time and id of its last event, the
 * list's order, so the next page starts right after it even when events
 * share a time. Written as `<ISO time>~<id>`; opaque to callers.
 */

const CURSOR =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)~(\d{1,15})$/;

export function eventCursor(event: GitopsEvent): string {
  return `${event.at}~${event.id}`;
}

export function parseEventCursor(cursor: string): EventPosition {
  const match = CURSOR.exec(cursor);
  const at = match ? new Date(match[1]) : undefined;
  if (!match || !at || Number.isNaN(at.getTime())) {
    throw new InputError('before is not the next of an events page (time~id)');
  }
  return { at, id: Number(match[2]) };
}
