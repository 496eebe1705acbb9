import { describe, expect, it } from 'vitest';
import { minimal, parseError } from '../test/_parse-config-fixture.js';
import { parseConfig } from './parse-config.js';

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
        allowed_hosts: [],
        cors_origins: [],
        extra_api_routes: [],
        headers_timeout: 30_000,
        body_timeout: 30_000,
        idle_timeout: 65_000,
        max_connections_per_client: 256,
        max_body_memory: 512 * 1024 * 1024,
      },
      auth: { api_keys: [], admin_key: [] },
      routing: {
        strategy: 'weighted',
        max_attempts: 3,
        first_content_timeout: 30_000,
        affinity: { enabled: true, ttl: 3_600_000, max_sessions: 10_000 },
        allow_subscription_pool: false,
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
      dedup: {
        count_tokens: true,
        count_tokens_ttl: 60_000,
        models: true,
        messages: 'off',
        max_replay_bytes: 8 * 1024 * 1024,
        retry_grace: 0,
      },
      state: { store: 'memory', key_prefix: 'ccb:' },
      budgets: [],
      providers: [
        {
          name: 'primary',
          kind: 'anthropic',
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
