import type { RedisConnection } from './redis-connection.js';

/** Per connection and channel, the listeners of every token store on it. */
const hubs = new WeakMap<RedisConnection, Map<string, Set<(message: string) => void>>>();

/**
 * Listens to `channel` next to other token stores of the same account: a connection keeps one listener per channel,
 * and during a reload an account's old and new credential sources (each with its store) briefly coexist.
 * Returns a function that stops listening.
 */
export function listenToChannel(
  connection: RedisConnection,
  channel: string,
  listener: (message: string) => void,
): () => void {
  let channels = hubs.get(connection);
  if (channels === undefined) {
    channels = new Map();
    hubs.set(connection, channels);
  }
  let listeners = channels.get(channel);
  if (listeners === undefined) {
    const created = new Set<(message: string) => void>();
    listeners = created;
    channels.set(channel, created);
    connection.subscribe(channel, (message) => {
      for (const each of [...created]) each(message);
    });
  }
  listeners.add(listener);
  const registered = listeners;
  return () => {
    registered.delete(listener);
  };
}
