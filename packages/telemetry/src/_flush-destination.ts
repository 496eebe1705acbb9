import type { EventEmitter } from 'node:events';

/** What a pino destination may offer: sonic-boom's `flush(cb)` and events, or a Node writable's `drain`. */
interface DestinationLike {
  flush?: (callback?: (error?: Error | null) => void) => void;
  once?: EventEmitter['once'];
  removeListener?: EventEmitter['removeListener'];
  writableNeedDrain?: boolean;
  /** sonic-boom state (not typed by it): opening its file, or a write in flight. */
  _opening?: boolean;
  _writing?: boolean;
}

/**
 * Calls `done` once what was written to `destination` has left it. sonic-boom's own `flush(cb)` only pushes out a
 * `minLength` buffer and answers at once while an asynchronous write is still in flight, so this also waits for
 * its `ready` (file still opening) and `drain` (last write done) events. A Node writable is waited on only when it
 * asked for a `drain`.
 */
export function flushDestination(destination: object, done: (error?: Error | null) => void): void {
  const sink = destination as DestinationLike;
  const whenIdle = () => {
    const event =
      sink._opening === true
        ? 'ready'
        : sink._writing === true || sink.writableNeedDrain
          ? 'drain'
          : undefined;
    if (event === undefined || sink.once === undefined) {
      done();
      return;
    }
    const onEvent = () => {
      sink.removeListener?.('error', onError);
      // sonic-boom emits `ready` just before it starts writing what queued up while opening: look again after.
      if (event === 'ready') setImmediate(whenIdle);
      else done();
    };
    const onError = (error: Error) => {
      sink.removeListener?.(event, onEvent);
      done(error);
    };
    sink.once(event, onEvent);
    sink.once('error', onError);
  };
  if (typeof sink.flush === 'function') {
    // Without a callback: with one, sonic-boom fsyncs the descriptor, which fails (EINVAL) on a pipe or a TTY.
    // The flush starts writing what is buffered; `whenIdle` then waits for that write to finish.
    try {
      (sink.flush as () => void)();
    } catch (error) {
      done(error as Error);
      return;
    }
  }
  whenIdle();
}
