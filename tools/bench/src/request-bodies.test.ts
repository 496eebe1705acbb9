import { describe, expect, it } from 'vitest';
import { createBenchRequest, largeBodyInBytes, mediumBodyInBytes } from './request-bodies.js';

function json(kind: Parameters<typeof createBenchRequest>[0]) {
  return JSON.parse(createBenchRequest(kind).body.toString('utf8')) as {
    stream?: boolean;
    messages: { role: string }[];
  };
}

describe('createBenchRequest', () => {
  it('builds a large body of 1 MiB to 1.1 MiB that ends on a user turn', () => {
    const request = createBenchRequest('large');
    expect(request.body.length).toBeGreaterThanOrEqual(largeBodyInBytes);
    expect(request.body.length).toBeLessThan(largeBodyInBytes * 1.1);
    expect(json('large').messages.at(-1)?.role).toBe('user');
  });

  it('builds a medium body of about 100 KB', () => {
    const { length } = createBenchRequest('medium').body;
    expect(length).toBeGreaterThanOrEqual(mediumBodyInBytes);
    expect(length).toBeLessThan(mediumBodyInBytes * 1.2);
  });

  it('asks for a stream only in the stream request', () => {
    expect(json('stream').stream).toBe(true);
    expect(json('small').stream).toBeUndefined();
    expect(json('large').stream).toBeUndefined();
  });

  it('sends no content-length of its own, which the clients compute', () => {
    expect(Object.keys(createBenchRequest('small').headers)).not.toContain('content-length');
  });
});
