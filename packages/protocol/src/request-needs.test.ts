import { describe, expect, it } from 'vitest';
import { capabilitiesOfKind } from './provider-capabilities.js';
import { hasCapabilityGaps, missingCapability } from './request-needs.js';

const firstParty = capabilitiesOfKind('anthropic', 'a');
const bedrock = capabilitiesOfKind('bedrock', 'b');
const glm = capabilitiesOfKind('anthropic-compatible', 'glm');

describe('hasCapabilityGaps', () => {
  it('is false for the first-party profile and no profile, true where something lacks', () => {
    expect(hasCapabilityGaps(undefined)).toBe(false);
    expect(hasCapabilityGaps(firstParty)).toBe(false);
    expect(hasCapabilityGaps(bedrock)).toBe(true);
    expect(hasCapabilityGaps(glm)).toBe(true);
  });
});

describe('missingCapability', () => {
  it('names the first need a profile lacks', () => {
    expect(
      missingCapability(bedrock, { serverTools: ['tool_search_tool_regex', 'web_fetch'] }, 'messages'),
    ).toBe('the server tool web_fetch');
    expect(missingCapability(glm, { contextManagement: true }, 'messages')).toBe('context_management');
    expect(missingCapability(glm, undefined, 'count_tokens')).toBe('count_tokens');
    expect(missingCapability(glm, { context1m: true }, 'messages')).toBe(
      'the 1M context window (context-1m-2025-08-07)',
    );
  });

  it('is undefined when the profile has everything needed', () => {
    expect(missingCapability(undefined, { serverTools: ['web_search'] }, 'count_tokens')).toBeUndefined();
    expect(
      missingCapability(firstParty, { serverTools: ['web_search'], contextManagement: true }, 'messages'),
    ).toBeUndefined();
    expect(missingCapability(bedrock, { context1m: true }, 'messages')).toBeUndefined();
    expect(missingCapability(capabilitiesOfKind('vertex', 'v'), undefined, 'count_tokens')).toBeUndefined();
    expect(missingCapability(glm, {}, 'messages')).toBeUndefined();
  });
});
