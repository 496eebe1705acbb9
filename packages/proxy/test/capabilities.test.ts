import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { capabilitiesOfKind, type ProviderCapabilities } from '@ccb/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UpstreamTarget } from '../src/index.js';
import { fixedPlanner, messageBody, post, type StartedProxy, startProxy, target } from './harness.js';

const claudeCodeBetas =
  'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,fine-grained-tool-streaming-2025-05-14';
const noOpEdit = { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] };

function withCapabilities(base: UpstreamTarget, capabilities: ProviderCapabilities): UpstreamTarget {
  return { ...base, capabilities };
}

/** A body shaped like Claude Code's, with its four cache_control breakpoints. */
function claudeCodeBody(extra: Record<string, unknown> = {}): string {
  const cached = { type: 'ephemeral' };
  return JSON.stringify({
    model: 'claude-sonnet-4-6',
    max_tokens: 64,
    system: [
      { type: 'text', text: 'You are Claude Code.', cache_control: cached },
      { type: 'text', text: 'More instructions.', cache_control: cached },
    ],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'first', cache_control: cached }] },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: [{ type: 'text', text: 'second', cache_control: cached }] },
    ],
    context_management: noOpEdit,
    ...extra,
  });
}

describe('capabilities in the proxy', () => {
  let mock: MockUpstream;
  let proxy: StartedProxy | undefined;

  beforeEach(async () => {
    mock = await createMockUpstream({ name: 'm1', apiKey: 'key-m1' });
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await mock.close();
  });

  it('forwards the header and the body byte-exact, four cache_control blocks and all, to a provider that takes everything', async () => {
    proxy = await startProxy([
      withCapabilities(target('m1', mock.url), capabilitiesOfKind('anthropic', 'm1')),
    ]);
    const body = claudeCodeBody();
    const response = await post(proxy.url, '/v1/messages', body, { 'anthropic-beta': claudeCodeBetas });
    expect(response.status).toBe(200);
    expect(mock.requests[0]?.headers['anthropic-beta']).toBe(claudeCodeBetas);
    expect(mock.requests[0]?.body.toString()).toBe(body);
    expect(body.match(/cache_control/g)).toHaveLength(4);
  });

  it('keeps only the flags a list accepts, in the client’s order, and merges required betas after', async () => {
    const bedrock = { ...capabilitiesOfKind('bedrock', 'm1'), contextManagement: true };
    proxy = await startProxy([
      { ...withCapabilities(target('m1', mock.url), bedrock), requiredBetas: ['oauth-2025-04-20'] },
    ]);
    const body = claudeCodeBody();
    await post(proxy.url, '/v1/messages', body, { 'anthropic-beta': claudeCodeBetas });
    expect(mock.requests[0]?.headers['anthropic-beta']).toBe(
      'interleaved-thinking-2025-05-14,context-management-2025-06-27,oauth-2025-04-20',
    );
    expect(mock.requests[0]?.body.toString()).toBe(body);
  });

  it('drops the header when no flag is left', async () => {
    proxy = await startProxy([withCapabilities(target('m1', mock.url), capabilitiesOfKind('bedrock', 'm1'))]);
    await post(proxy.url, '/v1/messages', messageBody(), { 'anthropic-beta': 'claude-code-20250219' });
    expect(mock.requests[0]?.headers['anthropic-beta']).toBeUndefined();
  });

  it('removes Claude Code’s no-op context_management and its beta for a third party, every other byte kept', async () => {
    proxy = await startProxy([
      withCapabilities(target('m1', mock.url), capabilitiesOfKind('anthropic-compatible', 'm1')),
    ]);
    const body = claudeCodeBody();
    await post(proxy.url, '/v1/messages', body, { 'anthropic-beta': claudeCodeBetas });
    expect(mock.requests[0]?.headers['anthropic-beta']).toBe(
      'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
    );
    expect(mock.requests[0]?.body.toString()).toBe(
      body.replace(`,"context_management":${JSON.stringify(noOpEdit)}`, ''),
    );
  });

  it('removes it after a model rewrite that moved it', async () => {
    const base = target('m1', mock.url, { modelMap: { 'claude-sonnet-4-6': 'glm-4.6-long-name' } });
    proxy = await startProxy([withCapabilities(base, capabilitiesOfKind('anthropic-compatible', 'm1'))]);
    const body = claudeCodeBody();
    await post(proxy.url, '/v1/messages', body);
    expect(JSON.parse(mock.requests[0]?.body.toString() ?? '{}')).toEqual({
      ...JSON.parse(body),
      model: 'glm-4.6-long-name',
      context_management: undefined,
    });
  });

  describe('what routing is told a request needs', () => {
    async function routed(
      body: string,
      headers: Record<string, string> = {},
      kind: 'anthropic-compatible' | 'anthropic' = 'anthropic-compatible',
    ) {
      const planner = fixedPlanner(['m1']);
      proxy = await startProxy([withCapabilities(target('m1', mock.url), capabilitiesOfKind(kind, 'm1'))], {
        planner,
      });
      await post(proxy.url, '/v1/messages', body, headers);
      return planner.routed[0]?.needs;
    }

    it('names the server tools a request declares', async () => {
      const tools = [
        { name: 'Read', description: 'a tool', input_schema: { type: 'object' } },
        { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
        { type: 'web_fetch_20250910', name: 'web_fetch' },
      ];
      expect(await routed(messageBody({ tools }))).toEqual({ serverTools: ['web_search', 'web_fetch'] });
    });

    it('does not take a tool description that quotes a server tool type for the tool', async () => {
      const tools = [
        { name: 'Doc', description: 'see "web_search_20250305"', input_schema: { type: 'object' } },
      ];
      expect(await routed(messageBody({ tools }))).toBeUndefined();
    });

    it('counts a real context_management edit, not Claude Code’s no-op', async () => {
      expect(await routed(claudeCodeBody())).toBeUndefined();
      await proxy?.close();
      const real = {
        edits: [{ type: 'clear_tool_uses_20250919', trigger: { type: 'input_tokens', value: 30000 } }],
      };
      expect(await routed(messageBody({ context_management: real }))).toEqual({ contextManagement: true });
    });

    it('counts the 1M beta only for a request beyond the standard window', async () => {
      const headers = { 'anthropic-beta': 'context-1m-2025-08-07' };
      expect(await routed(messageBody(), headers)).toBeUndefined();
      expect(mock.requests[0]?.headers['anthropic-beta']).toBeUndefined();
      await proxy?.close();
      const large = messageBody({ messages: [{ role: 'user', content: 'x'.repeat(900_000) }] });
      expect(await routed(large, headers)).toEqual({ context1m: true });
    });

    it('reads nothing when every provider has every capability', async () => {
      const tools = [{ type: 'web_search_20250305', name: 'web_search' }];
      expect(await routed(messageBody({ tools }), {}, 'anthropic')).toBeUndefined();
    });
  });

  it('answers 400 naming the capability and the providers when the plan says none has it', async () => {
    const planner = fixedPlanner([], {
      unsupported: { capability: 'the server tool web_search', providers: ['bedrock-east', 'glm'] },
    });
    proxy = await startProxy([target('m1', mock.url)], { planner });
    const response = await post(proxy.url, '/v1/messages', messageBody());
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).error).toEqual({
      type: 'invalid_request_error',
      message: 'no configured provider supports the server tool web_search (tried: bedrock-east, glm)',
    });
    expect(mock.requests).toHaveLength(0);
  });

  it('records when the provider that served is of another domain than the session’s binding', async () => {
    proxy = await startProxy([target('m1', mock.url)], {
      planner: fixedPlanner(['m1'], { sessionDomain: 'glm' }),
    });
    const crossing = proxy.nextRecord();
    await post(proxy.url, '/v1/messages', messageBody());
    expect((await crossing).crossesDomain).toBe(true);
    await proxy.close();
    proxy = await startProxy([target('m1', mock.url)], {
      planner: fixedPlanner(['m1'], { sessionDomain: 'anthropic' }),
    });
    const staying = proxy.nextRecord();
    await post(proxy.url, '/v1/messages', messageBody());
    expect((await staying).crossesDomain).toBeUndefined();
  });
});
