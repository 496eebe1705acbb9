import { capabilitiesOfKind } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import type { RouteRequest, UpstreamTarget } from './ports.js';
import { SessionDomains } from './session-domains.js';
import { SessionRepair, signatureDomainOf, spansSignatureDomains } from './session-repair.js';

const target = (name: string, kind?: 'anthropic' | 'bedrock' | 'anthropic-compatible') =>
  ({ name, capabilities: kind === undefined ? undefined : capabilitiesOfKind(kind, name) }) as UpstreamTarget;
const anthropic = target('anthropic');
const bedrock = target('bedrock-east', 'bedrock');
const glm = target('glm', 'anthropic-compatible');
const route: RouteRequest = { api: 'messages', sessionKey: 'session-1' };

const body = Buffer.from(
  JSON.stringify({
    messages: [
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 't', signature: 'sig-glm' },
          { type: 'text', text: 'x' },
        ],
      },
      { role: 'user', content: 'again' },
    ],
  }),
);

describe('SessionRepair', () => {
  it('reads each target’s domain: Anthropic, Bedrock and Vertex share one, a third party has its own', () => {
    expect(signatureDomainOf(anthropic)).toBe('anthropic');
    expect(signatureDomainOf(bedrock)).toBe('anthropic');
    expect(signatureDomainOf(glm)).toBe('glm');
    expect(spansSignatureDomains([anthropic, bedrock])).toBe(false);
    expect(spansSignatureDomains([anthropic, bedrock, glm])).toBe(true);
  });

  it('sends the body as it is for an unknown session, or one served only in the target’s domain', () => {
    const domains = new SessionDomains();
    const repair = new SessionRepair(domains);
    expect(repair.prepare(route, anthropic, () => body)).toBeUndefined();
    domains.served('session-1', 'anthropic');
    expect(repair.prepare(route, bedrock, () => body)).toBeUndefined();
    expect(repair.prepare({ ...route, sessionKey: undefined }, anthropic, () => body)).toBeUndefined();
  });

  it('repairs for a target when the session was served in another domain, keeping what that domain signed', () => {
    const domains = new SessionDomains();
    const repair = new SessionRepair(domains);
    const capture = repair.captureFor(route, glm);
    capture?.served(['sig-glm']);
    domains.served('session-1', 'anthropic');
    const toAnthropic = repair.prepare(route, anthropic, () => body);
    expect(toAnthropic?.report).toMatchObject({ domain: 'anthropic', thinkingRemoved: 1 });
    // Back at the third party, its own block is known to be its own: nothing to change.
    expect(repair.prepare(route, glm, () => body)).toBeUndefined();
  });

  it('forgets a visit elsewhere that left nothing in the history, so later turns go without a parse', () => {
    const domains = new SessionDomains();
    const repair = new SessionRepair(domains);
    repair.captureFor(route, anthropic)?.served(['sig-anthropic']);
    // A background call served by the third party: its answer is not part of the conversation.
    domains.served('session-1', 'glm');
    const unreadable = Buffer.from('{"messages": [1, ');
    expect(repair.prepare(route, anthropic, () => unreadable)).toBeUndefined();
    expect([...(domains.domainsOf('session-1') ?? [])]).toEqual(['anthropic', 'glm']);
    const own = Buffer.from(body.toString().replace('sig-glm', 'sig-anthropic'));
    expect(repair.prepare(route, anthropic, () => own)).toBeUndefined();
    expect([...(domains.domainsOf('session-1') ?? [])]).toEqual(['anthropic']);
  });

  it('captures only for Messages calls with a session', () => {
    const repair = new SessionRepair(new SessionDomains());
    expect(repair.captureFor({ api: 'count_tokens', sessionKey: 's' }, anthropic)).toBeUndefined();
    expect(repair.captureFor({ api: 'messages' }, anthropic)).toBeUndefined();
    expect(repair.captureFor(route, anthropic)).toBeDefined();
  });
});
