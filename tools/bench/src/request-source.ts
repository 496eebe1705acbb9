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

function sessionRequest(session: number, body: Buffer): BenchRequest {
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

/**
 * Each connection a session of its own that grows by one exchange per request, from the first turn to
 * `limitInBytes`, then starts over (as a new conversation would after a compaction).
 */
export function growingConversations(stream: boolean, limitInBytes: number): PerConnectionSource {
  const connection = (index: number) => {
    const parts: ConversationParts = conversationParts({ session: index, stream });
    const firstExchanges = Math.max(1, exchangesFor(parts, claudeCodeSizes.firstTurnInBytes));
    let exchanges = firstExchanges;
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
  };
  return { kind: 'per-connection', connection, sample: connection(0)() };
}

/** Each connection a session of its own (session id, prefix, tool ids), one body of about `bytes` each. */
export function distinctSessions(bytes: number, stream: boolean): PerConnectionSource {
  const connection = (index: number) => {
    const parts = conversationParts({ session: index, stream });
    const request = sessionRequest(index, conversationBody(parts, exchangesFor(parts, bytes)));
    return () => request;
  };
  return { kind: 'per-connection', connection, sample: connection(0)() };
}

/** The requests of a scenario's kind. */
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
