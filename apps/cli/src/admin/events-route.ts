import type { AdminEvent } from '@ccb/admin-api';
import type { RouteListener } from '../route-table.js';
import { version } from '../version.js';
import type { EventsHub } from './events-hub.js';

/** Options of {@link eventsRoute}. */
export interface EventsRouteOptions {
  /** A comment line goes out this often, so proxies and browsers keep an idle stream open. Default 15 000 ms. */
  readonly keepAliveInMs?: number;
  readonly now?: () => number;
}

/** One server-sent event: its name is the event's type, its data the event as one line of JSON. */
export function sseMessage(event: AdminEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * `GET /admin/events`: the hub's events as server-sent events, `hello` first, until the client goes away. A client
 * that does not read is dropped once its socket buffer is full, rather than buffering without bound in ccb.
 */
export function eventsRoute(hub: EventsHub, options: EventsRouteOptions = {}): RouteListener {
  const keepAliveInMs = options.keepAliveInMs ?? 15_000;
  const now = options.now ?? Date.now;
  return (request, response) => {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      // A stream's connection is never reused: once it ends (ccb shutting down), the socket goes with it.
      connection: 'close',
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    response.flushHeaders();
    let unsubscribe = () => {};
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), keepAliveInMs);
    keepAlive.unref();
    const end = () => {
      clearInterval(keepAlive);
      unsubscribe();
    };
    response.on('close', end);
    response.write(
      sseMessage({
        type: 'hello',
        at: new Date(now()).toISOString(),
        version,
        interval_ms: hub.intervalInMs,
      }),
    );
    unsubscribe = hub.subscribe(
      (event) => {
        if (response.writableNeedDrain) {
          // Still has the last second's events to take: a stalled reader is cut, it reconnects and starts afresh.
          response.destroy();
          return;
        }
        response.write(sseMessage(event));
      },
      () => response.end(),
    );
    if (response.destroyed) end();
  };
}
