import { generateKeyPairSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream, vertexErrorFault } from '@ccb/mock-upstream';
import { cloudBetas } from '@ccb/protocol';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCcb, startCcb, tempDir } from './run-cli.js';

const project = 'my-project';
const region = 'us-east5';
const clientEmail = 'ccb@my-project.iam.gserviceaccount.com';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ask = {
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'hi' }],
};
const modelPath = `/v1/projects/${project}/locations/${region}/publishers/anthropic/models`;
/** The mocks' message ids carry their port: the only bytes in which two mocks' identical replies differ. */
const sameIds = (text: string) => text.replace(/msg_01mock\d+x[0-9a-z]+/g, 'msg_X');

async function post(
  url: string,
  path: string,
  body: object,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const response = await request(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'x-api-key': 'key-reference',
    },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

describe('a kind: vertex provider, end to end with the official SDK', () => {
  let vertex: MockUpstream;
  let anthropic: MockUpstream;
  let reference: MockUpstream;
  let onlyVertex: RunningCcb;
  let withFallback: RunningCcb;
  let directory: Awaited<ReturnType<typeof tempDir>>;
  const vertexProvider = (name: string) => [
    `  - name: ${name}`,
    '    kind: vertex',
    `    region: ${region}`,
    `    base_url: ${vertex.url}`,
    `    gcp: { project: ${project}, credentials_file: sa.json }`,
    '    priority: 1',
  ];

  beforeAll(async () => {
    // Same name, so the same reply text: the Vertex mock and the Anthropic reference answer alike.
    vertex = await createMockUpstream({
      name: 'claude',
      // Vertex refuses the anthropic-beta flags it does not know ("invalid beta flag"), as the real one does.
      vertex: {
        project,
        region,
        serviceAccount: { clientEmail, publicKey: publicPem },
        acceptedBetas: cloudBetas,
      },
    });
    reference = await createMockUpstream({ name: 'claude', apiKey: 'key-reference' });
    anthropic = await createMockUpstream({ name: 'anthropic', apiKey: 'key-anthropic' });
    directory = await tempDir();
    await directory.write(
      'sa.json',
      JSON.stringify({
        type: 'service_account',
        project_id: project,
        private_key_id: 'k1',
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: clientEmail,
        token_uri: vertex.vertex?.tokenUrl,
      }),
    );
    const alone = await directory.write('alone.yaml', ['providers:', ...vertexProvider('vertex')].join('\n'));
    const both = await directory.write(
      'both.yaml',
      [
        'health: { failure_threshold: 1, cooldown: 1m }',
        'providers:',
        ...vertexProvider('vertex'),
        '  - name: anthropic',
        `    base_url: ${anthropic.url}`,
        '    api_key: key-anthropic',
        '    priority: 2',
      ].join('\n'),
    );
    onlyVertex = await startCcb(['serve', '--config', alone, '--port', '0']);
    withFallback = await startCcb(['serve', '--config', both, '--port', '0']);
  });
  afterAll(async () => {
    await onlyVertex?.stop();
    await withFallback?.stop();
    await directory?.dispose();
    await Promise.all([vertex?.close(), anthropic?.close(), reference?.close()]);
  });
  afterEach(() => {
    vertex.reset();
    anthropic.reset();
    reference.reset();
  });

  it('answers a message as the Anthropic API would, through rawPredict with a Google token and a Vertex body', async () => {
    const client = new Anthropic({ baseURL: onlyVertex.url, apiKey: 'client', maxRetries: 0 });
    const viaVertex = await client.messages.create(ask, {
      headers: { 'anthropic-beta': 'context-1m-2025-08-07' },
    });
    const direct = new Anthropic({ baseURL: reference.url, apiKey: 'key-reference', maxRetries: 0 });
    const expected = await direct.messages.create(ask);
    expect({ ...viaVertex, id: '', _request_id: '' }).toEqual({ ...expected, id: '', _request_id: '' });
    const sent = vertex.requests[0];
    expect(sent?.path).toBe(`${modelPath}/claude-sonnet-4-5@20250929:rawPredict`);
    expect(sent?.json).toEqual({
      anthropic_version: 'vertex-2023-10-16',
      max_tokens: 64,
      messages: ask.messages,
    });
    expect(sent?.headers.authorization).toMatch(/^Bearer ya29\.mock-/);
    expect(sent?.headers['anthropic-beta']).toBe('context-1m-2025-08-07');
    expect(sent?.headers['x-api-key']).toBeUndefined();
    const readiness = (await (await request(`${onlyVertex.url}/readyz`)).body.json()) as {
      providers: { name: string; google_token?: { state: string; expires_at: string | null } }[];
    };
    expect(readiness.providers[0]?.google_token).toMatchObject({ state: 'ready', error: null });
    expect(Date.parse(readiness.providers[0]?.google_token?.expires_at ?? '')).toBeGreaterThan(Date.now());
  });

  it('sends Vertex only the betas it accepts, so Claude Code’s own flags do not make it a 400', async () => {
    // Claude Code 2.1.332's header (protocol notes §2): most of these flags are unknown to Vertex.
    const claudeCodeBetas =
      'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,per-turn-control-2026-07-01,mid-conversation-tool-changes-2026-07-01,thinking-token-count-2026-05-13,advanced-tool-use-2025-11-20,effort-2025-11-24';
    const client = new Anthropic({ baseURL: onlyVertex.url, apiKey: 'client', maxRetries: 0 });
    const answer = await client.messages.create(ask, { headers: { 'anthropic-beta': claudeCodeBetas } });
    expect(answer.type).toBe('message');
    expect(vertex.requests[0]?.headers['anthropic-beta']).toBe(
      'interleaved-thinking-2025-05-14,context-management-2025-06-27,effort-2025-11-24',
    );
    // The mock does refuse them, as Vertex does, when they reach it unfiltered.
    const token = String(vertex.requests[0]?.headers.authorization);
    const unfiltered = await request(`${vertex.url}${modelPath}/claude-sonnet-4-5@20250929:rawPredict`, {
      method: 'POST',
      headers: {
        authorization: token,
        'content-type': 'application/json',
        'anthropic-beta': claudeCodeBetas,
      },
      body: JSON.stringify({ anthropic_version: 'vertex-2023-10-16', ...ask }),
    });
    expect(unfiltered.statusCode).toBe(400);
    expect(await unfiltered.body.text()).toContain('invalid beta flag: claude-code-20250219');
  });

  it('streams streamRawPredict’s SSE byte-identical to what the Anthropic API sends', async () => {
    const streamed = { ...ask, stream: true };
    const viaVertex = await post(onlyVertex.url, '/v1/messages', streamed);
    expect(viaVertex.status).toBe(200);
    expect(viaVertex.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(vertex.requests[0]?.path).toBe(`${modelPath}/claude-sonnet-4-5@20250929:streamRawPredict`);
    const expected = await post(reference.url, '/v1/messages', streamed);
    expect(expected.text).toContain('event: message_stop');
    expect(sameIds(viaVertex.text)).toBe(sameIds(expected.text));

    const client = new Anthropic({ baseURL: onlyVertex.url, apiKey: 'client', maxRetries: 0 });
    const final = await client.messages.stream(ask).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Hello from claude!' }]);
  });

  it('counts tokens at count-tokens:rawPredict with the Vertex model in the body', async () => {
    const client = new Anthropic({ baseURL: onlyVertex.url, apiKey: 'client', maxRetries: 0 });
    const counted = await client.messages.countTokens({ model: ask.model, messages: ask.messages });
    const direct = new Anthropic({ baseURL: reference.url, apiKey: 'key-reference', maxRetries: 0 });
    expect(counted.input_tokens).toBe(
      (await direct.messages.countTokens({ model: ask.model, messages: ask.messages })).input_tokens,
    );
    const sent = vertex.requests[0];
    expect(sent?.path).toBe(`${modelPath}/count-tokens:rawPredict`);
    expect(sent?.json).toMatchObject({
      anthropic_version: 'vertex-2023-10-16',
      model: 'claude-sonnet-4-5@20250929',
    });
  });

  it('shows the provider in the admin API as authenticating with Google tokens', async () => {
    const answer = await request(`${onlyVertex.url}/admin/providers`);
    const body = (await answer.body.json()) as { providers: Record<string, unknown>[] };
    expect(body.providers[0]).toMatchObject({
      name: 'vertex',
      base_url: vertex.url,
      auth_type: 'gcp',
      key_fingerprint: null,
    });
  });

  it('passes a Google INVALID_ARGUMENT to the client as Anthropic’s 400', async () => {
    vertex.inject(vertexErrorFault('INVALID_ARGUMENT', 'messages: roles must alternate'));
    const answer = await post(onlyVertex.url, '/v1/messages', ask);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'messages: roles must alternate' },
    });
  });

  it('fetches a new token when Vertex refuses the old one, and retries with it', async () => {
    const client = new Anthropic({ baseURL: onlyVertex.url, apiKey: 'client', maxRetries: 0 });
    await client.messages.create(ask);
    const issued = vertex.vertex?.issuedTokens ?? 0;
    const before = vertex.requests[0]?.headers.authorization;
    vertex.vertex?.revokeTokens();
    const answer = await client.messages.create(ask);
    expect(answer.content).toEqual([{ type: 'text', text: 'Hello from claude!' }]);
    expect(vertex.vertex?.issuedTokens).toBe(issued + 1);
    const statuses = vertex.requests.map((sent) => sent.headers.authorization);
    expect(statuses).toHaveLength(3);
    expect(statuses[1]).toBe(before);
    expect(statuses[2]).not.toBe(before);
  });

  it('fails over from RESOURCE_EXHAUSTED to Anthropic and cools the Vertex provider down', async () => {
    vertex.inject(
      vertexErrorFault(
        'RESOURCE_EXHAUSTED',
        'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model',
      ),
    );
    const client = new Anthropic({ baseURL: withFallback.url, apiKey: 'client', maxRetries: 0 });
    const answer = await client.messages.create(ask);
    expect(answer.content).toEqual([{ type: 'text', text: 'Hello from anthropic!' }]);
    expect(vertex.requestCount).toBe(1);
    const readiness = await request(`${withFallback.url}/readyz`);
    const body = (await readiness.body.json()) as { providers: { name: string; usable: boolean }[] };
    expect(body.providers.find((provider) => provider.name === 'vertex')).toMatchObject({ usable: false });
    await client.messages.create(ask);
    expect(vertex.requestCount).toBe(1);
    expect(anthropic.requestCount).toBe(2);
  });

  it('fails over from a Vertex stream that errors before any content, as from the Anthropic API', async () => {
    // A ccb of its own: the shared one's Vertex provider is cooling down after RESOURCE_EXHAUSTED.
    const config = await directory.write(
      'stream-failover.yaml',
      [
        'providers:',
        ...vertexProvider('vertex'),
        '  - name: anthropic',
        `    base_url: ${anthropic.url}`,
        '    api_key: key-anthropic',
        '    priority: 2',
      ].join('\n'),
    );
    const both = await startCcb(['serve', '--config', config, '--port', '0']);
    try {
      vertex.inject({
        kind: 'sse-error',
        afterEvents: 1,
        errorType: 'overloaded_error',
        message: 'Overloaded',
      });
      const client = new Anthropic({ baseURL: both.url, apiKey: 'client', maxRetries: 0 });
      const final = await client.messages.stream(ask).finalMessage();
      expect(final.content).toEqual([{ type: 'text', text: 'Hello from anthropic!' }]);
      expect(vertex.requestCount).toBe(1);
    } finally {
      await both.stop();
    }
  });

  it('uses application default credentials (an authorized_user file in gcloud’s folder) with gcp: { project } alone', async () => {
    const adc = await createMockUpstream({
      name: 'adc',
      vertex: {
        project,
        region: 'global',
        authorizedUser: { clientId: 'cid', clientSecret: 'csecret', refreshToken: 'rt' },
      },
    });
    const home = join(directory.path, 'home');
    try {
      await mkdir(join(home, '.config', 'gcloud'), { recursive: true });
      await writeFile(
        join(home, '.config', 'gcloud', 'application_default_credentials.json'),
        JSON.stringify({
          type: 'authorized_user',
          client_id: 'cid',
          client_secret: 'csecret',
          refresh_token: 'rt',
          token_uri: adc.vertex?.tokenUrl,
        }),
      );
      const config = await directory.write(
        'adc.yaml',
        `providers:\n  - name: v\n    kind: vertex\n    region: global\n    base_url: ${adc.url}\n    gcp: { project: ${project} }\n`,
      );
      const viaAdc = await startCcb(['serve', '--config', config, '--port', '0'], {
        env: { HOME: home, GOOGLE_APPLICATION_CREDENTIALS: '', CLOUDSDK_CONFIG: '' },
      });
      try {
        const client = new Anthropic({ baseURL: viaAdc.url, apiKey: 'client', maxRetries: 0 });
        const answer = await client.messages.create(ask);
        expect(answer.content).toEqual([{ type: 'text', text: 'Hello from adc!' }]);
        expect(adc.requests[0]?.path).toBe(
          `/v1/projects/${project}/locations/global/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict`,
        );
      } finally {
        await viaAdc.stop();
      }
    } finally {
      await adc.close();
    }
  });

  it('fails over when no token can be had (the key file is missing), as for a credential failure', async () => {
    const config = await directory.write(
      'missing.yaml',
      [
        'providers:',
        '  - name: vertex',
        '    kind: vertex',
        `    region: ${region}`,
        `    base_url: ${vertex.url}`,
        `    gcp: { project: ${project}, credentials_file: nowhere.json }`,
        '    priority: 1',
        '  - name: anthropic',
        `    base_url: ${anthropic.url}`,
        '    api_key: key-anthropic',
        '    priority: 2',
      ].join('\n'),
    );
    const missing = await startCcb(['serve', '--config', config, '--port', '0']);
    try {
      const client = new Anthropic({ baseURL: missing.url, apiKey: 'client', maxRetries: 0 });
      const answer = await client.messages.create(ask);
      expect(answer.content).toEqual([{ type: 'text', text: 'Hello from anthropic!' }]);
      expect(vertex.requestCount).toBe(0);
      const line = await missing.line((logged) => Array.isArray(logged.attempts));
      expect(JSON.stringify(line)).toContain('nowhere.json does not exist');
      // /readyz (and so ccb status) says why the Vertex provider has no token.
      const readiness = (await (await request(`${missing.url}/readyz`)).body.json()) as {
        providers: { name: string; google_token?: { state: string; error: string | null } }[];
      };
      const token = readiness.providers.find((provider) => provider.name === 'vertex')?.google_token;
      expect(token?.state).toBe('failing');
      expect(token?.error).toContain('nowhere.json does not exist');
    } finally {
      await missing.stop();
    }
  });
});

describe('a session moving between Anthropic and Vertex (one signature domain)', () => {
  const tool = {
    name: 'Bash',
    description: 'Runs a shell command',
    input_schema: { type: 'object' as const, properties: { command: { type: 'string' } } },
  };
  let anthropic: MockUpstream;
  let vertex: MockUpstream;
  let ccb: RunningCcb;
  let directory: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    // Both sign their thinking in domain `anthropic` and check every thinking block of a history as the API does.
    anthropic = await createMockUpstream({ name: 'anthropic', apiKey: 'key-anthropic' });
    vertex = await createMockUpstream({
      name: 'vertex',
      vertex: { project, region, accessTokens: ['ya29.fixed'] },
    });
    directory = await tempDir();
    const config = await directory.write(
      'session.yaml',
      [
        'routing: { strategy: priority, affinity: { enabled: false } }',
        'health: { failure_threshold: 100 }',
        'providers:',
        '  - name: anthropic',
        `    base_url: ${anthropic.url}`,
        '    api_key: key-anthropic',
        '    priority: 1',
        '  - name: vertex',
        '    kind: vertex',
        `    region: ${region}`,
        `    base_url: ${vertex.url}`,
        `    gcp: { project: ${project}, access_token: ya29.fixed }`,
        '    priority: 2',
      ].join('\n'),
    );
    ccb = await startCcb(['serve', '--config', config, '--port', '0']);
  });
  afterAll(async () => {
    await ccb?.stop();
    await directory?.dispose();
    await Promise.all([anthropic?.close(), vertex?.close()]);
  });

  it('continues a thinking, tool-using session on Vertex and back with its history untouched and no 400', async () => {
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'client', maxRetries: 0 });
    const history: Anthropic.MessageParam[] = [];
    const turn = async (content: Anthropic.MessageParam['content']) => {
      history.push({ role: 'user', content });
      const answer = await client.messages
        .stream({
          model: 'claude-sonnet-4-5',
          max_tokens: 32_000,
          thinking: { type: 'enabled', budget_tokens: 1024 },
          tools: [tool],
          messages: [...history],
        })
        .finalMessage();
      history.push({ role: 'assistant', content: answer.content });
      return answer;
    };
    const toolResult = (): Anthropic.ToolResultBlockParam[] => {
      const last = history.at(-1)?.content;
      const call = Array.isArray(last) ? last.find((block) => block.type === 'tool_use') : undefined;
      if (call?.type !== 'tool_use') throw new Error('the last answer called no tool');
      return [{ type: 'tool_result', tool_use_id: call.id, content: 'README.md' }];
    };

    expect((await turn('please use tool Bash to list the files')).content.map((block) => block.type)).toEqual(
      ['thinking', 'tool_use'],
    );
    // Anthropic fails: Vertex takes the tool result, with Anthropic's signed thinking in the history.
    anthropic.inject({ kind: 'status', status: 500 });
    await turn(toolResult());
    expect(vertex.requestCount).toBe(1);
    const sent = vertex.requests[0]?.json as { messages: unknown; thinking: unknown };
    expect(sent.messages).toEqual(history.slice(0, -1));
    expect(sent.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    // Back at Anthropic, with Vertex's turn in the history.
    expect((await turn('please use tool Bash again')).content.map((block) => block.type)).toEqual([
      'thinking',
      'tool_use',
    ]);
    expect(anthropic.requestCount).toBe(3);
  });
});
