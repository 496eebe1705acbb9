/** Stable codes of {@link BedrockError}. */
export type BedrockErrorCode =
  /** A frame of the event stream is not valid: a bad checksum or length, or malformed headers. */
  | 'CCB_BEDROCK_FRAME_INVALID'
  /** The event stream ended in the middle of a frame. */
  | 'CCB_BEDROCK_STREAM_TRUNCATED'
  /** A chunk's payload is not the JSON Bedrock sends (`{"bytes":"<base64>"}`). */
  | 'CCB_BEDROCK_CHUNK_INVALID'
  /** A request body the adapter cannot turn into InvokeModel's (not a JSON object). */
  | 'CCB_BEDROCK_BODY_INVALID'
  /** A request the adapter cannot send to Bedrock (no model, or an endpoint InvokeModel lacks). */
  | 'CCB_BEDROCK_REQUEST_UNSUPPORTED';

/** An error of the Bedrock adapter, with a stable code. Messages describe the framing, never a payload. */
export class BedrockError extends Error {
  readonly code: BedrockErrorCode;

  constructor(code: BedrockErrorCode, message: string) {
    super(message);
    this.name = 'BedrockError';
    this.code = code;
  }

  static is(error: unknown): error is BedrockError {
    return error instanceof BedrockError;
  }
}
