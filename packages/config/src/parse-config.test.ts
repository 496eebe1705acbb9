import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { parseConfig } from './parse-config.js';

const minimal = `providers:
  - name: primary
    base_url: https://api.anthropic.com
    api_key: sk-test
`;

/** Runs `parseConfig` expecting a `ConfigError` and returns it. */
function parseError(text: string, env: Record<string, string> = {}): ConfigError {
  try {
    parseConfig(text, { env, source: 'ccb.yaml' });
  } catch (error) {
    if (ConfigError.is(error)) return error;
    throw error;
  }
  throw new Error('expected parseConfig to throw');
}

describe('parseConfig', () => {
  it('applies every default to a minimal config', () => {
    expect(parseConfig(minimal)).toEqual({
      server: {
        host: '127.0.0.1',
        port: 8000,
        log_level: 'info',
        log_format: 'auto',
        body_limit: 32 * 1024 * 1024,
        shutdown_grace: 10_000,
        metrics: true,
        log_bodies: false,
      },
      auth: { api_keys: [] },
      routing: {
        strategy: 'weighted',
        max_attempts: 3,
        first_content_timeout: 30_000,
        affinity: { enabled: true, ttl: 3_600_000, max_sessions: 10_000 },
        rules: [],
      },
      health: {
        enabled: true,
        failure_threshold: 3,
        failure_rate_threshold: 0.5,
        window_size: 20,
        min_requests_in_window: 10,
        cooldown: 10_000,
        max_cooldown: 300_000,
        backoff_multiplier: 2,
        auth_failure_cooldown: 600_000,
        rate_limit_cooldown: 10_000,
        overloaded_cooldown: 2_000,
        request_scoped_429_cooldown: 1_000,
        spend_limit_cooldown: 86_400_000,
        low_budget_threshold: 0.05,
        unified_utilization_threshold: 0.9,
        half_open_trial_timeout: 60_000,
        probe: { enabled: false, interval: 30_000, timeout: 5_000, kind: 'models' },
      },
      ledger: { enabled: true, path: 'ccb-ledger.sqlite', batch_interval: 1_000, retention: 2_592_000_000 },
      pricing: {},
      budgets: [],
      providers: [
        {
          name: 'primary',
          base_url: 'https://api.anthropic.com',
          auth_type: 'api_key',
          api_key: 'sk-test',
          weight: 1,
          priority: 1,
          enabled: true,
          headers: {},
          models: [],
          model_map: {},
          timeouts: { connect: 10_000, first_byte: 600_000, stream_idle: 300_000 },
          pricing: { multiplier: 1, models: {} },
        },
      ],
    });
  });

  it('normalises the log level to lowercase', () => {
    expect(parseConfig(`server:\n  log_level: INFO\n${minimal}`).server.log_level).toBe('info');
    expect(parseConfig(`server:\n  log_level: Debug\n${minimal}`).server.log_level).toBe('debug');
  });

  it('converts durations to milliseconds and sizes to bytes', () => {
    const config = parseConfig(
      `server:\n  body_limit: 512KiB\n  shutdown_grace: 1.5m\nrouting:\n  first_content_timeout: 2500\n${minimal}    timeouts: { connect: 500ms, first_byte: 1h, stream_idle: 45s }\n`,
    );
    expect(config.server.body_limit).toBe(524_288);
    expect(config.server.shutdown_grace).toBe(90_000);
    expect(config.routing.first_content_timeout).toBe(2500);
    expect(config.providers[0]?.timeouts).toEqual({
      connect: 500,
      first_byte: 3_600_000,
      stream_idle: 45_000,
    });
  });

  it('normalises base_url and keeps its path prefix', () => {
    const config = parseConfig(
      minimal.replace('https://api.anthropic.com', 'https://host.example/api/anthropic/'),
    );
    expect(config.providers[0]?.base_url).toBe('https://host.example/api/anthropic');
  });

  it('returns a deep-frozen config', () => {
    const config = parseConfig(minimal);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.auth.api_keys)).toBe(true);
    expect(Object.isFrozen(config.providers[0]?.timeouts)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  describe('environment variables', () => {
    const withKey = minimal.replace('sk-test', '${ANTHROPIC_API_KEY}');

    it('expands ${VAR} from the given env only', () => {
      expect(parseConfig(withKey, { env: { ANTHROPIC_API_KEY: 'sk-env' } }).providers[0]?.api_key).toBe(
        'sk-env',
      );
    });

    it('names the unset variable, the YAML path and the position', () => {
      const error = parseError(withKey);
      expect(error.code).toBe('CCB_CONFIG_ENV');
      expect(error.issues).toEqual([
        {
          path: 'providers[0].api_key',
          message:
            'environment variable ANTHROPIC_API_KEY is not set (use ${ANTHROPIC_API_KEY:-default} for a default)',
          line: 4,
          column: 14,
        },
      ]);
      expect(error.message).toBe(
        'ccb.yaml:4:14 providers[0].api_key: environment variable ANTHROPIC_API_KEY is not set (use ${ANTHROPIC_API_KEY:-default} for a default)',
      );
    });

    it('collects every unset variable, not just the first', () => {
      const error = parseError(`server:\n  host: \${HOST}\n${withKey}`);
      expect(error.issues.map((issue) => [issue.path, issue.line])).toEqual([
        ['server.host', 2],
        ['providers[0].api_key', 6],
      ]);
    });

    it('uses ${VAR:-default} when the variable is unset or empty', () => {
      const text = `server:\n  host: \${HOST:-0.0.0.0}\n${minimal}`;
      expect(parseConfig(text).server.host).toBe('0.0.0.0');
      expect(parseConfig(text, { env: { HOST: '' } }).server.host).toBe('0.0.0.0');
      expect(parseConfig(text, { env: { HOST: '::1' } }).server.host).toBe('::1');
    });

    it('keeps $${VAR} as a literal ${VAR}', () => {
      const config = parseConfig(`${minimal}    headers: { x-template: "a-$\${NOT_EXPANDED}" }\n`);
      expect(config.providers[0]?.headers).toEqual({ 'x-template': 'a-${NOT_EXPANDED}' });
    });

    it('types an unquoted reference like the literal it expands to, and keeps a quoted one a string', () => {
      expect(
        parseConfig(`server:\n  port: \${PORT}\n${minimal}`, { env: { PORT: '9000' } }).server.port,
      ).toBe(9000);
      const error = parseError(`server:\n  port: "\${PORT}"\n${minimal}`, { PORT: '9000' });
      expect(error.issues[0]?.message).toBe('expected a number, got string "9000"');
    });

    it('rejects an api_key that expands to an empty string', () => {
      const error = parseError(withKey, { ANTHROPIC_API_KEY: '' });
      expect(error.code).toBe('CCB_CONFIG_INVALID');
      expect(error.issues[0]).toMatchObject({ path: 'providers[0].api_key', message: 'must not be empty' });
    });
  });

  describe('validation messages', () => {
    it('reports a misspelt key with a suggestion at the key itself', () => {
      const error = parseError(`routing:\n  stratgy: weighted\n${minimal}`);
      expect(error.code).toBe('CCB_CONFIG_INVALID');
      expect(error.message).toBe('ccb.yaml:2:3 routing.stratgy: unknown key, did you mean strategy?');
    });

    it('lists the valid keys instead of suggesting when nothing is close', () => {
      const error = parseError(`routing:\n  colour: blue\n${minimal}`);
      expect(error.issues[0]?.message).toBe(
        'unknown key (valid keys: strategy, max_attempts, first_content_timeout, affinity, rules)',
      );
      expect(error.message).not.toContain('did you mean');
    });

    it('describes a wrong type with the value found', () => {
      const error = parseError(`server:\n  port: abc\n${minimal}`);
      expect(error.issues).toEqual([
        { path: 'server.port', message: 'expected a number, got string "abc"', line: 2, column: 9 },
      ]);
    });

    it('lists the allowed values of an enum', () => {
      const error = parseError(`routing:\n  strategy: roundrobin\n${minimal}`);
      expect(error.message).toBe(
        'ccb.yaml:2:13 routing.strategy: must be one of round-robin, weighted, priority, cost; got "roundrobin"',
      );
    });

    it('rejects an invalid duration and size with an example of the format', () => {
      const error = parseError(`server:\n  body_limit: lots\n  shutdown_grace: 10 sec\n${minimal}`);
      expect(error.issues.map((issue) => issue.message)).toEqual([
        'expected a size of at least 1 byte such as "512KiB", "32MiB" or "1MB", or a number of bytes; got "lots"',
        'expected a duration such as "500ms", "10s", "1.5m" or "1h", or a number of milliseconds; got "10 sec"',
      ]);
      expect(parseError(`server:\n  shutdown_grace: true\n${minimal}`).issues[0]?.message).toBe(
        'expected a number or a string, got boolean true',
      );
    });

    it('reports several problems as several messages in document order', () => {
      const error = parseError(
        `server:\n  port: 70000\n  log_level: loud\nrouting:\n  max_attempts: 0\n${minimal}    weight: 1.5\n`,
      );
      expect(error.message.split('\n')).toEqual([
        'ccb.yaml:2:9 server.port: must be at most 65535, got 70000',
        'ccb.yaml:3:14 server.log_level: must be one of trace, debug, info, warn, error, silent; got "loud"',
        'ccb.yaml:5:17 routing.max_attempts: must be at least 1, got 0',
        'ccb.yaml:10:13 providers[0].weight: expected a whole number, got number 1.5',
      ]);
    });

    it('points a missing required key at its parent map', () => {
      const error = parseError('providers:\n  - name: primary\n    api_key: k\n');
      expect(error.issues).toEqual([
        { path: 'providers[0].base_url', message: 'is required', line: 2, column: 5 },
      ]);
    });

    it('rejects base URLs that are not plain http(s) origins with an optional path', () => {
      const messages = ['ftp://x', 'not a url', 'https://x/?a=1', 'https://u:p@x', 'https://x/v1'].map(
        (url) => parseError(minimal.replace('https://api.anthropic.com', url)).issues[0]?.message,
      );
      expect(messages).toEqual([
        'must use http or https; got "ftp://x"',
        'must be an absolute http(s) URL such as https://api.anthropic.com; got "not a url"',
        'must not have a query (?…) or fragment (#…); got "https://x/?a=1"',
        'must not contain credentials; put them in api_key or headers; got "https://u:p@x"',
        'must not end in /v1: ccb appends /v1/messages itself; got "https://x/v1"',
      ]);
    });

    it('rejects header names that are not HTTP tokens and values with line breaks', () => {
      const error = parseError(`${minimal}    headers: { "bad name": v, x-ok: "a\\nb" }\n`);
      expect(error.issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
        'providers[0].headers["bad name"]: is not a valid HTTP header name',
        'providers[0].headers.x-ok: contains a control character (U+000A, character 2) that no HTTP header can carry; check the value, or the variable or .env line it comes from',
      ]);
    });
  });

  describe('cross-field rules', () => {
    it('reports a duplicate provider name at the second occurrence', () => {
      const error = parseError(
        `${minimal}  - name: primary\n    base_url: https://b.example\n    api_key: k2\n`,
      );
      expect(error.message).toBe(
        'ccb.yaml:5:11 providers[1].name: duplicate provider name "primary" (also providers[0])',
      );
    });

    it('requires api_key for api_key and bearer providers', () => {
      const error = parseError(
        'providers:\n  - name: p\n    base_url: https://a.example\n    auth_type: bearer\n',
      );
      expect(error.issues).toEqual([
        {
          path: 'providers[0].api_key',
          message: 'is required for auth_type bearer; e.g. api_key: ${ANTHROPIC_API_KEY}',
          line: 2,
          column: 5,
        },
      ]);
    });

    it('rejects api_key on a passthrough provider', () => {
      const error = parseError(minimal.replace('    api_key', '    auth_type: passthrough\n    api_key'));
      expect(error.issues[0]).toMatchObject({
        path: 'providers[0].api_key',
        message: expect.stringMatching(/^must be absent for auth_type passthrough/),
        line: 5,
      });
    });

    it('rejects a passthrough provider while clients must present ccb keys', () => {
      const error = parseError(
        'auth:\n  api_keys: [client-key]\nproviders:\n  - name: p\n    base_url: https://a.example\n    auth_type: passthrough\n',
      );
      expect(error.message).toBe(
        "ccb.yaml:6:16 providers[0].auth_type: passthrough forwards the client's own Anthropic credential, but with auth.api_keys set clients present ccb keys instead; remove auth.api_keys or use auth_type api_key/bearer",
      );
    });

    it('accepts a passthrough provider without client keys', () => {
      const config = parseConfig(
        'providers:\n  - name: p\n    base_url: https://a.example\n    auth_type: passthrough\n',
      );
      expect(config.providers[0]).toMatchObject({ auth_type: 'passthrough' });
      expect(config.providers[0]?.api_key).toBeUndefined();
    });

    it('reports cross-field problems together with field errors', () => {
      const error = parseError(
        `server:\n  port: x\n${minimal}  - name: primary\n    base_url: https://b.example\n    api_key: k\n`,
      );
      expect(error.issues.map((issue) => issue.path)).toEqual(['server.port', 'providers[1].name']);
    });

    it('rejects an empty provider list, a missing one and one with nothing enabled', () => {
      expect(parseError('providers: []\n').issues[0]).toMatchObject({
        path: 'providers',
        message: 'must list at least one provider',
      });
      expect(parseError('server: {}\n').issues[0]).toMatchObject({
        path: 'providers',
        message: 'is required: list at least one provider (ccb init writes an example)',
        line: 1,
      });
      expect(parseError(`${minimal}    enabled: false\n`).issues[0]).toMatchObject({
        path: 'providers',
        message: 'at least one provider must be enabled; every provider has enabled: false',
      });
    });
  });

  describe('YAML errors', () => {
    it('reports broken YAML with its position', () => {
      const error = parseError('server:\n  port: [8000\nproviders: []\n');
      expect(error.code).toBe('CCB_CONFIG_YAML');
      expect(error.issues[0]).toMatchObject({
        line: 3,
        column: 1,
        message: expect.stringMatching(/^invalid YAML: /),
      });
      expect(error.message).toMatch(/^ccb\.yaml:3:1: invalid YAML: /);
    });

    it('rejects a duplicate key and names it', () => {
      const error = parseError(`server:\n  port: 1\n  port: 2\n${minimal}`);
      expect(error.code).toBe('CCB_CONFIG_YAML');
      expect(error.issues).toEqual([
        {
          path: '',
          message: 'invalid YAML: duplicate key "port"; each key may appear once per map',
          line: 3,
          column: 3,
        },
      ]);
    });

    it('explains an empty document', () => {
      const error = parseError('# nothing yet\n');
      expect(error.code).toBe('CCB_CONFIG_INVALID');
      expect(error.message).toBe(
        'ccb.yaml: the config is empty: it needs at least a providers: list (ccb init writes a starter file)',
      );
    });
  });

  it('formats positions after the path when no source file is given', () => {
    try {
      parseConfig(`routing:\n  stratgy: x\n${minimal}`);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(
        'routing.stratgy (line 2, col 3): unknown key, did you mean strategy?',
      );
    }
  });
});

describe('parseConfig YAML features', () => {
  it('supports anchors and merge keys to share provider settings', () => {
    const config = parseConfig(
      [
        'providers:',
        '  - &primary',
        '    name: one',
        '    base_url: https://a.example',
        '    api_key: k',
        '    timeouts: { connect: 1s }',
        '  - <<: *primary',
        '    name: two',
        '    weight: 3',
      ].join('\n'),
    );
    expect(
      config.providers.map((provider) => [provider.name, provider.weight, provider.timeouts.connect]),
    ).toEqual([
      ['one', 1, 1000],
      ['two', 3, 1000],
    ]);
  });
});
