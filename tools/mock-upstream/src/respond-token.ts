import { errorTypeForStatus } from './anthropic-error.js';
import type { Exchange, MockContext } from './mock-context.js';
import { sendBody, sendError } from './mock-context.js';
import type { OAuthMode } from './oauth-mode.js';
import type { OAuthFailure } from './oauth-server.js';
import { readJson } from './read-json.js';

function record(
  context: MockContext,
  oauth: OAuthMode,
  entry: { grantType: string | null; status: number; error?: string; account?: string },
): void {
  oauth.tokenRequests.push({
    grantType: entry.grantType,
    status: entry.status,
    error: entry.error ?? null,
    account: entry.account ?? null,
    receivedAt: context.now(),
  });
  oauth.tokenReceived.increment();
}

/**
 * `POST /v1/oauth/token` in OAuth mode: the `authorization_code` grant (PKCE S256 checked against the challenge
 * given to `authorize`) and the `refresh_token` grant (the refresh token rotates), JSON in and out as Claude's
 * token endpoint speaks it. Refusals are `{"error","error_description"}` (RFC 6749 §5.2).
 */
export function respondToken(context: MockContext, oauth: OAuthMode, exchange: Exchange, body: Buffer): void {
  const parsed = readJson(body);
  const json =
    typeof parsed.json === 'object' && parsed.json !== null && !Array.isArray(parsed.json)
      ? (parsed.json as Record<string, unknown>)
      : undefined;
  const grantType = typeof json?.grant_type === 'string' ? json.grant_type : null;

  const answer = (): { status: number; error?: string; account?: string } => {
    if (json === undefined) {
      const failure: OAuthFailure = {
        status: 400,
        error: 'invalid_request',
        description: 'The body must be a JSON object.',
      };
      sendFailure(context, exchange, failure);
      return { status: failure.status, error: failure.error };
    }
    const outcome = oauth.server.grant(json);
    if ('error' in outcome) {
      sendFailure(context, exchange, outcome);
      return { status: outcome.status, error: outcome.error };
    }
    const reply: Record<string, unknown> = {
      token_type: 'Bearer',
      access_token: outcome.accessToken,
      expires_in: outcome.expiresIn,
      scope: outcome.scope,
      account: { uuid: `mock-account-${outcome.account}`, email_address: `${outcome.account}@example.com` },
      organization: { uuid: 'mock-organization', name: context.name },
    };
    if (outcome.refreshToken !== undefined) reply.refresh_token = outcome.refreshToken;
    sendBody(context, exchange, 200, JSON.stringify(reply));
    return { status: 200, account: outcome.account };
  };

  const fault = oauth.tokenFaults.take(false);
  switch (fault?.kind) {
    case undefined:
      record(context, oauth, { grantType, ...answer() });
      return;
    case 'status':
      if (fault.body !== undefined)
        sendBody(context, exchange, fault.status, fault.body, fault.headers ?? {});
      else
        sendError(
          context,
          exchange,
          fault.status,
          fault.errorType ?? errorTypeForStatus(fault.status),
          fault.message,
          fault.headers,
        );
      record(context, oauth, { grantType, status: fault.status });
      return;
    case 'reset':
      exchange.serverClosed = true;
      exchange.request.socket.resetAndDestroy();
      record(context, oauth, { grantType, status: 0 });
      return;
    case 'delay':
      exchange.timer = setTimeout(() => {
        exchange.timer = undefined;
        // A client that left during the delay gets nothing; its request still counts.
        if (exchange.response.destroyed) record(context, oauth, { grantType, status: 0 });
        else record(context, oauth, { grantType, ...answer() });
      }, fault.headersInMs ?? 0);
      return;
    default:
      // `hang`: nothing is written; close() or the client ends it.
      record(context, oauth, { grantType, status: 0 });
  }
}

function sendFailure(context: MockContext, exchange: Exchange, failure: OAuthFailure): void {
  sendBody(
    context,
    exchange,
    failure.status,
    JSON.stringify({ error: failure.error, error_description: failure.description }),
  );
}
