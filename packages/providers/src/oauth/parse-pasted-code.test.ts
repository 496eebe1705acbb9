import { describe, expect, it } from 'vitest';
import { ProviderError } from '../provider-error.js';
import { parsePastedCode } from './parse-pasted-code.js';

describe('parsePastedCode', () => {
  it('splits code#state and trims a copied newline', () => {
    expect(parsePastedCode('  abc123#st-ate_9\n')).toEqual({ code: 'abc123', state: 'st-ate_9' });
  });

  it('accepts the callback URL pasted instead of the code', () => {
    expect(parsePastedCode('https://platform.claude.com/oauth/code/callback?code=abc&state=xyz')).toEqual({
      code: 'abc',
      state: 'xyz',
    });
  });

  it.each(['', 'no-hash-here', '#state-only', 'code-only#', 'two words#state'])(
    'refuses %j with a typed error that does not repeat the input',
    (text) => {
      let thrown: unknown;
      try {
        parsePastedCode(text);
      } catch (error) {
        thrown = error;
      }
      expect(ProviderError.is(thrown, 'CCB_PROVIDER_OAUTH_CODE_INVALID')).toBe(true);
      if (text !== '') expect((thrown as Error).message).not.toContain(text);
    },
  );
});
