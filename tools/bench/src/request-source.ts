import {
  type ConversationParts,
  conversationBody,
  conversationParts,
  exchangesFor,
  sessionId,
} from './claude-code-body.js';
import {
  type BenchRequest,
  claudeCodeHeaders,
  createBenchRequest,
  type FixedRequestKind,
  messagesPath,
} from './request-bodies.js';
import type { RequestKind } from './scenarios.js';

/**
 * Where a load generator's requests come from: one request for every connection (`fixed`: autocannon can send it),
 * or a sequence per connection (`per-connection`: the bench's own undici client asks each connection's sequence for
 * its next request, so bodies can grow and sessions can differ).
 */
export type RequestSource =
  | { readonly kind: 'fixed'; readonly request: BenchRequest }
  | {
      readonly kind: 'per-connection';
      /** The request sequence of connection `index`: each call gives its next request. */
      connection(index: number): () => BenchRequest;
      /** A representative request (the first of connection 0), for a warm-up or a label. */
      readonly sample: BenchRequest;
    };

/** A source with a sequence per connection. */
export type PerConnectionSource = Extract<RequestSource, { kind: 'per-connection' }>;

/** Sizes of the Claude Code scenarios' bodies, in bytes. */
export const claudeCodeSizes = {
  /** A first turn: the system prompt, the tools and a few exchanges. */
  firstTurnInBytes: 50 * 1024,
  /** A turn well into a session. */
  midSessionInBytes: 200 * 1024,
  /** The growing conversation starts over past this (the "up to 1 MB"). */
  growingLimitInBytes: 1024 * 1024,
} as const;

/** A Messages request of session `session` with Claude Code's headers and its session id. */
export function sessionRequest(session: number, body: Buffer): BenchRequest {
  return {
    method: 'POST',
    path: messagesPath,
    headers: { ...claudeCodeHeaders, 'x-claude-code-session-id': sessionId(session) },
    body,
  };
}

/** Session 0's body of at least `bytes`: the same for every connection. */
function fixedConversation(bytes: number, stream: boolean): RequestSource {
  const parts = conversationParts({ session: 0, stream });
  return { kind: 'fixed', request: sessionRequest(0, conversationBody(parts, exchangesFor(parts, bytes))) };
}

/** Spreads connection `index` over [0, 1) by the golden ratio: evenly, whatever the count of connections. */
function spread(index: number): number {
  const golden = 0.6180339887498949;
  return (index * golden) % 1;
}

/** A source whose sequence for a connection index is built once and then continues, round after round. */
function memoized(build: (index: number) => () => BenchRequest): PerConnectionSource {
  const sequences = new Map<number, () => BenchRequest>();
  const connection = (index: number) => {
    let sequence = sequences.get(index);
    if (sequence === undefined) {
      sequence = build(index);
      sequences.set(index, sequence);
    }
    return sequence;
  };
  return { kind: 'per-connection', connection, sample: build(0)() };
}

/**
 * Each connection a session of its own that grows by one exchange per request, from the first turn to
 * `limitInBytes`, then starts over (as a new conversation would after a compaction). Connections start at different
 * points of that growth (spread evenly), so that from the first window on, the bodies in flight range over every
 * size, as many sessions at different ages would: a run is too short for one conversation to grow from 50 KB to
 * 1 MiB behind a paced stream. A connection's sequence continues across rounds (see {@link memoized}): use one source
 * per target, so every target sees the same sizes.
 */
export function growingConversations(stream: boolean, limitInBytes: number): PerConnectionSource {
  return memoized((index) => {
    const parts: ConversationParts = conversationParts({ session: index, stream });
    const firstExchanges = Math.max(1, exchangesFor(parts, claudeCodeSizes.firstTurnInBytes));
    const lastExchanges = Math.max(
      firstExchanges,
      Math.floor((limitInBytes - parts.head.length - parts.tail.length) / parts.exchange(0).length),
    );
    let exchanges = firstExchanges + Math.floor(spread(index) * (lastExchanges - firstExchanges + 1));
    // The body without its tail, grown in place of rebuilding every exchange per request.
    let messages = conversationBody(parts, exchanges).subarray(0, -parts.tail.length);
    return () => {
      const body = Buffer.concat([messages, parts.tail]);
      const nextExchange = parts.exchange(exchanges);
      if (body.length + nextExchange.length > limitInBytes) {
        exchanges = firstExchanges;
        messages = conversationBody(parts, exchanges).subarray(0, -parts.tail.length);
      } else {
        messages = Buffer.concat([messages, nextExchange]);
        exchanges++;
      }
      return sessionRequest(index, body);
    };
  });
}

/** Each connection a session of its own (session id, prefix, tool ids), one body of about `bytes` each. */
export function distinctSessions(bytes: number, stream: boolean): PerConnectionSource {
  return memoized((index) => {
    const parts = conversationParts({ session: index, stream });
    const request = sessionRequest(index, conversationBody(parts, exchangesFor(parts, bytes)));
    return () => request;
  });
}

/** The requests of a scenario's kind. Sequences continue across calls of `connection`: one source per target. */
export function createRequestSource(kind: RequestKind): RequestSource {
  switch (kind) {
    case 'cc-50k':
      return fixedConversation(claudeCodeSizes.firstTurnInBytes, false);
    case 'cc-200k':
      return fixedConversation(claudeCodeSizes.midSessionInBytes, false);
    case 'cc-stream-50k':
      return fixedConversation(claudeCodeSizes.firstTurnInBytes, true);
    case 'cc-stream-200k':
      return fixedConversation(claudeCodeSizes.midSessionInBytes, true);
    case 'cc-growing':
      return growingConversations(true, claudeCodeSizes.growingLimitInBytes);
    case 'cc-sessions':
      return distinctSessions(claudeCodeSizes.firstTurnInBytes, true);
    default:
      return { kind: 'fixed', request: createBenchRequest(kind satisfies FixedRequestKind) };
  }
}
