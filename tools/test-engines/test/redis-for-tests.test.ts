import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { canStartRedis, redisForTests } from '../src/index.js';

/** Sends PING over a raw socket: resolves with the reply, or the error when nothing listens. */
function ping(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once('error', (error) => resolve(String((error as NodeJS.ErrnoException).code)));
    socket.once('data', (data) => {
      resolve(data.toString().trim());
      socket.end();
    });
    socket.write('PING\r\n');
  });
}

describe('redisForTests', () => {
  it('uses REDIS_URL when set, with a key prefix of its own each time', async () => {
    const env = { REDIS_URL: 'redis://10.0.0.9:6379/2' };
    const [one, two] = await Promise.all([redisForTests({ env }), redisForTests({ env })]);
    expect(one).toMatchObject({ url: 'redis://10.0.0.9:6379/2', owned: false });
    expect(one.keyPrefix).toMatch(/^ccb-test-[0-9a-f-]+:$/);
    expect(one.keyPrefix).not.toBe(two.keyPrefix);
  });

  it.skipIf(!canStartRedis)(
    'starts its own when it must be able to kill it, and restarts it on the same port',
    async () => {
      const redis = await redisForTests({ mustOwn: true, env: { REDIS_URL: 'redis://10.0.0.9:6379' } });
      try {
        expect(redis.owned).toBe(true);
        expect(await ping(redis.url)).toBe('+PONG');
        await redis.kill();
        expect(await ping(redis.url)).toBe('ECONNREFUSED');
        await redis.restart();
        expect(await ping(redis.url)).toBe('+PONG');
      } finally {
        await redis.stop();
      }
    },
  );
});
