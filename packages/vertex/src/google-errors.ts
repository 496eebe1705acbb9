import { type AnthropicErrorType, errorTypeForStatus } from '@ccb/protocol';

/** How one of Google's errors reads in Anthropic's terms: the status and `error.type` a client expects. */
export interface AnthropicErrorMapping {
  readonly status: number;
  readonly type: AnthropicErrorType;
}

/**
 * Google's canonical error codes (`error.status`, https://cloud.google.com/apis/design/errors#handling_errors) as
 * Anthropic's errors: RESOURCE_EXHAUSTED (a quota, "Quota exceeded for aiplatform.googleapis.com/…") is a rate limit,
 * so the provider cools down; UNAVAILABLE is overload, as Bedrock's ServiceUnavailableException; the argument errors
 * are the client's; UNAUTHENTICATED and PERMISSION_DENIED are the provider's credentials.
 */
const mappings: Readonly<Record<string, AnthropicErrorMapping>> = {
  INVALID_ARGUMENT: { status: 400, type: 'invalid_request_error' },
  FAILED_PRECONDITION: { status: 400, type: 'invalid_request_error' },
  OUT_OF_RANGE: { status: 400, type: 'invalid_request_error' },
  UNAUTHENTICATED: { status: 401, type: 'authentication_error' },
  PERMISSION_DENIED: { status: 403, type: 'permission_error' },
  NOT_FOUND: { status: 404, type: 'not_found_error' },
  UNIMPLEMENTED: { status: 404, type: 'not_found_error' },
  ABORTED: { status: 409, type: 'api_error' },
  ALREADY_EXISTS: { status: 409, type: 'api_error' },
  RESOURCE_EXHAUSTED: { status: 429, type: 'rate_limit_error' },
  CANCELLED: { status: 500, type: 'api_error' },
  UNKNOWN: { status: 500, type: 'api_error' },
  INTERNAL: { status: 500, type: 'api_error' },
  DATA_LOSS: { status: 500, type: 'api_error' },
  UNAVAILABLE: { status: 529, type: 'overloaded_error' },
  DEADLINE_EXCEEDED: { status: 504, type: 'timeout_error' },
};

/**
 * The Anthropic status and error type of a Google error: by its `status` name when known, else by the HTTP status
 * (a 503 without a name is overload too; other statuses as the Anthropic API uses them).
 */
export function anthropicErrorOfGoogle(
  googleStatus: string | undefined,
  httpStatus: number,
): AnthropicErrorMapping {
  const named = googleStatus === undefined ? undefined : mappings[googleStatus.toUpperCase()];
  if (named !== undefined) return named;
  if (httpStatus === 503) return { status: 529, type: 'overloaded_error' };
  return { status: httpStatus, type: errorTypeForStatus(httpStatus) };
}
