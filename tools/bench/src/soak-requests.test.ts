import { describe, expect, it } from 'vitest';
import type { BenchRequest } from './request-bodies.js';
import { claudeCodeSizes } from './request-source.js';
import { rotatingSessions } from './soak-requests.js';

const session = (request: BenchRequest) => request.headers['x-claude-code-session-id'];
const messagesOf = (request: BenchRequest) =>
  (JSON.parse(request.body.toString('utf8')) as { messages: unknown[]; stream: boolean }).messages.length;

describe('rotatingSessions', () => {
  it('grows each session by one exchange per request, then starts a new session past the limit', () => {
    const limitInBytes = claudeCodeSizes.firstTurnInBytes + 40 * 1024;
    const next = rotatingSessions({ connections: 4, limitInBytes }).connection(1);
    const requests = Array.from({ length: 12 }, () => next());
    const sessions = [...new Set(requests.map(session))];
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    for (const request of requests) {
      expect(request.body.length).toBeLessThanOrEqual(limitInBytes);
      expect(JSON.parse(request.body.toString('utf8')).stream).toBe(true);
    }
    // Within a session each request carries one exchange (two messages) more than the one before.
    for (let index = 1; index < requests.length; index++) {
      const previous = requests[index - 1] as BenchRequest;
      const current = requests[index] as BenchRequest;
      if (session(previous) === session(current)) expect(messagesOf(current)).toBe(messagesOf(previous) + 2);
      else expect(current.body.length).toBeLessThan(previous.body.length);
    }
  });

  it('gives every connection sessions of its own, new ones included', () => {
    const limitInBytes = claudeCodeSizes.firstTurnInBytes + 30 * 1024;
    const source = rotatingSessions({ connections: 3, limitInBytes });
    const seen = Array.from({ length: 3 }, (_, index) => {
      const next = source.connection(index);
      return new Set(Array.from({ length: 10 }, () => session(next())));
    });
    const all = seen.flatMap((sessions) => [...sessions]);
    expect(new Set(all).size).toBe(all.length);
    // A connection's sequence continues where it stopped.
    expect(source.connection(0)).toBe(source.connection(0));
  });
});
