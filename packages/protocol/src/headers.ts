/** Response headers with lower-case names, as undici and Node parse them (a repeated field is an array). */
export type ResponseHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The first value of a header that may repeat; `undefined` when absent. */
export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' || value === undefined ? value : value[0];
}

/** Claude Code's session id, sent on every request of one conversation (https://code.claude.com/docs/en/llm-gateway). */
export const sessionIdHeader = 'x-claude-code-session-id';

/** Anthropic's id of the response, which its support asks for (https://docs.claude.com/en/api/errors). */
export const upstreamRequestIdHeader = 'request-id';
