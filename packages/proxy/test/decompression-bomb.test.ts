import { monitorEventLoopDelay } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  messageBody,
  messageReply,
  type StartedProxy,
  startProxy,
  startRawUpstream,
  target,
} from './harness.js';

// A gzip body may hold many members, each decoded in turn: 60 copies of one member of 16 MiB of `a` are 960 MiB
// decoded from under 1 MiB sent, small enough to be held as an error body (1 MiB) and built in a few ms.
const memberBytes = 16 * 1024 * 1024;
const members = 60;
const inflatedBytes = members * memberBytes;
const filler = gzipSync(Buffer.alloc(memberBytes, 'a'), { level: 9 });

/** `prefix`, then 960 MiB of `a`, then `suffix`, gzip-compressed to under 1 MiB. */
function gzipBomb(prefix: string, suffix: string): Buffer {
  return Buffer.concat([gzipSync(prefix), ...Array<Buffer>(members).fill(filler), gzipSync(suffix)]);
}

const errorBomb = gzipBomb('{"type":"error","error":{"type":"api_error","message":"', '"}}');
const replyBomb = gzipBomb(
  '{"id":"msg_bomb","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[{"type":"text","text":"',
  '"}],"stop_reason":"end_turn","usage":{"input_tokens":11,"output_tokens":22}}',
);
const honestReply = gzipSync(
  messageReply({ id: 'msg_honest', usage: { input_tokens: 3, output_tokens: 4 } }),
);

/** POSTs a message and reads the answer as bytes, undecoded: the test client must not inflate the bomb itself. */
async function postRaw(url: string): Promise<{ status: number; encoding: unknown; bytes: number }> {
  const response = await request(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
    body: messageBody(),
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, encoding: response.headers['content-encoding'], bytes: body.length };
}

describe('a compressed upstream answer that inflates to ~1 GB', () => {
  let healthy: MockUpstream;
  let bomber: Awaited<ReturnType<typeof startRawUpstream>>;
  let proxy: StartedProxy | undefined;
  /** What the next request to the bomber gets. */
  let next: 'error' | 'reply' | 'honest' = 'error';
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let maxRssBeforeInKiB = 0;

  beforeAll(async () => {
    healthy = await createMockUpstream({ name: 'healthy', apiKey: 'key-healthy' });
    bomber = await startRawUpstream((incoming, outgoing) => {
      incoming.resume();
      const status = next === 'error' ? 503 : 200;
      const body = next === 'error' ? errorBomb : next === 'reply' ? replyBomb : honestReply;
      outgoing.writeHead(status, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': body.length,
      });
      outgoing.end(body);
    });
    // The high-water mark of this process before ccb sees any bomb; it only ever grows.
    maxRssBeforeInKiB = process.resourceUsage().maxRSS;
    delay.enable();
  });
  afterAll(async () => {
    delay.disable();
    await proxy?.close();
    await healthy.close();
    await bomber.close();
  });

  it('is built as intended: held whole as an error body (under 1 MiB) and ~1 GB once inflated', () => {
    expect(errorBomb.length).toBeLessThan(1024 * 1024);
    expect(replyBomb.length).toBeLessThan(1024 * 1024);
    expect(inflatedBytes).toBeGreaterThan(900 * 1024 * 1024);
  });

  it('as a 5xx error body: fails over at once to the next provider', async () => {
    next = 'error';
    proxy = await startProxy([target('bomber', bomber.url), target('healthy', healthy.url)]);
    const recorded = proxy.nextRecord();
    const answer = await postRaw(proxy.url);
    expect(answer.status).toBe(200);
    const record = await recorded;
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.result, attempt.status])).toEqual([
      ['bomber', 'failure', 503],
      ['healthy', 'success', 200],
    ]);
    await proxy.close();
    proxy = undefined;
  });

  it('as the last 5xx error body: relayed to the client as sent, never inflated by ccb', async () => {
    next = 'error';
    proxy = await startProxy([target('bomber', bomber.url)]);
    const answer = await postRaw(proxy.url);
    expect(answer).toEqual({ status: 503, encoding: 'gzip', bytes: errorBomb.length });
    await proxy.close();
    proxy = undefined;
  });

  it('as a 200 JSON reply: relayed as sent with its usage unknown, and the next request is served', async () => {
    proxy = await startProxy([target('bomber', bomber.url)]);
    next = 'reply';
    let recorded = proxy.nextRecord();
    expect(await postRaw(proxy.url)).toEqual({ status: 200, encoding: 'gzip', bytes: replyBomb.length });
    const bombed = await recorded;
    expect(bombed.attempts.map((attempt) => attempt.result)).toEqual(['success']);
    expect(bombed.usage).toBeUndefined();

    next = 'honest';
    recorded = proxy.nextRecord();
    expect(await postRaw(proxy.url)).toEqual({ status: 200, encoding: 'gzip', bytes: honestReply.length });
    expect((await recorded).usage).toMatchObject({ inputTokens: 3, outputTokens: 4 });
  });

  it('left ccb without a stall and without inflating the bombs in memory', () => {
    // Inflating one bomb whole takes seconds of the event loop and ~1 GB; a bounded decode, milliseconds and MiB.
    const growthInMiB = (process.resourceUsage().maxRSS - maxRssBeforeInKiB) / 1024;
    expect(growthInMiB).toBeLessThan(256);
    expect(delay.max / 1e6).toBeLessThan(1_000);
  });
});
