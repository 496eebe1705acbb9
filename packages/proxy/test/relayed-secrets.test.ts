import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import Anthropic from '@anthropic-ai/sdk';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fixedPlanner,
  messageBody,
  post,
  type StartedProxy,
  startProxy,
  startRawUpstream,
  target,
} from './harness.js';

const key = 'sk-echoed-provider-key-0123456789';
const otherSecret = 'admin-secret-of-this-ccb';

/** What a provider that echoes the credential it got sends back: a message naming it, and a debug header. */
function echoBody(incoming: IncomingMessage, type: string): string {
  return JSON.stringify({
    type: 'error',
    error: {
      type,
      message: `invalid x-api-key "${String(incoming.headers['x-api-key'])}" (and ${otherSecret})`,
    },
  });
}

describe('upstream error answers relayed to the client', () => {
  let proxy: StartedProxy | undefined;
  const upstreams: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await Promise.all(upstreams.splice(0).map((upstream) => upstream.close()));
  });

  async function echoing(handler: (incoming: IncomingMessage, outgoing: ServerResponse) => void) {
    const upstream = await startRawUpstream((incoming, outgoing) => {
      incoming.resume();
      handler(incoming, outgoing);
    });
    upstreams.push(upstream);
    proxy = await startProxy([target('echo', upstream.url, { apiKey: key })], {
      redactValues: [key, otherSecret],
    });
    return proxy;
  }

  it("never show the provider's key from a 401 body or header; the rest of the body is intact", async () => {
    const started = await echoing((incoming, outgoing) => {
      outgoing.writeHead(401, {
        'content-type': 'application/json',
        'x-debug-credential': `x-api-key=${String(incoming.headers['x-api-key'])}`,
      });
      outgoing.end(echoBody(incoming, 'authentication_error'));
    });
    const response = await post(started.url, '/v1/messages', messageBody());
    expect(response.status).toBe(401);
    expect(JSON.stringify(response.headers)).not.toContain(key);
    expect(response.headers['x-debug-credential']).toBe('x-api-key=[redacted]');
    expect(response.text).not.toContain(key);
    expect(JSON.parse(response.text)).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key "[redacted]" (and [redacted])' },
    });

    const client = new Anthropic({ baseURL: started.url, apiKey: 'client-key', maxRetries: 0 });
    const error = await client.messages
      .create({ model: 'claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(String((error as Error).message)).toContain('[redacted]');
    expect(String((error as Error).message)).not.toContain(key);
  });

  it("scrubs a 400 passed through to the client as the client's own error", async () => {
    const started = await echoing((incoming, outgoing) => {
      const body = echoBody(incoming, 'invalid_request_error');
      outgoing.writeHead(400, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'x-echo': ['first', `key ${key} seen`],
      });
      outgoing.end(body);
    });
    const recorded = started.nextRecord();
    const response = await post(started.url, '/v1/messages', messageBody());
    expect(response.status).toBe(400);
    expect(response.text).toBe(
      '{"type":"error","error":{"type":"invalid_request_error","message":"invalid x-api-key \\"[redacted]\\" (and [redacted])"}}',
    );
    expect(response.headers['content-length']).toBe(String(response.text.length));
    expect(response.headers['x-echo']).toEqual(['first', 'key [redacted] seen']);
    expect((await recorded).attempts.map((attempt) => attempt.result)).toEqual(['client_error']);
  });

  it('decodes a gzip error body to scrub it, and sends it decoded; a clean one stays as sent', async () => {
    let leak = true;
    const started = await echoing((incoming, outgoing) => {
      const body = gzipSync(leak ? echoBody(incoming, 'invalid_request_error') : '{"type":"error"}');
      outgoing.writeHead(400, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': body.length,
      });
      outgoing.end(body);
    });
    const scrubbed = await request(`${started.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      body: messageBody(),
    });
    const text = await scrubbed.body.text();
    expect(scrubbed.statusCode).toBe(400);
    expect(scrubbed.headers['content-encoding']).toBeUndefined();
    expect(scrubbed.headers['content-length']).toBe(String(text.length));
    expect(JSON.parse(text).error.message).toBe('invalid x-api-key "[redacted]" (and [redacted])');

    leak = false;
    const clean = await request(`${started.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      body: messageBody(),
    });
    const bytes = Buffer.from(await clean.body.arrayBuffer());
    expect(clean.headers['content-encoding']).toBe('gzip');
    expect(bytes.equals(gzipSync('{"type":"error"}'))).toBe(true);
  });

  it('withholds an error body it cannot check: an unknown encoding, or over 1 MiB', async () => {
    let huge = false;
    const started = await echoing((incoming, outgoing) => {
      if (huge) {
        outgoing.writeHead(400, { 'content-type': 'application/json' });
        outgoing.end(`${echoBody(incoming, 'invalid_request_error')}${' '.repeat(2 * 1024 * 1024)}`);
        return;
      }
      outgoing.writeHead(404, { 'content-type': 'application/json', 'content-encoding': 'zstd' });
      outgoing.end(echoBody(incoming, 'not_found_error'));
    });
    const unknown = await post(started.url, '/v1/messages', messageBody(), { 'accept-encoding': 'zstd' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(unknown.text).error).toEqual({
      type: 'not_found_error',
      message:
        "ccb withheld the upstream's error body: its content-encoding (zstd) could not be decoded within 1 MiB, so it could not be checked for secrets",
    });

    huge = true;
    const recorded = started.nextRecord();
    const large = await post(started.url, '/v1/messages', messageBody());
    expect(large.status).toBe(400);
    expect(large.text).not.toContain(key);
    expect(JSON.parse(large.text).error.message).toContain('it is over 1 MiB');
    const record = await recorded;
    expect(record.attempts.map((attempt) => [attempt.result, attempt.reason])).toEqual([
      ['client_error', 'error body over 1 MiB withheld'],
    ]);
  });

  it('scrubs an in-band error that ended a held stream before content, when it is the answer relayed', async () => {
    const upstream = await startRawUpstream((incoming, outgoing) => {
      incoming.resume();
      outgoing.writeHead(200, { 'content-type': 'text/event-stream' });
      outgoing.end(
        'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":1}}}\n\n' +
          `event: error\ndata: ${echoBody(incoming, 'overloaded_error')}\n\n`,
      );
    });
    upstreams.push(upstream);
    // A stream waits at the commit gate only while another provider is left; the planner names one the proxy does
    // not have, so the held stream is what all-failed relays. (A stream already flowing is never rewritten.)
    proxy = await startProxy([target('first', upstream.url, { apiKey: key })], {
      planner: fixedPlanner(['first', 'unknown']),
      redactValues: [key],
    });
    const response = await post(proxy.url, '/v1/messages', messageBody({ stream: true }));
    expect(response.status).toBe(200);
    expect(response.text).toBe(
      'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":1}}}\n\n' +
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"invalid x-api-key \\"[redacted]\\" (and admin-secret-of-this-ccb)"}}\n\n',
    );
  });
});
