/**
 * Checks the fields the real API requires, with its message style (`max_tokens: Field required`).
 * Returns the error message, or undefined when the body is acceptable. `count_tokens` needs no
 * `max_tokens`, hence `requireMaxTokens`.
 */
export function validateMessagesRequest(body: unknown, requireMaxTokens: boolean): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'Input should be a valid dictionary or object';
  }
  const record = body as Record<string, unknown>;
  if (record.model === undefined) return 'model: Field required';
  if (typeof record.model !== 'string') return 'model: Input should be a valid string';
  if (record.messages === undefined) return 'messages: Field required';
  if (!Array.isArray(record.messages)) return 'messages: Input should be a valid list';
  if (requireMaxTokens) {
    if (record.max_tokens === undefined) return 'max_tokens: Field required';
    if (typeof record.max_tokens !== 'number' || !Number.isInteger(record.max_tokens)) {
      return 'max_tokens: Input should be a valid integer';
    }
  }
  return undefined;
}
