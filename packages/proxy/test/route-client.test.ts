import { createMockUpstream } from '@ccb/mock-upstream';
import { describe, expect, it } from 'vitest';
import { fixedPlanner, messageBody, post, startProxy, target } from './harness.js';

const claudeCodeHeaders = { 'user-agent': 'claude-cli/2.1.112 (external, cli)', 'x-app': 'cli' };

describe('whether a request comes from Claude Code', () => {
  it('is told to a planner with OAuth subscription targets, from the user-agent or x-app header', async () => {
    const mock = await createMockUpstream({ name: 'm1' });
    const planner = { ...fixedPlanner(['m1']), hasOAuthTargets: true };
    const proxy = await startProxy([target('m1', mock.url)], { planner });
    try {
      await post(proxy.url, '/v1/messages', messageBody(), claudeCodeHeaders);
      await post(proxy.url, '/v1/messages', messageBody(), {
        'user-agent': 'claude-cli/2.1.112 (external, cli)',
      });
      await post(proxy.url, '/v1/messages', messageBody(), { 'x-app': 'cli' });
      await post(proxy.url, '/v1/messages', messageBody(), { 'user-agent': 'python-httpx/0.28' });
      await post(proxy.url, '/v1/messages/count_tokens', messageBody(), { 'user-agent': 'curl/8.5.0' });
      expect(planner.routed.map((route) => route.fromClaudeCode)).toEqual([true, true, true, false, false]);
    } finally {
      await proxy.close();
      await mock.close();
    }
  });

  it('is left unknown for a planner without them', async () => {
    const mock = await createMockUpstream({ name: 'm1' });
    const planner = fixedPlanner(['m1']);
    const proxy = await startProxy([target('m1', mock.url)], { planner });
    try {
      await post(proxy.url, '/v1/messages', messageBody(), claudeCodeHeaders);
      await post(proxy.url, '/v1/messages', messageBody(), { 'user-agent': 'python-httpx/0.28' });
      expect(planner.routed.map((route) => route.fromClaudeCode)).toEqual([undefined, undefined]);
    } finally {
      await proxy.close();
      await mock.close();
    }
  });
});
