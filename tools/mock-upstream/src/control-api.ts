import { parseFault } from './fault.js';
import type { Exchange, MockContext } from './mock-context.js';
import { sendBody, sendError } from './mock-context.js';
import { MockUpstreamError } from './mock-upstream-error.js';
import { handleOAuthControl, oauthControlPrefix } from './oauth-control.js';
import { emptyPromptCacheStats } from './prompt-cache.js';

/** Path prefix of the runtime control API; never recorded, never faulted, never authenticated. */
export const controlPathPrefix = '/_mock/';

function summarise(context: MockContext) {
  return {
    count: context.received.count,
    requests: context.requests.map((recorded) => {
      const json = recorded.json as { model?: unknown; stream?: unknown } | undefined;
      return {
        method: recorded.method,
        path: recorded.path,
        model: typeof json?.model === 'string' ? json.model : null,
        stream: json?.stream === true,
        receivedAt: recorded.receivedAt,
        // For a test in another process to check what arrived (the anthropic-beta merge, no x-api-key).
        headers: recorded.headers,
      };
    }),
  };
}

/**
 * Serves the control API so another process can drive the mock:
 * `POST /_mock/faults` `{fault, count?}`, `DELETE /_mock/faults`, `GET /_mock/requests`,
 * `DELETE /_mock/requests`, `GET /_mock/cache` (prompt-cache counters and entry count),
 * `DELETE /_mock/cache` (forget cached prefixes), and in OAuth mode `/_mock/oauth/*` (oauth-control.ts). Bad input answers 400 `invalid_request_error`.
 */
export function handleControlRequest(
  context: MockContext,
  exchange: Exchange,
  pathname: string,
  body: Buffer,
): void {
  if (pathname.startsWith(oauthControlPrefix)) {
    handleOAuthControl(context, exchange, pathname, body);
    return;
  }
  const method = exchange.request.method;
  const route = `${method} ${pathname}`;
  switch (route) {
    case 'POST /_mock/faults': {
      try {
        const command = JSON.parse(body.toString('utf8')) as { fault?: unknown; count?: unknown } | null;
        const count = command?.count;
        if (count !== undefined && typeof count !== 'number') {
          throw new MockUpstreamError(
            'CCB_MOCK_UPSTREAM_INVALID_FAULT',
            'Invalid fault: `count` must be a number.',
          );
        }
        context.faults.add(parseFault(command?.fault), count);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        sendError(context, exchange, 400, 'invalid_request_error', message);
        return;
      }
      sendBody(context, exchange, 200, JSON.stringify({ pending: context.faults.pending }));
      return;
    }
    case 'DELETE /_mock/faults':
      context.faults.clear();
      sendBody(context, exchange, 200, JSON.stringify({ pending: 0 }));
      return;
    case 'GET /_mock/requests':
      sendBody(context, exchange, 200, JSON.stringify(summarise(context)));
      return;
    case 'DELETE /_mock/requests':
      context.requests = [];
      context.received.reset();
      sendBody(context, exchange, 200, JSON.stringify({ count: 0 }));
      return;
    case 'GET /_mock/cache': {
      const promptCache = context.promptCache;
      const stats = promptCache?.stats() ?? emptyPromptCacheStats();
      sendBody(context, exchange, 200, JSON.stringify({ ...stats, entries: promptCache?.entryCount ?? 0 }));
      return;
    }
    case 'DELETE /_mock/cache':
      context.promptCache?.clear();
      sendBody(context, exchange, 200, JSON.stringify({ entries: 0 }));
      return;
    default:
      sendError(context, exchange, 404, 'not_found_error', `No control route ${route}.`);
  }
}
