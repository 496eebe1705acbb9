/** A request the load generators send: the same bytes to every target. */
export interface BenchRequest {
  readonly method: 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Size of the `large` body: 1 MiB of JSON, as long Claude Code sessions send. */
export const largeBodyInBytes = 1024 * 1024;
/** Size of the `medium` body: ~100 KB, a first Claude Code turn (https://platform.claude.com/docs/en/build-with-claude/streaming). */
export const mediumBodyInBytes = 100 * 1024;

// The headers Claude Code sends (https://code.claude.com/docs/en/llm-gateway), so header filtering costs what it costs in production.
export const claudeCodeHeaders: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  accept: 'application/json',
  'anthropic-version': '2023-06-01',
  'anthropic-beta':
    'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,prompt-caching-scope-2026-01-05,effort-2025-11-24',
  'anthropic-dangerous-direct-browser-access': 'true',
  'x-api-key': 'sk-bench-client',
  'x-app': 'cli',
  'user-agent': 'claude-cli/2.1.112 (external, sdk-cli)',
  'x-claude-code-session-id': '5f0c6a52-8f8e-4c8e-9a55-0b6f0d3d6a11',
  'x-stainless-retry-count': '0',
  'x-stainless-timeout': '600',
  'x-stainless-lang': 'js',
  'x-stainless-os': 'Linux',
  'x-stainless-arch': 'x64',
  'x-stainless-runtime': 'node',
  'x-stainless-package-version': '0.81.0',
  'x-stainless-runtime-version': 'v20.20.2',
};

const model = 'claude-sonnet-4-6';
/** The path Claude Code posts Messages to. */
export const messagesPath = '/v1/messages?beta=true';

/** Alternating user and assistant turns of about `targetBytes` of JSON in all, ending on a user turn. */
function conversationOfSize(targetBytes: number): { role: string; content: string }[] {
  // Plain prose without characters JSON must escape, so the body is as long as it looks.
  const paragraph =
    'The quick brown fox jumps over the lazy dog while the build runs its tests again. '.repeat(40);
  const messages: { role: string; content: string }[] = [];
  let size = 0;
  while (size < targetBytes) {
    const role = messages.length % 2 === 0 ? 'user' : 'assistant';
    messages.push({ role, content: paragraph.repeat(4) });
    size += paragraph.length * 4 + 32;
  }
  // The conversation must end on a user turn for the API to accept it.
  if (messages.length % 2 === 0) messages.push({ role: 'user', content: 'continue' });
  return messages;
}

function messagesRequest(payload: Record<string, unknown>): BenchRequest {
  const body = Buffer.from(JSON.stringify(payload));
  // No content-length here: autocannon and undici each add it from the body, and a second copy is a 400.
  return { method: 'POST', path: messagesPath, headers: claudeCodeHeaders, body };
}

/** The classic request kinds: one request, the same for every connection. */
export type FixedRequestKind = 'small' | 'stream' | 'medium' | 'large';

/** The request of a kind: a short non-streaming call, a streaming call, or a ~100 KB or ~1 MiB body. */
export function createBenchRequest(kind: FixedRequestKind): BenchRequest {
  const base = { model, max_tokens: 1024, metadata: { user_id: 'bench' } };
  switch (kind) {
    case 'small':
      return messagesRequest({ ...base, messages: [{ role: 'user', content: 'say hi' }] });
    case 'stream':
      return messagesRequest({ ...base, stream: true, messages: [{ role: 'user', content: 'say hi' }] });
    case 'medium':
      return messagesRequest({ ...base, messages: conversationOfSize(mediumBodyInBytes) });
    case 'large':
      return messagesRequest({ ...base, messages: conversationOfSize(largeBodyInBytes) });
  }
}
