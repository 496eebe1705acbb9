import { afterEach } from 'vitest';
import { createMockUpstream } from '../src/create-mock-upstream.js';
import type { MockUpstream, MockUpstreamOptions } from '../src/mock-upstream.js';

const started: MockUpstream[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((mock) => mock.close()));
});

/** Starts a mock that is closed after the current test. */
export async function startMock(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const mock = await createMockUpstream(options);
  started.push(mock);
  return mock;
}

/** A minimal valid Messages request body. */
export function messagesBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'claude-sonnet-4-6',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'say hi' }],
    ...extra,
  };
}

/** POSTs JSON with fetch (undici), as a proxy would, without the SDK's retries or parsing. */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** One parsed SSE event. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/** Splits an SSE text into events, asserting nothing: tests check the shape. */
export function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.length > 0)
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? '';
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6) ?? '';
      return { event, data };
    });
}

/** Reads a streamed body to its end or failure; returns what arrived and the failure, if any. */
export async function readBody(response: Response): Promise<{ text: string; error: unknown }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, error: undefined };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

/** Reads a streamed body until `count` complete SSE events arrived, then returns them (the stream stays open). */
export async function readEvents(
  response: Response,
  count: number,
): Promise<{ events: SseEvent[]; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (parseSse(text).length < count || !text.endsWith('\n\n')) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return { events: parseSse(text), reader };
}

/** The byte length of the `index`-th recorded request's body; throws when there is no such request. */
export function recordedBodyLength(mock: MockUpstream, index = 0): number {
  const recorded = mock.requests[index];
  if (recorded === undefined) throw new Error(`no recorded request #${index} at ${mock.name}`);
  return recorded.body.length;
}

/** A response's JSON body, loosely typed so assertions can reach into it. */
// biome-ignore lint/suspicious/noExplicitAny: assertions reach into arbitrary response JSON.
export async function jsonOf(response: Response): Promise<any> {
  return response.json();
}
