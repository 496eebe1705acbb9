import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyFingerprint } from '../src/index.js';
import { messageBody, post, type StartedProxy, startProxy, target } from './harness.js';

describe('client keys', () => {
  const fingerprint = createKeyFingerprint('test-fingerprint-secret');
  let mock: MockUpstream;
  let proxy: StartedProxy;
  let rejected: { fingerprint: string; path: string | undefined }[];

  beforeEach(async () => {
    rejected = [];
    mock = await createMockUpstream({ name: 'm1', apiKey: 'key-m1' });
    proxy = await startProxy([target('m1', mock.url)], {
      clientApiKeys: ['client-key-0123456789'],
      keyFingerprint: fingerprint,
      onClientRejected: (keyFingerprint, request) =>
        rejected.push({ fingerprint: keyFingerprint, path: request.url }),
    });
  });
  afterEach(async () => {
    await proxy.close();
    await mock.close();
  });

  it('reports each refused key by its keyed fingerprint, a missing key as none, and never the key', async () => {
    const wrong = await post(proxy.url, '/v1/messages', messageBody(), { 'x-api-key': 'wrong-key' });
    // The models list is read with GET (the request guard answers 405 to any other method there).
    const listed = await request(`${proxy.url}/v1/models`);
    const missing = { status: listed.statusCode };
    await listed.body.dump();
    const bearer = await post(proxy.url, '/v1/messages', messageBody(), {
      authorization: 'Bearer other-key',
    });
    expect([wrong.status, missing.status, bearer.status]).toEqual([401, 401, 401]);
    expect(rejected).toEqual([
      { fingerprint: fingerprint('wrong-key'), path: '/v1/messages' },
      { fingerprint: 'none', path: '/v1/models' },
      { fingerprint: fingerprint('other-key'), path: '/v1/messages' },
    ]);
    expect(mock.requests).toHaveLength(0);
  });

  it('names an accepted key in its record by the same fingerprint, and reports nothing', async () => {
    const accepted = await post(proxy.url, '/v1/messages', messageBody(), {
      'x-api-key': 'client-key-0123456789',
    });
    expect(accepted.status).toBe(200);
    expect(proxy.records[0]?.clientKeyId).toBe(fingerprint('client-key-0123456789'));
    expect(rejected).toEqual([]);
  });
});
