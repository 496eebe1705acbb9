import { countTokensPath, messagesPath } from './api-routes.js';

/**
 * The part of the Anthropic API a request addresses, as far as ccb treats them apart: the Messages API
 * (`POST /v1/messages`), its token counter (`/v1/messages/count_tokens`), the model list (`/v1/models` and
 * `/v1/models/{id}`), and every other `/v1/` path (batches, files, the Admin API, whatever a client sends).
 */
export type ApiSurface = 'messages' | 'count_tokens' | 'models' | 'other';

const modelsPath = '/v1/models';

/** The surface of a request path (without its query string; compared as written, so normalise it first). */
export function apiSurfaceOf(path: string): ApiSurface {
  if (path === messagesPath) return 'messages';
  if (path === countTokensPath) return 'count_tokens';
  if (path === modelsPath || path.startsWith(`${modelsPath}/`)) return 'models';
  return 'other';
}

/**
 * Whether an answer on `api` can judge a provider's credentials and account: the Messages API and its token
 * counter, which every provider ccb routes to serves with the same key and permissions. Elsewhere a 401 or 403
 * may be about the endpoint (the Admin API wants an admin key, a compatible provider may not serve the path at
 * all), and the client picks the path, so it must not bench a provider for everyone.
 */
export function judgesCredentials(api: ApiSurface): boolean {
  return api === 'messages' || api === 'count_tokens';
}
