import type { AnthropicErrorType } from '@ccb/protocol';

/** How one of Bedrock's errors reads in Anthropic's terms: the status and `error.type` a client expects. */
export interface AnthropicErrorMapping {
  readonly status: number;
  readonly type: AnthropicErrorType;
}

/**
 * Bedrock runtime errors (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html#API_runtime_InvokeModel_Errors,
 * and the stream's exception events) as Anthropic's: throttling is a rate limit (the provider cools down), capacity
 * and readiness problems are overload (retryable, the provider is not at fault for long), a validation error is the
 * client's, credentials are the provider's.
 */
const mappings: Readonly<Record<string, AnthropicErrorMapping>> = {
  throttlingexception: { status: 429, type: 'rate_limit_error' },
  servicequotaexceededexception: { status: 429, type: 'rate_limit_error' },
  modelnotreadyexception: { status: 529, type: 'overloaded_error' },
  serviceunavailableexception: { status: 529, type: 'overloaded_error' },
  internalserverexception: { status: 500, type: 'api_error' },
  modelstreamerrorexception: { status: 500, type: 'api_error' },
  modelerrorexception: { status: 500, type: 'api_error' },
  modeltimeoutexception: { status: 504, type: 'timeout_error' },
  validationexception: { status: 400, type: 'invalid_request_error' },
  resourcenotfoundexception: { status: 404, type: 'not_found_error' },
  accessdeniedexception: { status: 403, type: 'permission_error' },
  unrecognizedclientexception: { status: 401, type: 'authentication_error' },
  expiredtokenexception: { status: 401, type: 'authentication_error' },
  invalidsignatureexception: { status: 401, type: 'authentication_error' },
};

const unknownError: AnthropicErrorMapping = { status: 500, type: 'api_error' };

/**
 * The Anthropic status and error type of a Bedrock error name, as found in an exception event's `:exception-type`
 * (`throttlingException`) or the `x-amzn-errortype` header (`ThrottlingException:http://internal.amazon.com/…`).
 * Unknown names are an `api_error` (500): the provider failed, the client did nothing wrong.
 */
export function anthropicErrorOf(bedrockErrorType: string): AnthropicErrorMapping {
  const name = bedrockErrorType.split(':', 1)[0]?.trim().toLowerCase() ?? '';
  return mappings[name] ?? unknownError;
}
