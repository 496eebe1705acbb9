import { describe, expect, it } from 'vitest';
import { minimal, parseError } from '../test/_parse-config-fixture.js';
import { parseConfig } from './parse-config.js';

describe('parseConfig', () => {
  describe('validation messages', () => {
    it('reports a misspelt key with a suggestion at the key itself', () => {
      const error = parseError(`routing:\n  stratgy: weighted\n${minimal}`);
      expect(error.code).toBe('CCB_CONFIG_INVALID');
      expect(error.message).toBe('ccb.yaml:2:3 routing.stratgy: unknown key, did you mean strategy?');
    });

    it('lists the valid keys instead of suggesting when nothing is close', () => {
      const error = parseError(`routing:\n  colour: blue\n${minimal}`);
      expect(error.issues[0]?.message).toBe(
        'unknown key (valid keys: strategy, max_attempts, first_content_timeout, affinity, allow_subscription_pool, rules)',
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

    it('refuses 0 for a client timeout: none of them can cut a response, so none needs turning off', () => {
      const error = parseError(
        `server:\n  headers_timeout: 0\n  body_timeout: 0ms\n  idle_timeout: 0s\n${minimal}`,
      );
      expect(error.issues.map((issue) => [issue.path, issue.message])).toEqual(
        ['headers_timeout', 'body_timeout', 'idle_timeout'].map((key) => [
          `server.${key}`,
          'must be more than 0 (it never cuts a response in progress, so it need not be turned off)',
        ]),
      );
    });

    it('refuses max_body_memory below body_limit: a body ccb accepts could never be read', () => {
      const error = parseError(`server:\n  body_limit: 32MiB\n  max_body_memory: 16MiB\n${minimal}`);
      expect(error.message).toBe(
        'ccb.yaml:3:20 server.max_body_memory: must be at least body_limit (33554432 bytes), or a body ccb accepts could never be read',
      );
      expect(parseConfig(`server:\n  max_connections_per_client: 0\n${minimal}`).server).toMatchObject({
        max_connections_per_client: 0,
      });
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
      const error = parseError('providers:\n  - base_url: https://x\n    api_key: k\n');
      expect(error.issues).toEqual([
        { path: 'providers[0].name', message: 'is required', line: 2, column: 5 },
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
});
