import { generateKeyPairSync } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import {
  bedrockErrorFault,
  createMockUpstream,
  type MockUpstream,
  vertexErrorFault,
} from '@ccb/mock-upstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCcb, startCcb, tempDir } from './run-cli.js';

const aws = { region: 'us-east-1', accessKeyId: 'AKIDMOCKEXAMPLE', secretAccessKey: 'mock/secret+key' };
const bash = {
  name: 'Bash',
  description: 'Runs a shell command',
  input_schema: {
    type: 'object' as const,
    properties: { command: { type: 'string' } },
    required: ['command'],
  },
};
const sessionId = '7c0e5d36-5b0c-4a39-9a51-7d1e8f9e2a11';
const gcp = {
  project: 'my-project',
  region: 'us-east5',
  clientEmail: 'ccb@my-project.iam.gserviceaccount.com',
};
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

type Params = Anthropic.MessageCreateParamsNonStreaming;

/**
 * A Claude Code-shaped session: adaptive thinking, `clear_thinking` context management, tools, the session id in
 * `metadata.user_id`, streamed turns. The test plays the client: each turn sends the whole history, tool results
 * included, as Claude Code does.
 */
class Session {
  readonly history: Anthropic.MessageParam[] = [];

  request(): Params {
    return {
      model: 'claude-sonnet-4-5',
      max_tokens: 32_000,
      thinking: { type: 'adaptive' } as unknown as Params['thinking'],
      context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
      metadata: {
        user_id: JSON.stringify({ device_id: 'd'.repeat(64), account_uuid: '', session_id: sessionId }),
      },
      tools: [bash],
      messages: [...this.history],
    } as Params;
  }

  /** The upstream request id of the last turn (what ccb's request log line carries as `upstream_request_id`). */
  lastRequestId: string | null | undefined;

  /** Sends the next user turn through `client` and keeps the answer in the history. */
  async turn(client: Anthropic, content: Anthropic.MessageParam['content']): Promise<Anthropic.Message> {
    this.history.push({ role: 'user', content });
    const stream = client.messages.stream(this.request());
    const answer = await stream.finalMessage();
    this.lastRequestId = stream.request_id;
    this.history.push({ role: 'assistant', content: answer.content });
    return answer;
  }

  /** The tool result for the last answer's tool call. */
  toolResult(): Anthropic.ToolResultBlockParam[] {
    const last = this.history.at(-1)?.content;
    const call = Array.isArray(last) ? last.find((block) => block.type === 'tool_use') : undefined;
    if (call?.type !== 'tool_use') throw new Error('the last answer called no tool');
    return [{ type: 'tool_result', tool_use_id: call.id, content: 'README.md\nsrc' }];
  }
}

describe('failover that keeps the session valid, end to end with the official SDK', () => {
  let anthropic: MockUpstream;
  let bedrock: MockUpstream;
  let vertex: MockUpstream;
  let kimi: MockUpstream;
  let ccb: RunningCcb;
  let directory: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    // Each mock signs its thinking and checks the history as the real API does: Anthropic and Bedrock in domain
    // `anthropic`, the third party with its own key, minting Kimi's `functions.Bash:0` tool ids.
    anthropic = await createMockUpstream({ name: 'anthropic', apiKey: 'key-anthropic' });
    bedrock = await createMockUpstream({ name: 'bedrock', bedrock: aws });
    vertex = await createMockUpstream({
      name: 'vertex',
      vertex: {
        project: gcp.project,
        region: gcp.region,
        serviceAccount: {
          clientEmail: gcp.clientEmail,
          publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        },
      },
    });
    kimi = await createMockUpstream({
      name: 'kimi',
      apiKey: 'key-kimi',
      signatureDomain: 'kimi',
      toolIdStyle: 'functions',
    });
    directory = await tempDir();
    await directory.write(
      'sa.json',
      JSON.stringify({
        type: 'service_account',
        project_id: gcp.project,
        private_key_id: 'k1',
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: gcp.clientEmail,
        token_uri: vertex.vertex?.tokenUrl,
      }),
    );
    const config = await directory.write(
      'ccb.yaml',
      [
        // Plain priority order, no affinity and no circuit: each turn goes where the test's faults send it.
        'routing: { strategy: priority, max_attempts: 4, affinity: { enabled: false } }',
        'health: { failure_threshold: 100 }',
        'providers:',
        '  - name: anthropic',
        `    base_url: ${anthropic.url}`,
        '    api_key: key-anthropic',
        '    priority: 1',
        '  - name: bedrock-east',
        '    kind: bedrock',
        `    region: ${aws.region}`,
        `    base_url: ${bedrock.url}`,
        `    aws: { access_key_id: ${aws.accessKeyId}, secret_access_key: "${aws.secretAccessKey}" }`,
        '    priority: 2',
        '  - name: vertex',
        '    kind: vertex',
        `    region: ${gcp.region}`,
        `    base_url: ${vertex.url}`,
        `    gcp: { project: ${gcp.project}, credentials_file: sa.json }`,
        '    priority: 3',
        '  - name: kimi',
        '    kind: anthropic-compatible',
        `    base_url: ${kimi.url}`,
        '    api_key: key-kimi',
        '    priority: 4',
      ].join('\n'),
    );
    ccb = await startCcb(['serve', '--config', config, '--port', '0']);
  });
  afterAll(async () => {
    await ccb?.stop();
    await directory?.dispose();
    await Promise.all([anthropic?.close(), bedrock?.close(), vertex?.close(), kimi?.close()]);
  });

  /** ccb's request log line of the session's last turn. */
  const lineOf = (session: Session) =>
    ccb.line((line) => line.msg === 'request' && line.upstream_request_id === session.lastRequestId);

  it('moves a thinking, tool-using session Anthropic → Bedrock → Vertex → a third party → Anthropic with no 400 at any turn', async () => {
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'client', maxRetries: 0 });
    const session = new Session();
    const served = (mock: MockUpstream, count: number) => expect(mock.requestCount).toBe(count);

    // 1–2: Anthropic calls a tool with thinking, then answers its result.
    const first = await session.turn(client, 'please use tool Bash to list the files');
    expect(first.content.map((block) => block.type)).toEqual(['thinking', 'tool_use']);
    await session.turn(client, session.toolResult());
    served(anthropic, 2);
    // A session served in one domain goes byte for byte: what the SDK sent is what Anthropic got.
    const sentBytes = Buffer.from(
      JSON.stringify({ ...session.request(), messages: session.history.slice(0, -1), stream: true }),
    );
    expect(anthropic.requests[1]?.body.equals(sentBytes)).toBe(true);

    // 3–4: Anthropic fails; Bedrock (same signature domain) continues the session, body untouched.
    anthropic.inject({ kind: 'status', status: 500 }, 2);
    const third = await session.turn(client, 'please use tool Bash again');
    expect(third.content.map((block) => block.type)).toEqual(['thinking', 'tool_use']);
    const bedrockLine = await lineOf(session);
    expect(bedrockLine).toMatchObject({ provider: 'bedrock-east', outcome: 'failed_over' });
    expect((bedrockLine.attempts as Record<string, unknown>[])[1]?.session_repair).toBeUndefined();
    const sentToBedrock = bedrock.requests.at(-1)?.json as { messages: unknown; thinking: unknown };
    expect(sentToBedrock.messages).toEqual(session.request().messages.slice(0, -1));
    expect(sentToBedrock.thinking).toEqual({ type: 'adaptive' });
    await session.turn(client, session.toolResult());
    served(bedrock, 2);

    // Anthropic and Bedrock fail; Vertex (same domain again) continues with Bedrock's thinking, body untouched.
    anthropic.inject({ kind: 'status', status: 500 }, 2);
    bedrock.inject(bedrockErrorFault('InternalServerException'), 2);
    const onVertex = await session.turn(client, 'please use tool Bash on Vertex');
    expect(onVertex.content.map((block) => block.type)).toEqual(['thinking', 'tool_use']);
    // Vertex's answers carry no request id of Anthropic's kind: its first request line is this turn's.
    const vertexLine = await ccb.line((line) => line.msg === 'request' && line.provider === 'vertex');
    expect((vertexLine.attempts as Record<string, unknown>[])[2]?.session_repair).toBeUndefined();
    const sentToVertex = vertex.requests.at(-1)?.json as { messages: unknown; thinking: unknown };
    expect(sentToVertex.messages).toEqual(session.request().messages.slice(0, -1));
    expect(sentToVertex.thinking).toEqual({ type: 'adaptive' });
    await session.turn(client, session.toolResult());
    expect(vertex.requests.filter((recorded) => recorded.path.includes(':stream'))).toHaveLength(2);

    // 5–6: Anthropic, Bedrock and Vertex fail; the third party (its own signatures, its own tool ids) takes over.
    anthropic.inject({ kind: 'status', status: 500 });
    bedrock.inject(bedrockErrorFault('InternalServerException'));
    vertex.inject(vertexErrorFault('INTERNAL'));
    const fifth = await session.turn(client, 'please use tool Bash once more');
    expect(fifth.content.map((block) => block.type)).toEqual(['thinking', 'tool_use']);
    expect((fifth.content[1] as Anthropic.ToolUseBlock).id).toBe('functions.Bash:0');
    const kimiLine = await lineOf(session);
    expect(kimiLine.provider).toBe('kimi');
    expect((kimiLine.attempts as Record<string, unknown>[])[3]?.session_repair).toEqual({
      domain: 'kimi',
      thinking_removed: 6,
      redacted_thinking_removed: 0,
      messages_removed: 0,
      tool_ids_rewritten: 0,
      thinking_disabled: false,
    });
    // The client's history is its own: Anthropic's thinking blocks went to Kimi without their signatures' blocks.
    const sentToKimi = kimi.requests.at(-1)?.json as { messages: { content: { type: string }[] | string }[] };
    expect(JSON.stringify(sentToKimi.messages)).not.toContain('"thinking","thinking"');

    // 6: Anthropic is back in the middle of Kimi's tool loop: Kimi's thinking goes, its tool ids are rewritten,
    // and thinking is off for this one request (the turn that called the tool lost its thinking block).
    const sixth = await session.turn(client, session.toolResult());
    expect(sixth.content.map((block) => block.type)).toEqual(['text']);
    // The mock quotes the id it received in its prose: text, which ccb leaves as the upstream wrote it.
    expect((sixth.content[0] as Anthropic.TextBlock).text).toMatch(/functions_Bash_0_[A-Za-z0-9_-]{8}/);
    const backLine = await lineOf(session);
    expect(backLine.provider).toBe('anthropic');
    expect((backLine.attempts as Record<string, unknown>[])[0]?.session_repair).toMatchObject({
      domain: 'anthropic',
      thinking_removed: 1,
      tool_ids_rewritten: 1,
      thinking_disabled: true,
    });
    const sentBack = anthropic.requests.at(-1)?.json as Record<string, unknown>;
    expect(sentBack.thinking).toBeUndefined();
    expect(sentBack.context_management).toBeUndefined();
    expect(JSON.stringify(sentBack.messages)).toMatch(/"tool_use_id":"functions_Bash_0_[A-Za-z0-9_-]{8}"/);
    expect(JSON.stringify(sentBack.messages)).not.toContain('functions.Bash:0');

    // 7–8: the session goes on at Anthropic with thinking; its own new thinking blocks are kept.
    const seventh = await session.turn(client, 'please use tool Bash one last time');
    expect(seventh.content.map((block) => block.type)).toEqual(['thinking', 'tool_use']);
    await session.turn(client, session.toolResult());
    const lastLine = await lineOf(session);
    expect((lastLine.attempts as Record<string, unknown>[])[0]?.session_repair).toMatchObject({
      thinking_disabled: false,
      tool_ids_rewritten: 1,
    });
    const lastSent = anthropic.requests.at(-1)?.json as { thinking?: unknown; messages: unknown[] };
    expect(lastSent.thinking).toEqual({ type: 'adaptive' });
    // The turn Anthropic just signed went back with its thinking.
    expect((lastSent.messages.at(-2) as { content: { type: string }[] }).content[0]?.type).toBe('thinking');
    served(anthropic, 2 + 2 + 2 + 1 + 3);
  });

  it('proves the repair matters: the same histories sent as they are get the real API’s 400s', async () => {
    // What the client holds after a Kimi turn, sent to Anthropic directly, and Anthropic's turns sent to Kimi.
    const direct = (mock: MockUpstream, key: string) =>
      new Anthropic({ baseURL: mock.url, apiKey: key, maxRetries: 0 });
    const session = new Session();
    const viaKimi = direct(kimi, 'key-kimi');
    await session.turn(viaKimi, 'please use tool Bash');
    session.history.push({ role: 'user', content: session.toolResult() });
    const toAnthropic = direct(anthropic, 'key-anthropic').messages.stream(session.request()).finalMessage();
    await expect(toAnthropic).rejects.toMatchObject({
      status: 400,
      error: { error: { message: 'messages.1.content.0: Invalid `signature` in `thinking` block' } },
    });

    const other = new Session();
    await other.turn(direct(anthropic, 'key-anthropic'), 'please use tool Bash');
    other.history.push({ role: 'user', content: other.toolResult() });
    await expect(viaKimi.messages.stream(other.request()).finalMessage()).rejects.toMatchObject({
      status: 400,
    });
  });
});
