import { describe, expect, it } from 'vitest';
import { benchModel } from './claude-code-body.js';
import type { BenchRequest } from './request-bodies.js';
import {
  claudeCodeSizes,
  createRequestSource,
  distinctSessions,
  growingConversations,
} from './request-source.js';

interface Body {
  model: string;
  stream: boolean;
  metadata: { user_id: string };
  system: { text: string }[];
  tools: unknown[];
  messages: { role: string; content: { type: string; tool_use_id?: string }[] }[];
}
const parse = (request: BenchRequest) => JSON.parse(request.body.toString('utf8')) as Body;

function sequence(kind: 'cc-growing' | 'cc-sessions', connection: number): () => BenchRequest {
  const source = createRequestSource(kind);
  if (source.kind !== 'per-connection') throw new Error(`${kind} should vary per connection`);
  return source.connection(connection);
}

describe('Claude Code request sources', () => {
  it('builds 50 KB and 200 KB bodies that are valid Messages requests ending on a tool result', () => {
    for (const [kind, bytes] of [
      ['cc-50k', claudeCodeSizes.firstTurnInBytes],
      ['cc-200k', claudeCodeSizes.midSessionInBytes],
    ] as const) {
      const source = createRequestSource(kind);
      if (source.kind !== 'fixed') throw new Error('fixed sizes are one request');
      const { body } = source.request;
      expect(body.length).toBeGreaterThanOrEqual(bytes);
      expect(body.length).toBeLessThan(bytes + 16 * 1024);
      const json = parse(source.request);
      expect(json.model).toBe(benchModel);
      expect(json.stream).toBe(false);
      expect(json.tools.length).toBeGreaterThan(10);
      expect(json.messages.at(-1)?.role).toBe('user');
      expect(json.messages.at(-1)?.content[0]?.type).toBe('tool_result');
    }
  });

  it('puts model and stream in the first 4 KiB, which is all the bulk mock reads', () => {
    const source = createRequestSource('cc-stream-200k');
    if (source.kind !== 'fixed') throw new Error('fixed sizes are one request');
    const head = source.request.body.subarray(0, 4096).toString('utf8');
    expect(head).toContain(`"model":"${benchModel}"`);
    expect(head).toContain('"stream":true');
  });

  it('grows each conversation by one exchange per request, up to 1 MiB, then starts it over', () => {
    const next = growingConversations(true, claudeCodeSizes.growingLimitInBytes).connection(0);
    const sizes: number[] = [];
    const turns: number[] = [];
    for (let request = 0; request < 120; request++) {
      const sent = next();
      sizes.push(sent.body.length);
      if (request % 10 === 0) turns.push(parse(sent).messages.length);
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(claudeCodeSizes.growingLimitInBytes);
    expect(Math.max(...sizes)).toBeGreaterThan(claudeCodeSizes.growingLimitInBytes * 0.95);
    const restart = sizes.findIndex((size, index) => index > 0 && size < (sizes[index - 1] as number));
    expect(restart).toBeGreaterThan(50);
    expect(sizes[restart]).toBe(sizes[0]);
    // Each request is the previous body plus one exchange: two more messages.
    expect(parse(next()).messages.length % 2).toBe(1);
    expect(turns[1]).toBe((turns[0] as number) + 20);
    for (let index = 1; index < restart; index++) {
      expect((sizes[index] as number) - (sizes[index - 1] as number)).toBeGreaterThan(11 * 1024);
    }
  });

  it('starts connections at sizes spread over the growth, and continues a connection where it left off', () => {
    const source = growingConversations(true, claudeCodeSizes.growingLimitInBytes);
    const firstSizes = Array.from({ length: 20 }, (_, index) => source.connection(index)().body.length);
    const sorted = [...firstSizes].sort((a, b) => a - b);
    expect(sorted[0]).toBeLessThan(100 * 1024);
    expect(sorted.at(-1)).toBeGreaterThan(900 * 1024);
    // Asked again (the next round), connection 3 goes on growing from its last body.
    const next = source.connection(3)().body.length;
    expect(next === firstSizes[0] || next > (firstSizes[3] as number)).toBe(true);
    expect(source.connection(3)).toBe(source.connection(3));
  });

  it('gives each connection its own session id, metadata session and conversation prefix', () => {
    const first = sequence('cc-sessions', 0)();
    const second = sequence('cc-sessions', 1)();
    expect(first.headers['x-claude-code-session-id']).not.toBe(second.headers['x-claude-code-session-id']);
    const [a, b] = [parse(first), parse(second)];
    expect(JSON.parse(a.metadata.user_id).session_id).toBe(first.headers['x-claude-code-session-id']);
    expect(a.system[0]?.text).not.toBe(b.system[0]?.text);
    expect(a.messages.at(-1)?.content[0]?.tool_use_id).not.toBe(b.messages.at(-1)?.content[0]?.tool_use_id);
    // A session sends the same body each time.
    const again = distinctSessions(claudeCodeSizes.firstTurnInBytes, true).connection(0);
    expect(again().body.equals(again().body)).toBe(true);
  });

  it('keeps the classic kinds one fixed request', () => {
    expect(createRequestSource('small').kind).toBe('fixed');
    expect(createRequestSource('large').kind).toBe('fixed');
  });
});
