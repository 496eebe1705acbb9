/** A method on a path pattern, such as `GET /v1/models/*`. */
export interface ApiRoutePattern {
  /** An upper-case HTTP method. */
  readonly method: string;
  /** The path, starting with `/v1/`; a segment `*` stands for any one segment. */
  readonly path: string;
  /** The path's segments after the leading `/` (`['v1', 'models', '*']`). */
  readonly segments: readonly string[];
}

/** One operation of the Anthropic API, and the media type its request body must have. */
export interface ApiRoute extends ApiRoutePattern {
  /** Required `content-type` of the request (parameters such as `charset` aside); `undefined`: not checked. */
  readonly contentType: 'application/json' | 'multipart/form-data' | undefined;
}

/** Why a route pattern was refused. */
export interface ApiRouteProblem {
  readonly problem: string;
}

// A literal segment: RFC 3986 pchar without percent-escapes and without `*`, which is the wildcard.
const literalSegment = /^[A-Za-z0-9\-._~!$&'()+,;=:@]+$/;

/** Methods an allow-listed route may name; `OPTIONS` (answered by ccb), `TRACE` and `CONNECT` never go upstream. */
export const forwardableMethods: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The path of the Messages API, and of its token counter. */
export const messagesPath = '/v1/messages';
export const countTokensPath = '/v1/messages/count_tokens';

/**
 * The Anthropic API surface that ccb forwards (https://docs.claude.com/en/api/overview; the official SDK's resources):
 * Messages and token counting, Models, Message Batches and Files. `*` is one id (`msgbatch_…`, `file_…`, a model id).
 * Every other path, and every other method on these paths, stays with ccb unless `server.extra_api_routes` adds it.
 */
export const anthropicApiRoutes: readonly ApiRoute[] = [
  route('POST /v1/messages', 'application/json'),
  route('POST /v1/messages/count_tokens', 'application/json'),
  route('GET /v1/models'),
  route('GET /v1/models/*'),
  route('POST /v1/messages/batches', 'application/json'),
  route('GET /v1/messages/batches'),
  route('GET /v1/messages/batches/*'),
  route('DELETE /v1/messages/batches/*'),
  // Cancelling sends no body: its content type is not checked.
  route('POST /v1/messages/batches/*/cancel'),
  route('GET /v1/messages/batches/*/results'),
  route('POST /v1/files', 'multipart/form-data'),
  route('GET /v1/files'),
  route('GET /v1/files/*'),
  route('DELETE /v1/files/*'),
  route('GET /v1/files/*/content'),
];

/**
 * Reads a route pattern written as `"METHOD /v1/path"`: one upper-case method of {@link forwardableMethods}, one
 * space, and a path starting with `/v1/` made of non-empty segments, each either `*` (any one segment, never an
 * empty one and never `/`) or literal text (letters, digits and `-._~!$&'()*+,;=:@`; no `%`, no `.` or `..`
 * segment). Literal segments match case-sensitively, against the request path after ccb normalised it.
 */
export function parseApiRoutePattern(text: string): ApiRoutePattern | ApiRouteProblem {
  const space = text.indexOf(' ');
  if (space === -1) return { problem: 'expected "METHOD /v1/path", e.g. "GET /v1/organizations/*"' };
  const method = text.slice(0, space);
  const path = text.slice(space + 1);
  if (!forwardableMethods.includes(method)) {
    return {
      problem: `the method must be one of ${forwardableMethods.join(', ')} (upper case); got "${method}"`,
    };
  }
  if (!path.startsWith('/v1/')) return { problem: `the path must start with /v1/; got "${path}"` };
  const segments = path.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '')
      return { problem: `the path has an empty segment ("//" or a trailing "/"): "${path}"` };
    if (segment === '*') continue;
    if (segment === '.' || segment === '..')
      return { problem: `the path has a "." or ".." segment: "${path}"` };
    if (!literalSegment.test(segment)) {
      return {
        problem: `segment "${segment}" of "${path}" must be "*" (one whole segment) or letters, digits and -._~!$&'()+,;=:@`,
      };
    }
  }
  return { method, path, segments };
}

/** Whether `pattern`'s path matches a normalised request path (no empty, `.` or `..` segment). */
export function matchesApiRoutePath(pattern: ApiRoutePattern, path: string): boolean {
  const { segments } = pattern;
  let at = 1;
  for (let index = 0; index < segments.length; index++) {
    if (at > path.length) return false;
    let end = path.indexOf('/', at);
    if (end === -1) end = path.length;
    const segment = segments[index] as string;
    if (segment === '*' ? end === at : path.slice(at, end) !== segment) return false;
    at = end + 1;
  }
  return at === path.length + 1;
}

function route(text: string, contentType?: ApiRoute['contentType']): ApiRoute {
  const pattern = parseApiRoutePattern(text);
  if ('problem' in pattern) throw new Error(`bad built-in route ${text}: ${pattern.problem}`);
  return { ...pattern, contentType };
}
