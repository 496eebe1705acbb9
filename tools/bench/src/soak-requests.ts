import { conversationBody, conversationParts, exchangesFor } from './claude-code-body.js';
import type { BenchRequest } from './request-bodies.js';
import { claudeCodeSizes, type PerConnectionSource, sessionRequest } from './request-source.js';

/** Options of {@link rotatingSessions}. */
export interface RotatingSessionsOptions {
  /** Connections of the load: session numbers are spaced by it, so no two connections share a session. */
  readonly connections: number;
  /** A conversation starts over as a new session past this body size, in bytes. Default 1 MiB. */
  readonly limitInBytes?: number;
}

/**
 * The soak's requests: on each connection, Claude Code sessions one after the other, each streaming and growing by
 * one 12 KB exchange per request from a first turn (50 KB) to `limitInBytes`, then a new session (its own id,
 * system prompt line and tool ids, as after `/clear` or a new `claude`). Connections start at different points of
 * the growth, so bodies of every size are in flight at once. Unlike the `cc-growing` scenario's source, which starts
 * the same session over, sessions keep arriving: anything ccb keeps per session (affinity bindings, ledger and
 * metrics labels) sees a steady stream of new ones, as a long-running deployment does.
 */
export function rotatingSessions(options: RotatingSessionsOptions): PerConnectionSource {
  const limitInBytes = options.limitInBytes ?? claudeCodeSizes.growingLimitInBytes;
  const golden = 0.6180339887498949;
  const build = (index: number): (() => BenchRequest) => {
    let generation = 0;
    let session = index;
    let parts = conversationParts({ session, stream: true });
    const firstExchanges = Math.max(1, exchangesFor(parts, claudeCodeSizes.firstTurnInBytes));
    const lastExchanges = Math.max(
      firstExchanges,
      Math.floor((limitInBytes - parts.head.length - parts.tail.length) / parts.exchange(0).length),
    );
    // Spread evenly over the growth by the golden ratio, whatever the count of connections.
    let exchanges =
      firstExchanges + Math.floor(((index * golden) % 1) * (lastExchanges - firstExchanges + 1));
    let messages = conversationBody(parts, exchanges).subarray(0, -parts.tail.length);
    return () => {
      const request = sessionRequest(session, Buffer.concat([messages, parts.tail]));
      const nextExchange = parts.exchange(exchanges);
      if (request.body.length + nextExchange.length > limitInBytes) {
        generation++;
        session = index + generation * options.connections;
        parts = conversationParts({ session, stream: true });
        exchanges = firstExchanges;
        messages = conversationBody(parts, exchanges).subarray(0, -parts.tail.length);
      } else {
        messages = Buffer.concat([messages, nextExchange]);
        exchanges++;
      }
      return request;
    };
  };
  const sequences = new Map<number, () => BenchRequest>();
  return {
    kind: 'per-connection',
    connection(index) {
      let sequence = sequences.get(index);
      if (sequence === undefined) {
        sequence = build(index);
        sequences.set(index, sequence);
      }
      return sequence;
    },
    sample: build(0)(),
  };
}
