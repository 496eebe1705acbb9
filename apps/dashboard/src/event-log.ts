import type { AdminEvent } from '@ccb/admin-api';
import { eventTag } from './reason-words.js';

/** An event as the list shows it. */
export interface LogEntry {
  readonly id: number;
  readonly atInMs: number;
  readonly kind: 'failover' | 'circuit' | 'cool-down' | 'bench' | 'priority' | 'reload';
  readonly tag: string;
  readonly provider: string | null;
  readonly requestId: string | null;
  readonly text: string;
}

/** Turns a stream event into a list entry; traffic and hello are not listed. */
export function toLogEntry(event: AdminEvent, id: number): LogEntry | undefined {
  switch (event.type) {
    case 'router': {
      const kind =
        event.kind === 'state-change'
          ? 'circuit'
          : event.kind === 'rate-limited' || event.kind === 'rate-limit-ended'
            ? 'cool-down'
            : event.kind === 'benched' || event.kind === 'unbenched'
              ? 'bench'
              : 'priority';
      return {
        id,
        atInMs: Date.parse(event.at),
        kind,
        tag: eventTag(event),
        provider: event.provider,
        requestId: null,
        text: event.message,
      };
    }
    case 'failover': {
      const path = event.attempts
        .map((attempt) => `${attempt.provider} ${attempt.status ?? attempt.reason ?? attempt.result}`)
        .join(' → ');
      return {
        id,
        atInMs: Date.parse(event.at),
        kind: 'failover',
        tag: event.outcome === 'failed_over' ? 'failover' : 'failed',
        provider: event.provider,
        requestId: event.request_id,
        text:
          event.outcome === 'failed_over'
            ? `served by ${event.provider ?? '?'} after ${path}`
            : `every provider failed (${path}), client got ${event.status}`,
      };
    }
    case 'reload':
      return {
        id,
        atInMs: Date.parse(event.at),
        kind: 'reload',
        tag: `reload ${event.result}`,
        provider: null,
        requestId: null,
        text: `config reload (${event.trigger}): ${
          event.result === 'rejected'
            ? event.errors.join('; ')
            : event.changes.length === 0
              ? 'no change'
              : event.changes.join('; ')
        }`,
      };
    default:
      return undefined;
  }
}

/** The newest `capacity` entries, newest first, and a filter over them. */
export class EventLog {
  readonly #capacity: number;
  #entries: LogEntry[] = [];
  #next = 1;

  constructor(capacity = 500) {
    this.#capacity = capacity;
  }

  add(event: AdminEvent): LogEntry | undefined {
    const entry = toLogEntry(event, this.#next);
    if (entry === undefined) return undefined;
    this.#next += 1;
    this.#entries.unshift(entry);
    if (this.#entries.length > this.#capacity) this.#entries.length = this.#capacity;
    return entry;
  }

  /** Entries of `kind` (or all) whose text, provider or request id holds `text`, case-insensitive. */
  filter(kind: LogEntry['kind'] | 'all', text: string): LogEntry[] {
    const needle = text.trim().toLowerCase();
    return this.#entries.filter(
      (entry) =>
        (kind === 'all' || entry.kind === kind) &&
        (needle === '' ||
          entry.text.toLowerCase().includes(needle) ||
          (entry.provider ?? '').toLowerCase().includes(needle) ||
          (entry.requestId ?? '').toLowerCase().includes(needle)),
    );
  }
}
