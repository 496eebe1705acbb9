import { generateKeyPairSync } from 'node:crypto';
import { createGoogleTokenSource, createVertexAdapter, parseGoogleCredentials } from '@ccb/vertex';
import { describe, expect, it } from 'vitest';
import { vertexErrorFault } from '../src/index.js';
import type { MockUpstream } from '../src/mock-upstream.js';
import { postJson, startMock } from './helpers.js';

const clientEmail = 'sa@p.iam.gserviceaccount.com';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const vertexOptions = {
  project: 'my-project',
  region: 'us-east5',
  serviceAccount: { clientEmail, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
};
const messages = '{"model":"claude-haiku-4-5","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}';

function keyFile(mock: MockUpstream, key = privateKey) {
  return parseGoogleCredentials(
    JSON.stringify({
      type: 'service_account',
      client_email: clientEmail,
      private_key: key.export({ type: 'pkcs8', format: 'pem' }),
      token_uri: mock.vertex?.tokenUrl,
    }),
    'sa.json',
  );
}

/** Sends a Messages body to the mock as ccb's Vertex adapter and token source would. */
async function predict(
  mock: MockUpstream,
  options: { stream?: boolean; bearer?: string; project?: string } = {},
) {
  const adapter = createVertexAdapter({
    project: options.project ?? 'my-project',
    region: 'us-east5',
    baseUrl: mock.url,
  });
  const body = options.stream ? messages.replace('{', '{"stream":true,') : messages;
  const attempt = adapter.prepare({
    method: 'POST',
    path: '/v1/messages',
    body: Buffer.from(body),
    model: 'claude-haiku-4-5',
    stream: options.stream ?? false,
    anthropicBeta: undefined,
  });
  const bearer =
    options.bearer ?? (await createGoogleTokenSource({ credentials: keyFile(mock) }).headers())[0]?.[1];
  return postJson(`${mock.url}${attempt.path}`, attempt.body.toString(), { authorization: bearer ?? '' });
}

describe('the Vertex mode', () => {
  it('issues tokens for a service account’s signed assertion and answers rawPredict with the Anthropic reply', async () => {
    const mock = await startMock({ name: 'vx', vertex: vertexOptions });
    const response = await predict(mock);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      type: 'message',
      model: 'claude-haiku-4-5',
      content: [{ text: 'Hello from vx!' }],
    });
    expect(mock.vertex?.issuedTokens).toBe(1);
    expect(mock.requests[0]?.path).toBe(
      '/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-haiku-4-5@20251001:rawPredict',
    );
  });

  it('streams streamRawPredict as Anthropic SSE', async () => {
    const mock = await startMock({ name: 'vx', vertex: vertexOptions });
    const response = await predict(mock, { stream: true });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await response.text()).toMatch(/^event: message_start\n[\s\S]*event: message_stop\n/);
  });

  it('refuses an assertion signed with another key, and a bearer it did not issue', async () => {
    const mock = await startMock({ name: 'vx', vertex: vertexOptions });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const source = createGoogleTokenSource({ credentials: keyFile(mock, other) });
    await expect(Promise.resolve(source.headers())).rejects.toThrow('invalid_grant (Invalid JWT Signature.)');
    const response = await predict(mock, { bearer: 'Bearer ya29.forged' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    expect(mock.vertex?.tokenRequests).toBe(1);
  });

  it('refuses revoked tokens, another project, and a body that still names its model', async () => {
    const mock = await startMock({ name: 'vx', vertex: vertexOptions });
    const bearer = (await createGoogleTokenSource({ credentials: keyFile(mock) }).headers())[0]?.[1];
    expect((await predict(mock, { bearer, project: 'other-project' })).status).toBe(403);
    const withModel = await postJson(
      `${mock.url}/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-haiku-4-5:rawPredict`,
      `{"anthropic_version":"vertex-2023-10-16",${messages.slice(1)}`,
      { authorization: bearer ?? '' },
    );
    expect(withModel.status).toBe(400);
    expect(await withModel.json()).toMatchObject({
      type: 'error',
      error: { message: 'model: Extra inputs are not permitted' },
    });
    mock.vertex?.revokeTokens();
    expect((await predict(mock, { bearer })).status).toBe(401);
  });

  it('answers with a Google error on demand', async () => {
    const mock = await startMock({ name: 'vx', vertex: vertexOptions });
    mock.inject(vertexErrorFault('RESOURCE_EXHAUSTED', 'Quota exceeded'));
    const response = await predict(mock);
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({
      error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' },
    });
  });

  it('takes the same Google error over the control API', async () => {
    const mock = await startMock({ name: 'vx', vertex: vertexOptions });
    const queued = await postJson(`${mock.url}/_mock/faults`, {
      fault: vertexErrorFault('UNAVAILABLE', 'try later'),
    });
    expect(queued.status).toBe(200);
    const response = await predict(mock, { stream: true });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: { code: 503, message: 'try later', status: 'UNAVAILABLE' },
    });
  });
});
