import { describe, expect, it } from 'vitest';
import { parseError } from '../test/_parse-config-fixture.js';
import { parseConfig } from './parse-config.js';

const provider = (fields: string) =>
  `providers:\n  - name: glm\n    kind: anthropic-compatible\n    base_url: https://glm.example/api/anthropic\n    api_key: k\n${fields}`;

describe('parseConfig: provider capabilities', () => {
  it('leaves capabilities out when none are configured', () => {
    expect(parseConfig(provider(''), { env: {} }).providers[0]?.capabilities).toBeUndefined();
  });

  it('reads every override in snake_case', () => {
    const config = parseConfig(
      provider(
        [
          '    capabilities:',
          '      betas: [interleaved-thinking-2025-05-14, effort-2025-11-24]',
          '      server_tools: all',
          '      context_management: true',
          '      count_tokens: true',
          '      context_1m: false',
          '      cache_control_limit: 4',
          '      tool_id_pattern: ^[a-zA-Z0-9_:-]+$',
          '      signature_domain: anthropic',
          '',
        ].join('\n'),
      ),
      { env: {} },
    );
    expect(config.providers[0]?.capabilities).toEqual({
      betas: ['interleaved-thinking-2025-05-14', 'effort-2025-11-24'],
      server_tools: 'all',
      context_management: true,
      count_tokens: true,
      context_1m: false,
      cache_control_limit: 4,
      tool_id_pattern: '^[a-zA-Z0-9_:-]+$',
      signature_domain: 'anthropic',
    });
  });

  it('refuses an invalid tool_id_pattern, a misspelt key and a server tool with its date', () => {
    expect(parseError(provider('    capabilities:\n      tool_id_pattern: "[a-z"\n')).message).toMatch(
      /tool_id_pattern.*not a valid regular expression/s,
    );
    expect(parseError(provider('    capabilities:\n      count_token: true\n')).message).toMatch(
      /count_token/,
    );
    expect(parseError(provider('    capabilities:\n      server_tools: [Web-Search]\n')).message).toMatch(
      /server tool name/,
    );
  });
});
