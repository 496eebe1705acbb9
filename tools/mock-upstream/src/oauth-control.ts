import { isStreamFault, parseFault } from './fault.js';
import type { Exchange, MockContext } from './mock-context.js';
import { sendBody, sendError } from './mock-context.js';
import type { MockOAuthAccount } from './mock-oauth.js';
import { MockUpstreamError } from './mock-upstream-error.js';
import type { OAuthMode } from './oauth-mode.js';
import type { UnifiedWindowUpdate } from './unified-windows.js';

/** The `/_mock/oauth/*` routes, in the README's words. */
export const oauthControlPrefix = '/_mock/oauth/';

function invalid(message: string): MockUpstreamError {
  return new MockUpstreamError('CCB_MOCK_UPSTREAM_INVALID_OPTIONS', message);
}

/** Reads an optional field of a control command, checking its type. */
function field<T>(
  command: Record<string, unknown>,
  name: string,
  type: 'string' | 'number' | 'boolean',
): T | undefined {
  const value = command[name];
  if (value === undefined) return undefined;
  if (typeof value !== type) throw invalid(`\`${name}\` must be a ${type}, got ${JSON.stringify(value)}.`);
  return value as T;
}

function required(command: Record<string, unknown>, name: string): string {
  const value = field<string>(command, name, 'string');
  if (value === undefined || value === '') throw invalid(`\`${name}\` is required (a non-empty string).`);
  return value;
}

function windowUpdate(command: Record<string, unknown>, name: string): UnifiedWindowUpdate | undefined {
  const value = command[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`\`${name}\` must be an object { utilization?, resetAt? }.`);
  }
  const window = value as Record<string, unknown>;
  const utilization = field<number>(window, 'utilization', 'number');
  const resetAt = field<number>(window, 'resetAt', 'number');
  return {
    ...(utilization !== undefined ? { utilization } : {}),
    ...(resetAt !== undefined ? { resetAt } : {}),
  };
}

/** Checks a fault meant for the token endpoint: stream faults cannot apply there. */
export function parseTokenFault(value: unknown) {
  const fault = parseFault(value);
  if (isStreamFault(fault)) {
    throw new MockUpstreamError(
      'CCB_MOCK_UPSTREAM_INVALID_FAULT',
      `Invalid fault: \`${fault.kind}\` only applies to streams; the token endpoint takes status, reset, hang or delay.`,
    );
  }
  return fault;
}

/** Every account's state (the `accounts()` answer). */
export function describeAccounts(oauth: OAuthMode): MockOAuthAccount[] {
  return oauth.server.accountNames().map((name) => {
    const account = oauth.server.account(name);
    return {
      name,
      revoked: account.revoked,
      ban: account.ban ?? null,
      liveAccessTokens: oauth.server.liveAccessTokens(name),
      usage: account.windows.current(),
    };
  });
}

/** The default message of a ban, as the API words a disabled organization. */
export const defaultBanMessage = 'This organization has been disabled.';

/**
 * Serves `/_mock/oauth/*` (see the README's table). A body is a JSON object; bad input answers 400
 * `invalid_request_error`, and every route answers 404 when the mock is not in OAuth mode.
 */
export function handleOAuthControl(
  context: MockContext,
  exchange: Exchange,
  pathname: string,
  body: Buffer,
): void {
  const oauth = context.oauth;
  if (oauth === undefined) {
    sendError(
      context,
      exchange,
      404,
      'not_found_error',
      'OAuth mode is off: start the mock with the `oauth` option.',
    );
    return;
  }
  const route = `${exchange.request.method} ${pathname}`;
  let command: Record<string, unknown> = {};
  try {
    if (body.length > 0) {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw invalid('The body must be a JSON object.');
      command = parsed as Record<string, unknown>;
    }
    const answer = answerControl(oauth, route, command);
    if (answer === undefined) {
      sendError(context, exchange, 404, 'not_found_error', `No control route ${route}.`);
      return;
    }
    sendBody(context, exchange, 200, JSON.stringify(answer));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    sendError(context, exchange, 400, 'invalid_request_error', message);
  }
}

function answerControl(oauth: OAuthMode, route: string, command: Record<string, unknown>): unknown {
  const account = () => field<string>(command, 'account', 'string');
  switch (route) {
    case 'POST /_mock/oauth/authorize': {
      const state = required(command, 'state');
      const code = oauth.server.authorize({
        challenge: required(command, 'challenge'),
        state,
        account: account(),
        scope: field<string>(command, 'scope', 'string'),
        redirectUri: field<string>(command, 'redirectUri', 'string'),
      });
      return { code, state, paste: `${code}#${state}` };
    }
    case 'POST /_mock/oauth/tokens':
      return oauth.server.issue({
        account: account(),
        lifetimeInMs: field<number>(command, 'lifetimeInMs', 'number'),
        refreshToken: field<boolean>(command, 'refreshToken', 'boolean'),
        scope: field<string>(command, 'scope', 'string'),
      });
    case 'POST /_mock/oauth/token-faults': {
      const count = field<number>(command, 'count', 'number');
      oauth.tokenFaults.add(parseTokenFault(command.fault), count);
      return { pending: oauth.tokenFaults.pending };
    }
    case 'DELETE /_mock/oauth/token-faults':
      oauth.tokenFaults.clear();
      return { pending: 0 };
    case 'GET /_mock/oauth/token-requests':
      return { count: oauth.tokenReceived.count, requests: oauth.tokenRequests };
    case 'DELETE /_mock/oauth/token-requests':
      oauth.tokenRequests = [];
      oauth.tokenReceived.reset();
      return { count: 0 };
    case 'POST /_mock/oauth/revoke':
      oauth.server.account(account()).revoked = true;
      return { accounts: describeAccounts(oauth) };
    case 'POST /_mock/oauth/ban':
      oauth.server.account(account()).ban = field<string>(command, 'message', 'string') ?? defaultBanMessage;
      return { accounts: describeAccounts(oauth) };
    case 'POST /_mock/oauth/reinstate': {
      const state = oauth.server.account(account());
      state.revoked = false;
      state.ban = undefined;
      return { accounts: describeAccounts(oauth) };
    }
    case 'POST /_mock/oauth/expire':
      return { expired: oauth.server.expire(account()) };
    case 'POST /_mock/oauth/usage': {
      const fiveHour = windowUpdate(command, 'fiveHour');
      const sevenDay = windowUpdate(command, 'sevenDay');
      return oauth.server.account(account()).windows.setUsage({
        ...(fiveHour !== undefined ? { fiveHour } : {}),
        ...(sevenDay !== undefined ? { sevenDay } : {}),
      });
    }
    case 'GET /_mock/oauth/accounts':
      return { accounts: describeAccounts(oauth) };
    default:
      return undefined;
  }
}
