import { describe, expect, it } from 'vitest';
import { createLineSink } from '../test/_line-sink.js';
import { attemptRecord, requestRecord } from '../test/_records.js';
import { createLogger } from './create-logger.js';
import { TelemetryError } from './telemetry-error.js';

const providerKey = 'sk-provider-9f8e7d6c5b4a39281706';
const clientKey = 'ccb-client-key-0123456789abcdef';
const anthropicToken = 'sk-ant-api03-Zx9_Yw8-Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe';

function jsonLogger(level: 'trace' | 'debug' | 'info' | 'warn' = 'info') {
  const sink = createLineSink();
  const logger = createLogger({
    level,
    format: 'json',
    destination: sink,
    redactValues: [providerKey, clientKey],
  });
  const entries = () => sink.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
  return { sink, logger, entries };
}

describe('createLogger request lines', () => {
  it('writes one JSON line per request at info with the record’s fields', () => {
    const { logger, entries } = jsonLogger();
    logger.request(requestRecord());
    const [entry, ...rest] = entries();
    expect(rest).toHaveLength(0);
    expect(entry).toMatchObject({
      level: 'info',
      msg: 'request',
      request_id: 'ccb_test-1',
      method: 'POST',
      path: '/v1/messages?beta=true',
      model: 'claude-sonnet-4-6',
      stream: true,
      status: 200,
      provider: 'alpha',
      outcome: 'ok',
      attempts: [{ provider: 'alpha', result: 'success', status: 200, duration_ms: 120 }],
      duration_ms: 123.46,
      ttfb_ms: 45.5,
      overhead_ms: 0.2,
      tokens: { input: 25, output: 15, cache_creation: 0, cache_read: 0 },
      bytes_in: 1000,
      bytes_out: 2000,
      client_key_id: 'k_3f9a1c',
      upstream_request_id: 'req_011',
    });
    expect(Date.parse(entry?.time as string)).not.toBeNaN();
    // pino's shape: level and time first, msg last.
    expect(Object.keys(entry ?? {}).slice(0, 3)).toEqual(['level', 'time', 'request_id']);
    expect(Object.keys(entry ?? {}).at(-1)).toBe('msg');
    expect(entry).not.toHaveProperty('pid');
    expect(entry).not.toHaveProperty('hostname');
  });

  it('logs a request whose client got a 5xx at warn', () => {
    const { logger, entries } = jsonLogger();
    logger.request(requestRecord({ status: 502, outcome: 'error', provider: undefined, usage: undefined }));
    logger.request(requestRecord({ status: 400, outcome: 'error' }));
    expect(entries().map((entry) => entry.level)).toEqual(['warn', 'info']);
  });

  it('writes nothing for successful requests below its level', () => {
    const { logger, entries } = jsonLogger('warn');
    logger.request(requestRecord());
    logger.request(requestRecord({ status: 503, outcome: 'error' }));
    expect(entries().map((entry) => entry.status)).toEqual([503]);
  });

  it('adds upstream header summaries at debug and not at info', () => {
    const record = requestRecord({
      attempts: [
        attemptRecord({ headers: { 'request-id': 'req_9', 'x-api-key': providerKey, 'x-other': 'v' } }),
      ],
    });
    const info = jsonLogger('info');
    info.logger.request(record);
    const infoAttempts = info.entries()[0]?.attempts as Record<string, unknown>[] | undefined;
    expect(infoAttempts?.[0]).not.toHaveProperty('headers');
    const debug = jsonLogger('debug');
    debug.logger.request(record);
    const debugAttempts = debug.entries()[0]?.attempts as Record<string, unknown>[] | undefined;
    expect(debugAttempts?.[0]?.headers).toEqual({
      'request-id': 'req_9',
      'x-api-key': '[redacted]',
      'x-other': '[redacted]',
    });
  });
});

describe('createLogger redaction', () => {
  it('keeps every configured key and sk-ant token out of the output bytes', () => {
    const { sink, logger, entries } = jsonLogger('trace');
    logger.info(`starting with ${providerKey}`);
    logger.warn({ provider: { name: 'alpha', baseUrl: `https://x.test/?key=${providerKey}` } }, 'configured');
    logger.error(
      { attempts: [{ note: `client sent ${clientKey}` }], deep: { a: { b: { c: clientKey } } } },
      'nested',
    );
    logger.debug({
      headers: { 'x-api-key': 'unknown-key-not-configured', authorization: 'Bearer also-unknown' },
    });
    logger.info({ apiKey: 'plain-unknown-1', api_key: 'plain-unknown-2', authorization: 'plain-unknown-3' });
    logger.info(`token ${anthropicToken} in a message`);
    logger.error(new Error(`upstream said: invalid x-api-key ${providerKey}`));
    logger.pino.child({ clientKey }).info('child binding');
    logger.request(
      requestRecord({
        path: `/v1/messages?key=${clientKey}`,
        model: anthropicToken,
        attempts: [attemptRecord({ result: 'failure', reason: `401 for ${providerKey}`, status: 401 })],
      }),
    );

    const output = sink.text();
    for (const secret of [
      providerKey,
      clientKey,
      anthropicToken,
      'unknown-key-not-configured',
      'also-unknown',
      'plain-unknown-1',
      'plain-unknown-2',
      'plain-unknown-3',
    ]) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toMatch(/sk-ant-[A-Za-z0-9_-]{4}/);
    expect(entries()).toHaveLength(9);
    expect(entries()[0]?.msg).toBe('starting with [redacted]');
  });

  it('scrubs values added later (a reloaded config’s new secrets) and keeps scrubbing the old ones', () => {
    const { sink, logger } = jsonLogger();
    const rotatedKey = 'sk-rotated-4b3a29181706f5e4d3c2';
    logger.info(`before ${rotatedKey}`);
    logger.addRedactValues([rotatedKey, providerKey]);
    logger.info(`after ${rotatedKey} and ${providerKey}`);
    logger.request(requestRecord({ path: `/v1/messages?key=${rotatedKey}` }));
    const lines = sink.lines();
    expect(lines[0]).toContain(rotatedKey);
    expect(lines.slice(1).join('\n')).not.toContain(rotatedKey);
    expect(lines.slice(1).join('\n')).not.toContain(providerKey);
    expect(() => logger.addRedactValues([42 as unknown as string])).toThrow(TelemetryError);
    logger.info(`still ${rotatedKey}`);
    expect(sink.lines().at(-1)).not.toContain(rotatedKey);
  });

  it('does not mutate the objects it is given', () => {
    const { logger } = jsonLogger();
    const fields = { headers: { authorization: 'Bearer abc' }, note: providerKey };
    logger.info(fields, 'call');
    expect(fields).toEqual({ headers: { authorization: 'Bearer abc' }, note: providerKey });
  });

  it('redacts in pretty output too', async () => {
    const sink = createLineSink();
    const logger = createLogger({
      level: 'info',
      format: 'pretty',
      destination: sink,
      redactValues: [providerKey],
    });
    logger.info({ key: providerKey }, `message ${anthropicToken}`);
    logger.info('done');
    await sink.waitFor('done');
    expect(sink.text()).not.toContain(providerKey);
    expect(sink.text()).not.toContain(anthropicToken);
  });
});

describe('createLogger formats', () => {
  it('writes the short human line for a request in pretty mode', async () => {
    const sink = createLineSink();
    const logger = createLogger({ level: 'info', format: 'pretty', destination: sink });
    expect(logger.format).toBe('pretty');
    logger.request(requestRecord());
    const line = await sink.waitFor('POST');
    expect(line).toMatch(
      /INFO.*✓ 200 POST \/v1\/messages claude-sonnet-4-6 stream → alpha 123ms in=25 out=15$/,
    );
  });

  it('chooses pretty for a TTY and JSON otherwise in auto mode', () => {
    const tty = createLogger({ level: 'info', format: 'auto', destination: createLineSink({ isTTY: true }) });
    const pipe = createLogger({
      level: 'info',
      format: 'auto',
      destination: createLineSink({ isTTY: false }),
    });
    expect([tty.format, pipe.format]).toEqual(['pretty', 'json']);
  });

  it('writes every pretty line before flush resolves', async () => {
    const sink = createLineSink();
    const logger = createLogger({ level: 'info', format: 'pretty', destination: sink });
    for (let index = 0; index < 500; index += 1) logger.info(`line ${index}`);
    await logger.flush();
    expect(sink.lines()).toHaveLength(500);
    expect(sink.lines()[499]).toContain('line 499');
  });

  it('rejects invalid options with a stable code', () => {
    const invalid = [
      { level: 'verbose', format: 'json' },
      { level: 'info', format: 'xml' },
      { level: 'info', format: 'json', destination: {} },
      // Below one batch of lines: every batch would be refused, even by an idle stdout.
      { level: 'info', format: 'json', maxBacklogInBytes: 16 * 1024 },
      { level: 'info', format: 'json', maxBacklogInBytes: Number.NaN },
    ];
    for (const options of invalid) {
      const attempt = () => createLogger(options as unknown as Parameters<typeof createLogger>[0]);
      expect(attempt).toThrow(TelemetryError);
      expect(attempt).toThrow(expect.objectContaining({ code: 'CCB_TELEMETRY_INVALID_OPTIONS' }));
    }
    // The backlog is stdout's: a destination of one's own takes any value.
    const own = { write: () => true } as unknown as NodeJS.WritableStream;
    expect(() =>
      createLogger({ level: 'info', format: 'json', destination: own, maxBacklogInBytes: 1024 }),
    ).not.toThrow();
  });
});
