import type { IncomingHttpHeaders } from 'node:http';
import { parseSpan, scanTopLevel, TopLevelKeys } from '@ccb/protocol';
import { bedrockRequestBody } from './bedrock-request-body.js';
import { type BedrockResponseTranslator, bedrockErrorAnswer } from './bedrock-response.js';

/**
 * Bedrock's CountTokens (`POST /model/{id}/count-tokens`, https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokens.html)
 * counts what an InvokeModel body would cost: the body goes base64-encoded in `{"input":{"invokeModel":{"body":…}}}`
 * and the answer is `{"inputTokens": N}`.
 */

const countKeys = new TopLevelKeys(['max_tokens', 'thinking'] as const);

/**
 * The CountTokens body of a Messages `count_tokens` body: the InvokeModel body Bedrock would be sent for it (no
 * `model`, `anthropic_version` and betas in), with a `max_tokens` when absent, since InvokeModel requires one and
 * `count_tokens` has none: 1, or one more than a thinking budget (which must stay below it).
 * @throws {BedrockError} `CCB_BEDROCK_BODY_INVALID` for a body that is not a JSON object
 */
export function bedrockCountTokensBody(body: Buffer, anthropicBeta: string | undefined): Buffer {
  let invokeBody = bedrockRequestBody(body, anthropicBeta);
  const spans = scanTopLevel(invokeBody, countKeys);
  if (spans?.get('max_tokens') === undefined) {
    const budget = (parseSpan(invokeBody, spans?.get('thinking')) as { budget_tokens?: unknown } | undefined)
      ?.budget_tokens;
    const maxTokens = typeof budget === 'number' && Number.isInteger(budget) && budget > 0 ? budget + 1 : 1;
    // bedrockRequestBody's output starts with `{` followed by its own members: prepending one more is valid JSON.
    invokeBody = Buffer.concat([Buffer.from(`{"max_tokens":${maxTokens},`), invokeBody.subarray(1)]);
  }
  return Buffer.from(`{"input":{"invokeModel":{"body":"${invokeBody.toString('base64')}"}}}`);
}

/** Bedrock's foundation-model id for CountTokens, which refuses cross-region inference profiles (`us.anthropic.…`). */
export function countTokensModelId(modelId: string): string {
  return modelId.replace(/^(?:us|eu|apac|jp|au|ca|us-gov|global)\.(?=anthropic\.)/, '');
}

/** Largest CountTokens answer held to translate it: `{"inputTokens":N}` is a few bytes. */
const maxAnswerBytes = 64 * 1024;

/** `{"inputTokens": N}` in, `{"input_tokens": N}` out, the first-party API's count_tokens answer. */
export function bedrockCountTokensTranslator(): BedrockResponseTranslator {
  const chunks: Buffer[] = [];
  let length = 0;
  return {
    contentType: 'application/json',
    reframes: true,
    requestIdHeader: 'x-amzn-requestid',
    transform(chunk) {
      length += chunk.length;
      if (length > maxAnswerBytes) throw new Error(`a CountTokens answer over ${maxAnswerBytes} bytes`);
      chunks.push(chunk);
      return undefined;
    },
    flush() {
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        throw new Error('a CountTokens answer that is not JSON');
      }
      const tokens = (parsed as { inputTokens?: unknown } | null)?.inputTokens;
      if (typeof tokens !== 'number' || !Number.isInteger(tokens) || tokens < 0) {
        throw new Error('a CountTokens answer without a whole inputTokens');
      }
      return Buffer.from(`{"input_tokens":${tokens}}`);
    },
    errorAnswer(status: number, headers: IncomingHttpHeaders, body: Buffer) {
      return bedrockErrorAnswer(status, headers, body);
    },
  };
}
