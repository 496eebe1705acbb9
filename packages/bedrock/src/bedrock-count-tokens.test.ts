import { describe, expect, it } from 'vitest';
import {
  bedrockCountTokensBody,
  bedrockCountTokensTranslator,
  countTokensModelId,
} from './bedrock-count-tokens.js';
import { createBedrockAdapter } from './create-bedrock-adapter.js';

const countBody = '{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"héllo"}]}';

/** The InvokeModel body a CountTokens call carries. */
function invokeBodyOf(call: Buffer): string {
  const parsed = JSON.parse(call.toString()) as { input: { invokeModel: { body: string } } };
  return Buffer.from(parsed.input.invokeModel.body, 'base64').toString();
}

describe('bedrockCountTokensBody', () => {
  it('wraps the InvokeModel body, base64-encoded, with the max_tokens InvokeModel requires', () => {
    const call = bedrockCountTokensBody(Buffer.from(countBody), 'context-1m-2025-08-07');
    expect(Object.keys(JSON.parse(call.toString()))).toEqual(['input']);
    expect(invokeBodyOf(call)).toBe(
      '{"max_tokens":1,"anthropic_version":"bedrock-2023-05-31","anthropic_beta":["context-1m-2025-08-07"],"messages":[{"role":"user","content":"héllo"}]}',
    );
  });

  it('sets max_tokens above a thinking budget, which Bedrock requires to be below it', () => {
    const call = bedrockCountTokensBody(
      Buffer.from('{"model":"m","thinking":{"type":"enabled","budget_tokens":2048},"messages":[]}'),
      undefined,
    );
    expect(JSON.parse(invokeBodyOf(call)).max_tokens).toBe(2049);
  });

  it('keeps a max_tokens the client sent', () => {
    const call = bedrockCountTokensBody(Buffer.from('{"model":"m","max_tokens":9,"messages":[]}'), undefined);
    expect(invokeBodyOf(call)).toBe(
      '{"anthropic_version":"bedrock-2023-05-31","max_tokens":9,"messages":[]}',
    );
  });
});

describe('countTokensModelId', () => {
  it('sends a cross-region inference profile as its foundation model, which CountTokens requires', () => {
    expect(countTokensModelId('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe(
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
    );
    expect(countTokensModelId('global.anthropic.claude-opus-4-5-20251101-v1:0')).toBe(
      'anthropic.claude-opus-4-5-20251101-v1:0',
    );
    expect(countTokensModelId('anthropic.claude-haiku-4-5-20251001-v1:0')).toBe(
      'anthropic.claude-haiku-4-5-20251001-v1:0',
    );
    expect(countTokensModelId('arn:aws:bedrock:us-east-1::foundation-model/x')).toBe(
      'arn:aws:bedrock:us-east-1::foundation-model/x',
    );
  });
});

describe('bedrockCountTokensTranslator', () => {
  it("turns Bedrock's answer, however it is split, into the first-party API's", () => {
    const translator = bedrockCountTokensTranslator();
    expect(translator.reframes).toBe(true);
    expect(translator.transform(Buffer.from('{"inputT'))).toBeUndefined();
    expect(translator.transform(Buffer.from('okens": 1234}'))).toBeUndefined();
    expect(translator.flush()?.toString()).toBe('{"input_tokens":1234}');
  });

  it('fails the attempt on an answer without a count, rather than invent one', () => {
    const translator = bedrockCountTokensTranslator();
    translator.transform(Buffer.from('{"tokens":3}'));
    expect(() => translator.flush()).toThrow(/without a whole inputTokens/);
    const garbled = bedrockCountTokensTranslator();
    garbled.transform(Buffer.from('<html>'));
    expect(() => garbled.flush()).toThrow(/not JSON/);
  });
});

describe('createBedrockAdapter with count_tokens', () => {
  it('sends POST /v1/messages/count_tokens to the model’s count-tokens action', async () => {
    const adapter = createBedrockAdapter({
      region: 'us-east-1',
      baseUrl: 'http://127.0.0.1:8080/prefix',
      credentials: { apiKey: 'bedrock-api-key' },
      modelMap: { 'claude-sonnet-4-5': 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
    });
    const attempt = await adapter.prepare({
      method: 'POST',
      path: '/v1/messages/count_tokens?beta=true',
      body: Buffer.from(countBody),
      model: 'claude-sonnet-4-5',
      stream: false,
      anthropicBeta: undefined,
    });
    expect(attempt.path).toBe('/prefix/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/count-tokens');
    expect(invokeBodyOf(attempt.body)).toContain('"max_tokens":1');
    expect(attempt.headers).toEqual([['authorization', 'Bearer bedrock-api-key']]);
  });
});
