import type { AdminEvent, FailoverEvent, RouterEventWire } from '@ccb/admin-api';
import type { RequestRecord } from '@ccb/proxy';
import type { RouterEvent } from '@ccb/router';
import { describeRouterEvent } from '../describe-router-event.js';
import type { ReloadReport } from '../reload/reload-report.js';
import { createTrafficAggregate } from './traffic-aggregate.js';

/** Receives each event of the hub, in order. */
export type EventListener = (event: AdminEvent) => void;

/** Options of {@link createEventsHub}. */
export interface EventsHubOptions {
  /** How often a traffic aggregate goes out while someone listens. Default 1000 ms. */
  readonly intervalInMs?: number;
  readonly now?: () => number;
  /** Timers, injectable for tests. Default: the global ones, unref'd so they never hold the process open. */
  readonly setInterval?: (tick: () => void, intervalInMs: number) => { unref?(): void };
  readonly clearInterval?: (timer: unknown) => void;
}

/**
 * What `GET /admin/events` streams: health changes, failovers and reloads as they happen, and one traffic aggregate
 * per interval. With no subscriber every input returns at once: the proxy's hot path pays one comparison.
 */
export interface EventsHub {
  readonly subscribers: number;
  readonly intervalInMs: number;
  /**
   * Adds a listener; the returned function removes it. The aggregate timer runs while there is one. `onClose` is
   * called when the hub closes (ccb shuts down), so that a stream ends instead of holding the shutdown up.
   */
  subscribe(listener: EventListener, onClose?: () => void): () => void;
  /** Ends every subscription (their `onClose`) and stops the timer. */
  close(): void;
  routerEvent(event: RouterEvent): void;
  requestEnded(record: RequestRecord, costUsd: number): void;
  reloaded(report: ReloadReport, trigger: string): void;
}

export function createEventsHub(options: EventsHubOptions = {}): EventsHub {
  const intervalInMs = options.intervalInMs ?? 1000;
  const now = options.now ?? Date.now;
  const startTimer = options.setInterval ?? setInterval;
  const stopTimer = options.clearInterval ?? ((timer: unknown) => clearInterval(timer as NodeJS.Timeout));
  const listeners = new Set<EventListener>();
  const closers = new Map<EventListener, () => void>();
  let aggregate = createTrafficAggregate();
  let timer: { unref?(): void } | undefined;

  function publish(event: AdminEvent): void {
    for (const listener of listeners) {
      // One broken client must not keep the others (or the request that caused the event) from going on.
      try {
        listener(event);
      } catch {}
    }
  }

  return {
    get subscribers() {
      return listeners.size;
    },
    intervalInMs,
    subscribe(listener, onClose) {
      listeners.add(listener);
      if (onClose !== undefined) closers.set(listener, onClose);
      if (timer === undefined) {
        aggregate = createTrafficAggregate();
        timer = startTimer(() => publish(aggregate.flush(now(), intervalInMs)), intervalInMs);
        timer.unref?.();
      }
      return () => {
        listeners.delete(listener);
        closers.delete(listener);
        if (listeners.size === 0 && timer !== undefined) {
          stopTimer(timer);
          timer = undefined;
        }
      };
    },
    close() {
      const ending = [...closers.values()];
      listeners.clear();
      closers.clear();
      if (timer !== undefined) stopTimer(timer);
      timer = undefined;
      for (const end of ending) end();
    },
    routerEvent(event) {
      if (listeners.size === 0) return;
      publish(toRouterWire(event));
    },
    requestEnded(record, costUsd) {
      if (listeners.size === 0) return;
      aggregate.add(record, costUsd);
      if (record.outcome === 'failed_over' || (record.outcome === 'error' && record.attempts.length > 0)) {
        publish(toFailoverWire(record, now()));
      }
    },
    reloaded(report, trigger) {
      if (listeners.size === 0) return;
      publish({
        type: 'reload',
        at: new Date(now()).toISOString(),
        trigger,
        result: report.result,
        changes: [...report.changes],
        errors: [...report.errors],
      });
    },
  };
}

/** ms epoch to ISO; `null` for none, and for a bench without a deadline (a ban: `Infinity`), which has no date. */
const iso = (atInMs: number | null | undefined) =>
  atInMs === null || atInMs === undefined || !Number.isFinite(atInMs) ? null : new Date(atInMs).toISOString();

/** A router event on the wire, with the words ccb logs it with. */
export function toRouterWire(event: RouterEvent): RouterEventWire {
  const common = {
    type: 'router' as const,
    kind: event.type,
    provider: event.provider,
    at: new Date(event.at).toISOString(),
    message: describeRouterEvent(event).message,
  };
  switch (event.type) {
    case 'state-change':
      return {
        ...common,
        from: event.from,
        to: event.to,
        reason: event.reason,
        status: event.status,
        until: iso(event.until),
      };
    case 'rate-limited':
      return {
        ...common,
        from: null,
        to: null,
        reason: event.rateLimitClass,
        status: event.status,
        until: iso(event.until),
      };
    case 'rate-limit-ended':
      return { ...common, from: null, to: null, reason: event.reason, status: null, until: null };
    case 'deprioritized':
    case 'benched':
      return { ...common, from: null, to: null, reason: event.reason, status: null, until: iso(event.until) };
    case 'reprioritized':
      return { ...common, from: null, to: null, reason: null, status: null, until: null };
    case 'unbenched':
      return { ...common, from: null, to: null, reason: event.benchReason, status: null, until: null };
  }
}

function toFailoverWire(record: RequestRecord, nowInMs: number): FailoverEvent {
  return {
    type: 'failover',
    at: new Date(nowInMs).toISOString(),
    request_id: record.requestId,
    outcome: record.outcome === 'failed_over' ? 'failed_over' : 'error',
    provider: record.provider ?? null,
    status: record.status,
    attempts: record.attempts.map((attempt) => ({
      provider: attempt.provider,
      result: attempt.result,
      status: attempt.status ?? null,
      reason: attempt.reason ?? null,
    })),
  };
}
