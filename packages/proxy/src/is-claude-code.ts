import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a request comes from Claude Code, by the headers it sends on every API call: `user-agent:
 * claude-cli/<version> (external, cli)` and `x-app: cli` (protocol notes §2). Reads Node's parsed header object,
 * which exists anyway: two property reads and a prefix test. Any client can send these; this only keeps ccb from
 * offering a subscription to clients that say they are something else.
 */
export function isClaudeCode(headers: IncomingHttpHeaders): boolean {
  return headers['x-app'] === 'cli' || headers['user-agent']?.startsWith('claude-cli/') === true;
}
