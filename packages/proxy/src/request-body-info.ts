/** What the proxy reads from a Messages API body: routing needs the model, accounting the stream flag. */
export interface RequestBodyInfo {
  readonly model: string | undefined;
  readonly stream: boolean;
}

/**
 * Parses a Messages API request body. Returns `undefined` when it is not a JSON object, so the caller can answer
 * 400 itself instead of spending an upstream call on it.
 */
export function readRequestBodyInfo(body: Buffer): RequestBodyInfo | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { model, stream } = parsed as { model?: unknown; stream?: unknown };
  return { model: typeof model === 'string' ? model : undefined, stream: stream === true };
}
