import { describe, expect, it } from 'vitest';
import { mergeAnthropicBeta } from './merge-anthropic-beta.js';

describe('mergeAnthropicBeta', () => {
  it("appends a missing beta to the client's list, keeping its values and order", () => {
    const headers = [
      'x-app',
      'cli',
      'anthropic-beta',
      'claude-code-20250219,interleaved-thinking-2025-05-14',
    ];
    mergeAnthropicBeta(headers, ['oauth-2025-04-20']);
    expect(headers).toEqual([
      'x-app',
      'cli',
      'anthropic-beta',
      'claude-code-20250219,interleaved-thinking-2025-05-14,oauth-2025-04-20',
    ]);
  });

  it('leaves the list as it is when the client already asked for the beta, spaces and all', () => {
    const headers = ['anthropic-beta', 'oauth-2025-04-20, claude-code-20250219'];
    mergeAnthropicBeta(headers, ['oauth-2025-04-20']);
    expect(headers).toEqual(['anthropic-beta', 'oauth-2025-04-20, claude-code-20250219']);
  });

  it('adds the header when the client sent none, and fills an empty one', () => {
    const none = ['x-app', 'cli'];
    mergeAnthropicBeta(none, ['a-1', 'b-2']);
    expect(none).toEqual(['x-app', 'cli', 'anthropic-beta', 'a-1,b-2']);
    const empty = ['anthropic-beta', ''];
    mergeAnthropicBeta(empty, ['a-1', 'a-1']);
    expect(empty).toEqual(['anthropic-beta', 'a-1']);
  });
});
