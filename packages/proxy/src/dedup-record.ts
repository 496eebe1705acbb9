import type { RequestRecord } from '@ccb/protocol';
import { clientClosedRequest } from './build-request-record.js';
import type { ExchangeInit } from './exchange-context.js';

/** How one deduplicated client's answer went. */
export interface DedupServed {
  readonly dedup: 'joined' | 'cached';
  /** Status it received; 499 when it left before its answer ended. */
  readonly status: number;
  readonly bytesOut: number;
  readonly firstByteAt: number | undefined;
}

/**
 * The record of a request answered by another request's upstream call: its own id, timing, status and bytes, no
 * attempts of its own, and the call's usage, provider and models (what it saved, not what it cost).
 */
export function dedupRecord(
  init: ExchangeInit,
  call: RequestRecord | undefined,
  served: DedupServed,
): RequestRecord {
  const durationInMs = performance.now() - init.arrivedAt;
  const { status } = served;
  return {
    requestId: init.requestId,
    method: init.request.method ?? 'GET',
    path: init.request.url ?? '/',
    api: init.route.api ?? 'messages',
    model: call?.model ?? init.route.model,
    modelSent: call?.modelSent,
    sessionKey: init.route.sessionKey,
    rule: call?.rule,
    affinity: call?.affinity ?? false,
    crossesDomain: undefined,
    stream: init.stream,
    status,
    provider: call?.provider,
    outcome:
      status === clientClosedRequest
        ? 'cancelled'
        : status >= 400 || call?.provider === undefined
          ? 'error'
          : 'ok',
    attempts: [],
    usage: call?.usage,
    clientKeyId: init.clientKeyId,
    upstreamRequestId: call?.upstreamRequestId,
    startedAt: Date.now() - durationInMs,
    durationInMs,
    // Its time is the call's (or the cache's), not ccb's own work: metrics leave it out of the overhead histogram.
    overheadInMs: 0,
    timeToFirstByteInMs: served.firstByteAt === undefined ? undefined : served.firstByteAt - init.arrivedAt,
    bytesIn: init.body?.length ?? 0,
    bytesOut: served.bytesOut,
    bodies: undefined,
    dedup: served.dedup,
  };
}
