import type { AttemptRecord, RequestRecord, Usage } from '@ccb/protocol';
import type { ExchangeInit } from './exchange-context.js';

/** The status ccb records for a request its client left before the answer ended (nginx's 499: never sent). */
export const clientClosedRequest = 499;

/** How a request ended, for its record. */
export interface RequestEnd {
  readonly status: number;
  readonly provider?: string | undefined;
  readonly usage?: Usage | undefined;
  readonly upstreamRequestId?: string | undefined;
  readonly bytesOut?: number | undefined;
  readonly responseBody?: Buffer | undefined;
}

/** What the exchange learnt along the way, beyond its start and its end. */
export interface ExchangeFacts {
  readonly attempts: readonly AttemptRecord[];
  readonly modelSent: string | undefined;
  readonly rule: string | undefined;
  readonly affinity: boolean;
  /** The plan's first choice was of another signature domain than the session's binding. */
  readonly crossesDomain: boolean;
  /** `performance.now()` of the first response byte, if one was sent. */
  readonly firstByteAt: number | undefined;
  /** Keep up to this many bytes of the bodies (0: none). */
  readonly captureBodiesInBytes: number;
}

/** The record of one finished request: one object literal, so every record has the same shape. */
export function buildRequestRecord(init: ExchangeInit, facts: ExchangeFacts, end: RequestEnd): RequestRecord {
  const { status, provider, bytesOut = 0 } = end;
  const { attempts, captureBodiesInBytes, firstByteAt } = facts;
  const now = performance.now();
  const served = provider !== undefined && status < 400;
  const durationInMs = now - init.arrivedAt;
  let upstreamInMs = 0;
  for (const attempt of attempts) upstreamInMs += attempt.durationInMs;
  return {
    requestId: init.requestId,
    method: init.request.method ?? 'GET',
    path: init.request.url ?? '/',
    api: init.route.api ?? 'messages',
    model: init.route.model,
    modelSent: facts.modelSent,
    sessionKey: init.route.sessionKey,
    rule: facts.rule,
    affinity: facts.affinity,
    crossesDomain: facts.crossesDomain ? true : undefined,
    stream: init.stream,
    status,
    provider,
    outcome:
      status === clientClosedRequest
        ? 'cancelled'
        : !served
          ? 'error'
          : attempts.length > 1
            ? 'failed_over'
            : 'ok',
    attempts,
    usage: end.usage,
    clientKeyId: init.clientKeyId,
    upstreamRequestId: end.upstreamRequestId,
    startedAt: Date.now() - durationInMs,
    durationInMs,
    overheadInMs: Math.max(0, durationInMs - upstreamInMs),
    timeToFirstByteInMs: firstByteAt === undefined ? undefined : firstByteAt - init.arrivedAt,
    bytesIn: init.body?.length ?? 0,
    bytesOut,
    bodies:
      captureBodiesInBytes > 0
        ? {
            request: init.body?.prefix(captureBodiesInBytes).toString('utf8') ?? '',
            response: end.responseBody?.toString('utf8', 0, captureBodiesInBytes) ?? '',
          }
        : undefined,
    dedup: undefined,
  };
}
