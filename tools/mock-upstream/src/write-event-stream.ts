import type { ServerResponse } from 'node:http';

/** How a faulted stream ends early, after `afterEvents` events. */
export type StreamCut =
  /** Close the connection mid-body: the client sees a truncated chunked response. */
  | { readonly kind: 'drop'; readonly afterEvents: number }
  /** Stop writing and keep the connection open until the client leaves or the mock closes. */
  | { readonly kind: 'stall'; readonly afterEvents: number }
  /** Write `frame` (an `event: error`) and end the response normally. */
  | { readonly kind: 'error'; readonly afterEvents: number; readonly frame: string };

/** What {@link writeEventStream} sends. */
export interface EventStreamOptions {
  /** Complete SSE events, in order. */
  readonly frames: readonly (string | Buffer)[];
  /** Pause between events, in ms; 0 writes as fast as the socket accepts. */
  readonly intervalInMs: number;
  readonly cut: StreamCut | undefined;
  /** Called just before the mock closes the connection itself, so the close is not taken for a client abort. */
  readonly onServerClose: () => void;
}

/**
 * Writes SSE events to a response whose headers are already set: one event per `write`, pausing on a
 * full socket until `drain`, one timer per gap when `intervalInMs > 0`. A client disconnect stops it at
 * once: the pending timer is cleared and nothing is written after `close`.
 */
export function writeEventStream(response: ServerResponse, options: EventStreamOptions): void {
  const { frames, intervalInMs, cut } = options;
  const limit = cut === undefined ? frames.length : Math.min(cut.afterEvents, frames.length);
  // An error event is an event too, so the gap before it is kept; the end of a stream has no gap.
  const errorFollows = cut?.kind === 'error' && limit === cut.afterEvents;
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const stop = () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    response.off('drain', resume);
  };
  response.once('close', stop);

  function finish(): void {
    // A cut past the end of the stream never triggers: the stream completes normally.
    if (cut === undefined || limit < cut.afterEvents) {
      response.end();
      return;
    }
    if (cut.kind === 'error') {
      response.end(cut.frame);
      return;
    }
    // With zero events written the headers are still buffered; a stall or drop must show them first.
    if (index === 0) response.flushHeaders();
    if (cut.kind === 'drop') {
      options.onServerClose();
      const socket = response.socket;
      // end() flushes what was written (uncorking if needed) before the FIN; destroy after that, so the
      // client gets exactly `afterEvents` events and then a premature close.
      socket?.end(() => socket.destroy());
    }
  }

  function resume(): void {
    timer = undefined;
    while (!stopped) {
      if (index >= limit) {
        finish();
        return;
      }
      const writable = response.write(frames[index++] as string | Buffer);
      if (index >= limit && !errorFollows) continue;
      if (!writable) {
        response.once('drain', resume);
        return;
      }
      if (intervalInMs > 0) {
        timer = setTimeout(resume, intervalInMs);
        return;
      }
    }
  }

  resume();
}
