import { ProviderError } from '../provider-error.js';

/** What the user pasted from the sign-in page, split. */
export interface PastedCode {
  readonly code: string;
  readonly state: string;
}

/**
 * Splits what Claude's callback page shows, `code#state`, after trimming surrounding whitespace (a copied
 * newline). Also accepts the whole callback URL (`…?code=…&state=…`), which users paste by mistake.
 * @throws ProviderError `CCB_PROVIDER_OAUTH_CODE_INVALID` when no code and state can be found; the message never
 *   repeats the pasted text
 */
export function parsePastedCode(text: string): PastedCode {
  const trimmed = text.trim();
  const fromUrl = parseCallbackUrl(trimmed);
  if (fromUrl !== undefined) return fromUrl;
  const hash = trimmed.indexOf('#');
  const code = hash === -1 ? '' : trimmed.slice(0, hash).trim();
  const state = hash === -1 ? '' : trimmed.slice(hash + 1).trim();
  if (code === '' || state === '' || /\s/.test(code) || /\s/.test(state)) {
    throw new ProviderError(
      'CCB_PROVIDER_OAUTH_CODE_INVALID',
      'The pasted text is not a login code: copy the whole "code#state" the sign-in page shows, then paste it again.',
    );
  }
  return Object.freeze({ code, state });
}

function parseCallbackUrl(text: string): PastedCode | undefined {
  if (!/^https?:\/\//i.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const code = url.searchParams.get('code');
  const state = url.searchParams.get('state');
  if (code === null || code === '' || state === null || state === '') return undefined;
  return Object.freeze({ code, state });
}
