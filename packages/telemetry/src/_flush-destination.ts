/** What a destination passed to the logger may offer: a sonic-boom `flush(cb)`, or a Node writable's `write`. */
interface DestinationLike {
  flush?: (callback: (error?: Error | null) => void) => void;
  write: (chunk: string, callback?: (error?: Error | null) => void) => unknown;
  writableLength?: number;
}

/**
 * Calls `done` once what was written to a caller's `destination` has left it, through its public API only:
 * sonic-boom's `flush(cb)` (from 5.0, it answers once the writes in flight are done too; 4.x, pino's bundled one,
 * answers at once when `minLength` is 0), or, for a Node writable, the callback of an empty write, which runs after
 * every earlier chunk was handled. Anything else has nothing to wait for.
 */
export function flushDestination(destination: object, done: (error?: Error | null) => void): void {
  const sink = destination as DestinationLike;
  try {
    if (typeof sink.flush === 'function') sink.flush((error) => done(error));
    else if (typeof sink.writableLength === 'number') sink.write('', (error) => done(error));
    else done();
  } catch (error) {
    done(error as Error);
  }
}
