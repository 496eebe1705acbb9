import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config-error.js';
import { parseConfig } from '../parse-config.js';

const providers = `providers:
  - name: primary
    base_url: https://api.anthropic.com
    api_key: sk-test
`;

function server(yaml: string) {
  return parseConfig(`server:\n${yaml}\n${providers}`).server;
}

/** The `path: message` of each issue of a config whose `server:` section is `yaml`. */
function issues(yaml: string): string[] {
  try {
    parseConfig(`server:\n${yaml}\n${providers}`, { source: 'ccb.yaml' });
  } catch (error) {
    if (ConfigError.is(error)) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected parseConfig to throw');
}

describe('server.allowed_hosts', () => {
  it('takes names, addresses and [IPv6] addresses with or without a port, lower-cased', () => {
    expect(
      server(
        '  allowed_hosts: [CCB.Internal, "ccb.internal:8000", 192.168.1.5, "[fd00::1]:9000", my_service]',
      ).allowed_hosts,
    ).toEqual(['ccb.internal', 'ccb.internal:8000', '192.168.1.5', '[fd00::1]:9000', 'my_service']);
  });

  it('refuses a URL, a path, a wildcard, a bad port or a bad IPv6 address, saying what it expects', () => {
    expect(
      issues(
        '  allowed_hosts: ["http://ccb.lan", "ccb.lan/x", "*.lan", "ccb.lan:0", "ccb.lan:70000", "[zz::1]", ""]',
      ),
    ).toEqual([
      'server.allowed_hosts[0]: expected a host name, IP address or [IPv6 address] with an optional :port, such as "ccb.internal" or "192.168.1.5:8000" (no scheme, no path); got "http://ccb.lan"',
      'server.allowed_hosts[1]: expected a host name, IP address or [IPv6 address] with an optional :port, such as "ccb.internal" or "192.168.1.5:8000" (no scheme, no path); got "ccb.lan/x"',
      'server.allowed_hosts[2]: wildcards are not supported, list each name; got "*.lan"',
      'server.allowed_hosts[3]: expected a host name, IP address or [IPv6 address] with an optional :port, such as "ccb.internal" or "192.168.1.5:8000" (no scheme, no path); got "ccb.lan:0"',
      'server.allowed_hosts[4]: expected a host name, IP address or [IPv6 address] with an optional :port, such as "ccb.internal" or "192.168.1.5:8000" (no scheme, no path); got "ccb.lan:70000"',
      'server.allowed_hosts[5]: expected a host name, IP address or [IPv6 address] with an optional :port, such as "ccb.internal" or "192.168.1.5:8000" (no scheme, no path); got "[zz::1]"',
      'server.allowed_hosts[6]: expected a host name, IP address or [IPv6 address] with an optional :port, such as "ccb.internal" or "192.168.1.5:8000" (no scheme, no path); got ""',
    ]);
  });
});

describe('server.cors_origins', () => {
  it('writes each origin as browsers send it: lower case, without a default port', () => {
    expect(
      server(
        '  cors_origins: ["HTTPS://App.Example.com", "https://app.example.com:443", "http://localhost:3000", "http://x:80", "https://x:8443", "chrome-extension://abcdef"]',
      ).cors_origins,
    ).toEqual([
      'https://app.example.com',
      'https://app.example.com',
      'http://localhost:3000',
      'http://x',
      'https://x:8443',
      'chrome-extension://abcdef',
    ]);
  });

  it('refuses null, wildcards, paths and anything that is not an origin', () => {
    expect(
      issues(
        '  cors_origins: ["null", "*", "https://*.example.com", "https://app.example.com/", "app.example.com", "https://a.com/x"]',
      ),
    ).toEqual([
      'server.cors_origins[0]: the origin "null" cannot be allowed: sandboxed frames and local files send it, so any page could',
      'server.cors_origins[1]: wildcards are not supported, list each origin; got "*"',
      'server.cors_origins[2]: wildcards are not supported, list each origin; got "https://*.example.com"',
      'server.cors_origins[3]: expected an origin such as "https://app.example.com" or "http://localhost:3000": a scheme, a host and an optional port, no path (not even a trailing "/"); got "https://app.example.com/"',
      'server.cors_origins[4]: expected an origin such as "https://app.example.com" or "http://localhost:3000": a scheme, a host and an optional port, no path (not even a trailing "/"); got "app.example.com"',
      'server.cors_origins[5]: expected an origin such as "https://app.example.com" or "http://localhost:3000": a scheme, a host and an optional port, no path (not even a trailing "/"); got "https://a.com/x"',
    ]);
  });
});

describe('server.extra_api_routes', () => {
  it('takes "METHOD /v1/path" routes as written', () => {
    expect(
      server('  extra_api_routes: ["GET /v1/organizations/*", "POST /v1/skills"]').extra_api_routes,
    ).toEqual(['GET /v1/organizations/*', 'POST /v1/skills']);
  });

  it('refuses a route it cannot read, naming the route and the problem', () => {
    expect(
      issues(
        '  extra_api_routes: ["GET /v2/x", "get /v1/x", "OPTIONS /v1/x", "GET /v1/x/**", "GET /v1//x", "GET"]',
      ),
    ).toEqual([
      'server.extra_api_routes[0]: route "GET /v2/x": the path must start with /v1/; got "/v2/x"',
      'server.extra_api_routes[1]: route "get /v1/x": the method must be one of GET, HEAD, POST, PUT, PATCH, DELETE (upper case); got "get"',
      'server.extra_api_routes[2]: route "OPTIONS /v1/x": the method must be one of GET, HEAD, POST, PUT, PATCH, DELETE (upper case); got "OPTIONS"',
      `server.extra_api_routes[3]: route "GET /v1/x/**": segment "**" of "/v1/x/**" must be "*" (one whole segment) or letters, digits and -._~!$&'()+,;=:@`,
      'server.extra_api_routes[4]: route "GET /v1//x": the path has an empty segment ("//" or a trailing "/"): "/v1//x"',
      'server.extra_api_routes[5]: route "GET": expected "METHOD /v1/path", e.g. "GET /v1/organizations/*"',
    ]);
  });
});
