import { describe, expect, it } from 'vitest';
import { parseError } from '../test/_parse-config-fixture.js';
import { parseConfig } from './parse-config.js';
import { redactConfig } from './redact-config.js';

const provider = (fields: string) => `providers:\n  - name: br\n${fields}`;

describe('parseConfig: provider kinds', () => {
  it('defaults the kind to anthropic', () => {
    const config = parseConfig(provider('    api_key: sk\n'), { env: {} });
    expect(config.providers[0]?.kind).toBe('anthropic');
  });

  it('resolves a bedrock provider with access keys to its region’s runtime URL, and redacts the keys', () => {
    const config = parseConfig(
      provider(
        '    kind: bedrock\n    region: us-east-1\n    aws: { access_key_id: "${ID}", secret_access_key: "${SECRET}", session_token: "${TOKEN}" }\n',
      ),
      { env: { ID: 'AKIDSECRETID', SECRET: 'wJalrSECRET', TOKEN: 'FQoSESSION' } },
    );
    const resolved = config.providers[0];
    expect(resolved?.base_url).toBe('https://bedrock-runtime.us-east-1.amazonaws.com');
    expect(resolved?.aws).toEqual({
      access_key_id: 'AKIDSECRETID',
      secret_access_key: 'wJalrSECRET',
      session_token: 'FQoSESSION',
    });
    const shown = JSON.stringify(redactConfig(config));
    for (const secret of ['AKIDSECRETID', 'wJalrSECRET', 'FQoSESSION']) expect(shown).not.toContain(secret);
  });

  it('keeps an explicit base_url and takes a Bedrock API key instead of access keys', () => {
    const config = parseConfig(
      provider(
        '    kind: bedrock\n    region: eu-west-1\n    api_key: br-key\n    base_url: http://127.0.0.1:9/x\n',
      ),
      { env: {} },
    );
    expect(config.providers[0]?.base_url).toBe('http://127.0.0.1:9/x');
    expect(config.providers[0]?.api_key).toBe('br-key');
  });

  it('explains what a bedrock provider lacks or has too much of', () => {
    const messages = (fields: string) => parseError(provider(fields)).issues.map((issue) => issue.message);
    expect(messages('    kind: bedrock\n')).toEqual([
      'is required for kind bedrock, e.g. region: us-east-1',
      'is required for kind bedrock: aws: { access_key_id, secret_access_key } or api_key (a Bedrock API key)',
    ]);
    expect(
      messages(
        '    kind: bedrock\n    region: us-east-1\n    api_key: k\n    aws: { access_key_id: a, secret_access_key: b }\n',
      ),
    ).toEqual([
      'must be absent when aws is set: a bedrock provider signs with aws keys or sends a Bedrock API key, not both',
    ]);
    expect(messages('    kind: bedrock\n    region: virginia\n    api_key: k\n')).toEqual([
      'must be an AWS region such as us-east-1',
    ]);
    expect(messages('    api_key: k\n    region: us-east-1\n')).toEqual([
      'is only for kind bedrock and vertex',
    ]);
  });
});
