import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { cloudBetas } from '@ccb/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCcb, startCcb, tempDir } from './run-cli.js';

const aws = { region: 'us-east-1', accessKeyId: 'AKIDMOCKEXAMPLE', secretAccessKey: 'mock/secret+key' };
const claudeCodeBetas = [
  'claude-code-20250219',
  'interleaved-thinking-2025-05-14',
  'context-management-2025-06-27',
  'fine-grained-tool-streaming-2025-05-14',
].join(',');
/** A Claude Code-shaped turn: its system blocks, cache breakpoints and the no-op context edit it always sends. */
const claudeCodeTurn = {
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  system: [
    { type: 'text' as const, text: 'You are Claude Code.', cache_control: { type: 'ephemeral' as const } },
  ],
  messages: [{ role: 'user' as const, content: 'hi' }],
  context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
  metadata: { user_id: JSON.stringify({ session_id: 'capabilities-session' }) },
};
const webSearch = {
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'what is new today?' }],
  tools: [{ type: 'web_search_20250305' as const, name: 'web_search' as const, max_uses: 1 }],
};

describe('provider capabilities, end to end with the official SDK', () => {
  let bedrock: MockUpstream;
  let glm: MockUpstream;
  let anthropic: MockUpstream;
  let cloudFirst: RunningCcb;
  let thirdPartyFirst: RunningCcb;
  let thirdPartyOnly: RunningCcb;
  let directory: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    bedrock = await createMockUpstream({ name: 'claude', bedrock: { ...aws, acceptedBetas: cloudBetas } });
    glm = await createMockUpstream({ name: 'glm', apiKey: 'key-glm', thirdParty: true });
    anthropic = await createMockUpstream({ name: 'anthropic', apiKey: 'key-anthropic' });
    directory = await tempDir();
    const bedrockEast = [
      '  - name: bedrock-east',
      '    kind: bedrock',
      `    region: ${aws.region}`,
      `    base_url: ${bedrock.url}`,
      `    aws: { access_key_id: ${aws.accessKeyId}, secret_access_key: "${aws.secretAccessKey}" }`,
    ];
    const glmProvider = [
      '  - name: glm',
      '    kind: anthropic-compatible',
      `    base_url: ${glm.url}`,
      '    api_key: key-glm',
    ];
    const write = (name: string, lines: string[]) =>
      directory.write(name, ['routing: { strategy: priority }', 'providers:', ...lines].join('\n'));
    const serve = async (file: string) => startCcb(['serve', '--config', file, '--port', '0']);
    cloudFirst = await serve(
      await write('cloud-first.yaml', [...bedrockEast, '    priority: 1', ...glmProvider, '    priority: 2']),
    );
    thirdPartyFirst = await serve(
      await write('third-party-first.yaml', [
        ...glmProvider,
        '    priority: 1',
        '  - name: anthropic',
        `    base_url: ${anthropic.url}`,
        '    api_key: key-anthropic',
        '    priority: 2',
      ]),
    );
    thirdPartyOnly = await serve(await write('third-party-only.yaml', glmProvider));
  });
  afterAll(async () => {
    await Promise.all([cloudFirst?.stop(), thirdPartyFirst?.stop(), thirdPartyOnly?.stop()]);
    await directory?.dispose();
    await Promise.all([bedrock?.close(), glm?.close(), anthropic?.close()]);
  });
  afterEach(() => {
    bedrock.reset();
    glm.reset();
    anthropic.reset();
  });

  const clientOf = (ccb: RunningCcb) => new Anthropic({ baseURL: ccb.url, apiKey: 'client', maxRetries: 0 });

  it('serves a Claude Code turn with Claude Code’s betas through Bedrock’s allow-list, without a 400', async () => {
    const message = await clientOf(cloudFirst).messages.create(
      claudeCodeTurn as Anthropic.MessageCreateParamsNonStreaming,
      {
        headers: { 'anthropic-beta': claudeCodeBetas },
      },
    );
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from claude!' }]);
    const sent = bedrock.requests[0]?.json as Record<string, unknown>;
    expect(sent.anthropic_beta).toEqual(['interleaved-thinking-2025-05-14', 'context-management-2025-06-27']);
    // Bedrock has context management: the edit goes as the client sent it, and no cache_control is added.
    expect(sent.context_management).toEqual(claudeCodeTurn.context_management);
    expect(JSON.stringify(sent).match(/cache_control/g)).toHaveLength(1);
    expect(glm.requests).toHaveLength(0);
  });

  it('sends the same turn to a third party without the no-op edit and its beta', async () => {
    await clientOf(thirdPartyOnly).messages.create(
      claudeCodeTurn as Anthropic.MessageCreateParamsNonStreaming,
      {
        headers: { 'anthropic-beta': claudeCodeBetas },
      },
    );
    const sent = glm.requests[0];
    expect(sent?.headers['anthropic-beta']).toBe(
      'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
    );
    expect(sent?.json).not.toHaveProperty('context_management');
  });

  it('skips a provider without the web_search server tool', async () => {
    const message = await clientOf(thirdPartyFirst).messages.create(webSearch);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from anthropic!' }]);
    expect(glm.requests).toHaveLength(0);
    expect(anthropic.requests).toHaveLength(1);
  });

  it('answers a clear 400 when no provider has the server tool', async () => {
    const failure = await clientOf(cloudFirst)
      .messages.create(webSearch)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    expect((failure as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'no configured provider supports the server tool web_search (tried: bedrock-east, glm)',
      },
    });
    expect(bedrock.requests).toHaveLength(0);
    expect(glm.requests).toHaveLength(0);
  });

  it('logs a turn whose session had to leave its signature domain', async () => {
    const client = clientOf(thirdPartyFirst);
    await client.messages.create(claudeCodeTurn as Anthropic.MessageCreateParamsNonStreaming);
    expect(glm.requests).toHaveLength(1);
    glm.inject({ kind: 'status', status: 500 });
    const message = await client.messages.create(claudeCodeTurn as Anthropic.MessageCreateParamsNonStreaming);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from anthropic!' }]);
    const line = await thirdPartyFirst.line((entry) => entry.crosses_domain === true);
    expect(line.provider).toBe('anthropic');
  });

  it('answers count_tokens against a third party without it with a clear 400, never a made-up number', async () => {
    const failure = await clientOf(thirdPartyOnly)
      .messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    expect((failure as Error).message).toContain('no configured provider supports count_tokens (tried: glm)');
    expect(glm.requests).toHaveLength(0);
    // Bedrock counts with its own CountTokens API: the same number the first-party API's count gives.
    const params = { model: 'claude-sonnet-4-5', messages: [{ role: 'user' as const, content: 'hi' }] };
    const counted = await clientOf(cloudFirst).messages.countTokens(params);
    const direct = await new Anthropic({
      baseURL: anthropic.url,
      apiKey: 'key-anthropic',
      maxRetries: 0,
    }).messages.countTokens(params);
    expect(counted).toEqual({ input_tokens: direct.input_tokens });
    expect(bedrock.requests.at(-1)?.path).toBe(
      '/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/count-tokens',
    );
    expect(glm.requests).toHaveLength(0);
  });
});
