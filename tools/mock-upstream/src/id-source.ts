/** Generates the ids a mock puts on the wire; unique per mock instance and readable in test output. */
export interface IdSource {
  /** `req_…`, for the `request-id` header and error bodies. */
  requestId(): string;
  /** `msg_…`, for messages. */
  messageId(): string;
  /** `toolu_…`, for tool_use blocks. */
  toolUseId(): string;
}

/**
 * Creates an {@link IdSource} from a per-instance `tag` (the port, so two mocks in one test differ)
 * and a counter: deterministic and cheaper than random ids on the hot path.
 */
export function createIdSource(tag: string): IdSource {
  let sequence = 0;
  const stem = `01mock${tag}x`;
  return {
    requestId: () => `req_${stem}${(++sequence).toString(36)}`,
    messageId: () => `msg_${stem}${(++sequence).toString(36)}`,
    toolUseId: () => `toolu_${stem}${(++sequence).toString(36)}`,
  };
}
