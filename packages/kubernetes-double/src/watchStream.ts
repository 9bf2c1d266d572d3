import http from 'node:http';
import { ApiError, badRequest } from './apiStatus';
import { parseFieldSelector } from './fieldSelector';
import { JsonObject } from './jsonValue';
import { KubeObject, nameOf, namespaceOf, stringMapOf } from './kubeObject';
import { parseLabelSelector } from './labelSelector';
import { ChangeEvent, ObjectStore } from './objectStore';
import { ResourceTarget } from './requestPath';
import { storageKeyOf } from './resourceTypes';
import { serve } from './servedObject';

/**
 * `?watch=true` streams: one JSON event per line (ADDED, MODIFIED, DELETED,
 * or ERROR with a Status). Without a resourceVersion the stream starts with
 * the current objects as ADDED, as the real server does; with one it
 * replays what changed since, or answers 410 Expired when that is no longer
 * known. `timeoutSeconds` ends the stream.
 */
export class WatchStreams {
  private readonly streams = new Set<() => void>();

  constructor(private readonly store: ObjectStore) {}

  open(
    target: ResourceTarget,
    query: URLSearchParams,
    response: http.ServerResponse,
  ): void {
    const { type, version } = target;
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'), type);
    const selects = (object: KubeObject) =>
      (!target.namespace || namespaceOf(object) === target.namespace) &&
      (target.name === undefined || nameOf(object) === target.name) &&
      labels(stringMapOf(object, 'labels')) &&
      fields(object);
    const from = query.get('resourceVersion');
    const start =
      from === null || from === '' || from === '0' ? undefined : Number(from);
    if (start !== undefined && !Number.isInteger(start))
      throw badRequest(`invalid resource version: ${from}`);

    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
    });
    // Clients wait for the headers before reading events; send them even when no event is due yet.
    response.flushHeaders();
    const send = (eventType: string, object: JsonObject) => {
      response.write(`${JSON.stringify({ type: eventType, object })}\n`);
    };
    const deliver = (event: ChangeEvent) => {
      if (
        storageKeyOf(event.resource) !== storageKeyOf(type) ||
        !selects(event.object)
      )
        return;
      send(event.type, serve(type, version, event.object));
    };

    if (start === undefined) {
      for (const object of this.store.readAll(type, target.namespace)) {
        if (selects(object)) send('ADDED', serve(type, version, object));
      }
    } else {
      const missed = this.store.changesSince(start);
      if (!missed) {
        send(
          'ERROR',
          new ApiError(
            410,
            `too old resource version: ${start} (${this.store.currentResourceVersion()})`,
          ).toStatus(),
        );
        response.end();
        return;
      }
      missed.forEach(deliver);
    }

    const unsubscribe = this.store.onChange(deliver);
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '0');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const close = () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
      this.streams.delete(close);
      if (!response.writableEnded) response.end();
    };
    if (timeoutSeconds > 0) timer = setTimeout(close, timeoutSeconds * 1000);
    this.streams.add(close);
    response.on('close', close);
  }

  closeAll(): void {
    for (const close of [...this.streams]) close();
  }
}
