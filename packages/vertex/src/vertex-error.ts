/** Stable codes of {@link VertexError}. */
export type VertexErrorCode =
  /** A request body the adapter cannot rewrite for Vertex (not a JSON object). */
  | 'CCB_VERTEX_BODY_INVALID'
  /** A request Vertex cannot take (no model, or an endpoint rawPredict lacks such as `GET /v1/models`). */
  | 'CCB_VERTEX_REQUEST_UNSUPPORTED'
  /** A credentials file that cannot be read or is not a key Google's token endpoint takes. */
  | 'CCB_VERTEX_CREDENTIALS_INVALID'
  /** The token endpoint refused the grant, failed, or could not be reached (or is backed off after that). */
  | 'CCB_VERTEX_TOKEN_FAILED';

/** An error of the Vertex adapter or its token source, with a stable code. Messages never carry a key or token. */
export class VertexError extends Error {
  readonly code: VertexErrorCode;

  constructor(code: VertexErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VertexError';
    this.code = code;
  }

  static is(error: unknown): error is VertexError {
    return error instanceof VertexError;
  }
}
