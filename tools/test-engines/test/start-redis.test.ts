import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { redisSkipReason, startRedis } from '../src/index.js';

/** Sends PING in the Redis protocol and resolves with the reply, or `undefined` when the connection fails. */
function ping(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString());
    });
    socket.once('error', () => resolve(undefined));
  });
}

const skip = redisSkipReason({});
if (skip !== undefined) console.warn(`skipping startRedis tests: ${skip}`);

describe.skipIf(skip !== undefined)('startRedis', () => {
  it('answers once started, is gone when killed, and comes back on the same port', async () => {
    const redis = await startRedis();
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await ping(redis.port)).toBe('+PONG\r\n');
      expect(readFileSync(`/proc/${redis.pid() as number}/comm`, 'utf8').trim()).toBe('redis-server');
      await redis.stop();
      expect(redis.pid()).toBeUndefined();
      expect(await ping(redis.port)).toBeUndefined();
      await redis.start();
      expect(await ping(redis.port)).toBe('+PONG\r\n');
    } finally {
      await redis.destroy();
    }
  }, 30_000);
});
