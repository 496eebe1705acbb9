import { capabilitiesOfKind } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import { betaFilterOf, filterAnthropicBeta } from './beta-filter.js';

describe('betaFilterOf', () => {
  it('is undefined for a provider that takes every flag (no cost per request)', () => {
    expect(betaFilterOf(undefined)).toBeUndefined();
    expect(betaFilterOf(capabilitiesOfKind('anthropic', 'a'))).toBeUndefined();
  });

  it('keeps the accepted flags in the client’s order', () => {
    const filter = betaFilterOf(capabilitiesOfKind('bedrock', 'b'));
    expect(filter?.('claude-code-20250219, interleaved-thinking-2025-05-14,context-1m-2025-08-07')).toBe(
      'interleaved-thinking-2025-05-14,context-1m-2025-08-07',
    );
  });

  it('returns an unchanged value as is, and an empty string when nothing is left', () => {
    const filter = betaFilterOf(capabilitiesOfKind('bedrock', 'b'));
    const value = 'interleaved-thinking-2025-05-14, effort-2025-11-24';
    expect(filter?.(value)).toBe(value);
    expect(filter?.('claude-code-20250219')).toBe('');
  });

  it('removes the 1M and context-management betas for a provider without them, whatever betas says', () => {
    const filter = betaFilterOf(capabilitiesOfKind('anthropic-compatible', 'glm'));
    expect(filter?.('context-1m-2025-08-07,claude-code-20250219,context-management-2025-06-27')).toBe(
      'claude-code-20250219',
    );
  });
});

describe('filterAnthropicBeta', () => {
  it('drops the header when no flag is left', () => {
    const headers = ['accept', 'x', 'anthropic-beta', 'a,b', 'user-agent', 'y'];
    filterAnthropicBeta(headers, () => '');
    expect(headers).toEqual(['accept', 'x', 'user-agent', 'y']);
  });
});
