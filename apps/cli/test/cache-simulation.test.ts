import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { describe, expect, it } from 'vitest';
import { startCcb, tempDir } from './run-cli.js';

/**
 * A simulated day of Claude Code sessions: each turn resends the system prompt and the growing conversation with
 * `cache_control` on the system prompt and on the newest user message, as Claude Code does
 * (https://platform.claude.com/docs/en/build-with-claude/streaming). The mock upstreams simulate Anthropic's prompt cache per instance (per account).
 */
// An odd number of sessions, so plain round-robin does not happen to pin each session to one provider.
const sessions = 15;
const turns = 8;
const systemPrompt = `You are Claude Code, Anthropic's official CLI for Claude. ${'Follow the repository conventions. '.repeat(200)}`;

interface Conversation {
  readonly sessionId: string;
  readonly messages: Anthropic.MessageParam[];
}

function turnRequest(conversation: Conversation, turn: number): Anthropic.MessageCreateParamsNonStreaming {
  const question = `Session ${conversation.sessionId}, turn ${turn}: ${'here is the next file to review, line by line. '.repeat(170)}`;
  const history = conversation.messages.map((message) => ({
    role: message.role,
    content:
      typeof message.content === 'string'
        ? [{ type: 'text' as const, text: message.content }]
        : message.content,
  }));
  return {
    model: 'claude-sonnet-4-6',
    max_tokens: 256,
    system: [{ type: 'text', text: systemPrompt, cache_control: { type: 'ephemeral' } }],
    metadata: {
      user_id: JSON.stringify({ device_id: 'sim', account_uuid: '', session_id: conversation.sessionId }),
    },
    messages: [
      ...(history as Anthropic.MessageParam[]),
      { role: 'user', content: [{ type: 'text', text: question, cache_control: { type: 'ephemeral' } }] },
    ],
  };
}

/** Runs the day through a ccb with `providers` and returns the cache hit rate the upstreams saw. */
async function simulate(providerCount: number, routing: string): Promise<number> {
  const mocks: MockUpstream[] = [];
  for (let index = 0; index < providerCount; index++) {
    mocks.push(await createMockUpstream({ name: `p${index}`, apiKey: `key-${index}`, promptCache: true }));
  }
  const dir = await tempDir();
  const config = await dir.write(
    'ccb.yaml',
    [
      `routing: ${routing}`,
      'ledger: { enabled: false }',
      'providers:',
      ...mocks.flatMap((mock, index) => [
        `  - name: p${index}`,
        `    base_url: ${mock.url}`,
        `    api_key: key-${index}`,
      ]),
    ].join('\n'),
  );
  const ccb = await startCcb(['serve', '--config', config, '--port', '0']);
  try {
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'x', maxRetries: 0 });
    const conversations: Conversation[] = Array.from({ length: sessions }, (_, index) => ({
      sessionId: `sim-session-${index}`,
      messages: [],
    }));
    // Sessions interleave turn by turn, as a team's Claude Code sessions do.
    for (let turn = 0; turn < turns; turn++) {
      for (const conversation of conversations) {
        const request = turnRequest(conversation, turn);
        const reply = await client.messages.create(request);
        const asked = request.messages.at(-1) as Anthropic.MessageParam;
        conversation.messages.push(
          {
            role: 'user',
            content: (asked.content as Anthropic.TextBlockParam[]).map(({ type, text }) => ({ type, text })),
          },
          {
            role: 'assistant',
            content: reply.content.map((block) =>
              block.type === 'text' ? { type: 'text', text: block.text } : block,
            ) as Anthropic.ContentBlockParam[],
          },
        );
      }
    }
    let read = 0;
    let total = 0;
    for (const mock of mocks) {
      const stats = mock.cacheStats();
      read += stats.readTokens;
      total += stats.readTokens + stats.creationTokens + stats.inputTokens;
    }
    return read / total;
  } finally {
    await ccb.stop();
    await dir.dispose();
    await Promise.all(mocks.map((mock) => mock.close()));
  }
}

describe('prompt-cache-aware routing over a simulated day', () => {
  it('keeps the cache hit rate of a single provider with affinity, where plain round-robin loses it', {
    timeout: 120_000,
  }, async () => {
    const single = await simulate(1, '{ strategy: round-robin }');
    const withAffinity = await simulate(2, '{ strategy: round-robin }');
    const withoutAffinity = await simulate(2, '{ strategy: round-robin, affinity: { enabled: false } }');
    const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
    console.log(
      `cache hit rate over ${sessions} sessions × ${turns} turns: one provider ${percent(single)}, ` +
        `two providers with affinity ${percent(withAffinity)}, two providers round-robin without affinity ${percent(withoutAffinity)}`,
    );
    expect(single).toBeGreaterThan(0.5);
    expect(Math.abs(withAffinity - single)).toBeLessThan(0.03);
    expect(withoutAffinity).toBeLessThan(single - 0.1);
  });
});
