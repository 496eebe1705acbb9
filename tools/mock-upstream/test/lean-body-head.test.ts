import { describe, expect, it } from 'vitest';
import { jsonOf, parseSse, postJson, readBody, startMock } from './helpers.js';

/** A body of about `bytes` with `model` and `stream` first, as the bench builds its large bodies. */
function largeBody(bytes: number, stream: boolean): Record<string, unknown> {
  return {
    model: 'claude-sonnet-4-6',
    stream,
    max_tokens: 10,
    messages: [{ role: 'user', content: 'x'.repeat(bytes) }],
  };
}

describe('lean mode with leanBodyHeadInBytes', () => {
  it('answers a 300 KB body as a stream from its head, counting only the head as input', async () => {
    const headOnly = await startMock({ lean: true, leanBodyHeadInBytes: 4096 });
    const whole = await startMock({ lean: true });
    const body = largeBody(300_000, true);
    const { text, error } = await readBody(await postJson(`${headOnly.url}/v1/messages`, body));
    expect(error).toBeUndefined();
    const events = parseSse(text);
    expect(events.at(-1)?.event).toBe('message_stop');
    const inputOf = (sse: string) =>
      (JSON.parse(parseSse(sse)[0]?.data ?? '{}') as { message: { usage: { input_tokens: number } } }).message
        .usage.input_tokens;
    const wholeText = (await readBody(await postJson(`${whole.url}/v1/messages`, body))).text;
    // The head is the first chunk or chunks up to 4 KiB, far less than the 300 KB the whole body counts.
    expect(inputOf(text)).toBeLessThan(inputOf(wholeText) / 4);
  });

  it('answers a non-streaming large body with the JSON reply, and keeps the connection usable', async () => {
    const mock = await startMock({ lean: true, leanBodyHeadInBytes: 4096 });
    for (let round = 0; round < 2; round++) {
      const response = await postJson(`${mock.url}/v1/messages`, largeBody(200_000, false));
      expect(response.status).toBe(200);
      expect((await jsonOf(response)).type).toBe('message');
    }
    expect(mock.requestCount).toBe(2);
  });
});
