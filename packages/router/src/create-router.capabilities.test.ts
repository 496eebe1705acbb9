import { type AttemptOutcome, capabilitiesOfKind } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import { createRouter, type RouterOptions } from './create-router.js';
import type { RouteRequest } from './route-request.js';

const success: AttemptOutcome = { result: 'success', status: 200 };
const failure: AttemptOutcome = { result: 'failure', failure: 'connect' };

const anthropic = { name: 'anthropic', capabilities: capabilitiesOfKind('anthropic', 'anthropic') };
const bedrock = { name: 'bedrock-east', capabilities: capabilitiesOfKind('bedrock', 'bedrock-east') };
const vertex = { name: 'vertex', capabilities: capabilitiesOfKind('vertex', 'vertex') };
const glm = { name: 'glm', capabilities: capabilitiesOfKind('anthropic-compatible', 'glm') };

function router(targets: RouterOptions['targets'], options: Partial<RouterOptions> = {}) {
  return createRouter({ targets, strategy: 'priority', random: () => 0, ...options });
}

describe('routing by capability', () => {
  it('leaves out targets without a server tool the request declares', () => {
    const plan = router([bedrock, glm, vertex, anthropic]).route({ needs: { serverTools: ['web_search'] } });
    expect(plan.providers).toEqual(['vertex', 'anthropic']);
    expect(plan.unsupported).toBeUndefined();
  });

  it('names the missing capability and the providers considered when none is left', () => {
    const plan = router([bedrock, glm]).route({
      model: 'claude-sonnet-4-5',
      needs: { serverTools: ['web_search'] },
    });
    expect(plan.providers).toEqual([]);
    expect(plan.unsupported).toEqual({
      capability: 'the server tool web_search',
      providers: ['bedrock-east', 'glm'],
    });
  });

  it('sends count_tokens only to providers that count, and says so when none does', () => {
    expect(router([glm, anthropic]).route({ api: 'count_tokens' }).providers).toEqual(['anthropic']);
    const plan = router([glm]).route({ api: 'count_tokens' });
    expect(plan.providers).toEqual([]);
    expect(plan.unsupported?.capability).toBe('count_tokens');
  });

  it('treats real context_management edits and a 1M request as dependences', () => {
    const targets = [glm, bedrock];
    expect(router(targets).route({ needs: { contextManagement: true } }).providers).toEqual(['bedrock-east']);
    expect(router(targets).route({ needs: { context1m: true } }).providers).toEqual(['bedrock-east']);
    expect(router([glm]).route({ needs: { context1m: true } }).unsupported?.capability).toBe(
      'the 1M context window (context-1m-2025-08-07)',
    );
  });

  it('leaves plans alone for requests without needs, and when every target has everything', () => {
    expect(router([glm, anthropic]).route({}).providers).toEqual(['glm', 'anthropic']);
    const plan = router([{ name: 'a' }, { name: 'b' }]).route({
      api: 'count_tokens',
      needs: { serverTools: ['web_search'] },
    });
    expect(plan.providers).toEqual(['a', 'b']);
  });

  it('refuses a malformed capabilities object', () => {
    expect(() => router([{ name: 'x', capabilities: { signatureDomain: 'x' } as never }])).toThrow(
      /"capabilities" must be a ProviderCapabilities object/,
    );
  });

  it('keeps tier order among the targets left', () => {
    const plan = router([
      { ...glm, priority: 1 },
      { ...bedrock, priority: 1 },
      { ...anthropic, priority: 2 },
    ]).route({ needs: { contextManagement: true } });
    expect(plan.providers).toEqual(['bedrock-east', 'anthropic']);
  });
});

describe('signature domains', () => {
  const session: RouteRequest = { model: 'claude-sonnet-4-5', sessionKey: 's1' };

  it('ranks candidates of the bound domain before other domains when the bound provider fails', () => {
    // glm first by priority, so only the domain preference can put bedrock before it.
    const subject = router([anthropic, { ...glm, priority: 2 }, { ...bedrock, priority: 3 }]);
    subject.report('anthropic', success, session);
    for (let count = 0; count < 5; count++) subject.report('anthropic', failure, session);
    const plan = subject.route(session);
    expect(plan.providers).toEqual(['bedrock-east', 'glm']);
    expect(plan.crossesDomain).toBeUndefined();
    expect(plan.sessionDomain).toBe('anthropic');
  });

  it('keeps same-domain fallbacks behind the bound provider', () => {
    const subject = router([{ ...glm, priority: 1 }, anthropic, { ...vertex, priority: 3 }]);
    subject.report('anthropic', success, session);
    expect(subject.route(session).providers).toEqual(['anthropic', 'vertex', 'glm']);
  });

  it('marks a plan whose first choice crosses the session’s domain', () => {
    const subject = router([anthropic, glm]);
    subject.report('anthropic', success, session);
    for (let count = 0; count < 5; count++) subject.report('anthropic', failure, session);
    const plan = subject.route(session);
    expect(plan.providers).toEqual(['glm']);
    expect(plan.crossesDomain).toBe(true);
    expect(plan.sessionDomain).toBe('anthropic');
  });

  it('does not mark a new session or one bound within the chosen domain', () => {
    const subject = router([anthropic, glm]);
    expect(subject.route(session)).toEqual({ providers: ['anthropic', 'glm'], affinity: false });
    subject.report('glm', success, session);
    const plan = subject.route(session);
    expect(plan.providers[0]).toBe('glm');
    expect(plan.crossesDomain).toBeUndefined();
  });
});
