import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { maxNestingDepth } from '@ccb/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageBody, post, type StartedProxy, startProxy, target } from './harness.js';

/** A Messages body whose first message nests `levels` deep in all (the top-level object is level 1). */
function nestedBody(levels: number): string {
  const inner = levels - 3; // the body, messages and the first message are three levels
  return `{"model":"claude-sonnet-4-6","max_tokens":64,"messages":[{"role":"user","content":${'['.repeat(inner)}${']'.repeat(inner)}}]}`;
}

describe('nesting depth', () => {
  let mock: MockUpstream;
  let proxy: StartedProxy;

  beforeEach(async () => {
    mock = await createMockUpstream({ name: 'm1', apiKey: 'key-m1' });
    proxy = await startProxy([target('m1', mock.url)]);
  });
  afterEach(async () => {
    await proxy.close();
    await mock.close();
  });

  it('answers a body nested 100 000 deep with 400, sends nothing upstream, and serves the next request', async () => {
    // Without a session header or metadata, the session key is a hash of the first message: the walk that overflowed.
    for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
      const deep = await post(proxy.url, path, nestedBody(100_000));
      expect(deep.status, path).toBe(400);
      expect(JSON.parse(deep.text)).toMatchObject({
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: expect.stringContaining(`${maxNestingDepth} levels`),
        },
      });
    }
    expect(mock.requests).toHaveLength(0);
    const next = await post(proxy.url, '/v1/messages', messageBody());
    expect(next.status).toBe(200);
  });

  it('forwards a body nested exactly as deep as allowed, and refuses one level more', async () => {
    expect((await post(proxy.url, '/v1/messages', nestedBody(maxNestingDepth))).status).not.toBe(400);
    expect((await post(proxy.url, '/v1/messages', nestedBody(maxNestingDepth + 1))).status).toBe(400);
  });
});
