import { z } from 'zod';
import { allowedHostField, apiRouteField, corsOriginField } from './_access-fields.js';
import { caseInsensitivePattern, durationField, evenWithFieldErrors, sizeField } from './_fields.js';

/** Log levels from most to least verbose; `silent` turns logging off. */
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
/** How logs are written: `auto` is pretty on a TTY and JSON lines otherwise. */
export const logFormats = ['auto', 'json', 'pretty'] as const;

export type LogLevel = (typeof logLevels)[number];
export type LogFormat = (typeof logFormats)[number];

function isLogLevel(value: string): value is LogLevel {
  return (logLevels as readonly string[]).includes(value);
}

/** A timeout on what a client sends; 0 is refused: these never cut a response, so there is no need to turn one off. */
const clientTimeout = (fallback: string) =>
  durationField()
    .refine((milliseconds) => milliseconds > 0, {
      message: 'must be more than 0 (it never cuts a response in progress, so it need not be turned off)',
    })
    .prefault(fallback);

/** `server:` — where ccb listens and how it logs. */
export const serverSchema = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1').meta({
      description: 'Interface to listen on. Default 127.0.0.1 (local only); 0.0.0.0 listens on all.',
    }),
    port: z
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(8000)
      .meta({ description: 'TCP port to listen on, 0..65535; 0 lets the OS choose. Default 8000.' }),
    log_level: z
      .string()
      .meta({ pattern: caseInsensitivePattern(logLevels), examples: [...logLevels] })
      .transform((value, context): LogLevel => {
        const level = value.toLowerCase();
        if (isLogLevel(level)) return level;
        context.issues.push({ code: 'invalid_value', values: [...logLevels], input: value });
        return z.NEVER;
      })
      .prefault('info')
      .meta({ description: `Log level, case-insensitive: ${logLevels.join(', ')}. Default info.` }),
    log_format: z.enum(logFormats).default('auto').meta({
      description: 'Log output: auto (pretty on a TTY, JSON lines otherwise), json or pretty. Default auto.',
    }),
    body_limit: sizeField().prefault('32MiB').meta({
      description: 'Largest accepted request body: bytes, or a size such as "32MiB" or "1MB". Default 32MiB.',
    }),
    shutdown_grace: durationField().prefault('10s').meta({
      description:
        'How long in-flight requests may finish after a shutdown signal: milliseconds or "10s", "1m". 0 cuts them at once. Default 10s.',
    }),
    metrics: z.boolean().default(true).meta({
      description:
        'Serve Prometheus metrics at /metrics, guarded like /admin/* (auth.admin_key; without one, loopback clients only). Default true.',
    }),
    log_bodies: z.boolean().default(false).meta({
      description:
        'At debug level, also log request and response bodies (secrets still redacted). Default false: bodies are never logged.',
    }),
    allowed_hosts: z
      .array(allowedHostField())
      .prefault([])
      .meta({
        description:
          'More names clients reach ccb by, such as "ccb.internal" (any port) or "192.168.1.5:8000" (that port only). ' +
          'Requests whose Host header names neither these, localhost, 127.0.0.1, [::1] nor server.host are refused ' +
          '(421), which stops DNS-rebinding web pages. Default none.',
        examples: [['ccb.internal', '192.168.1.5:8000']],
      }),
    cors_origins: z
      .array(corsOriginField())
      .prefault([])
      .meta({
        description:
          'Web origins whose pages may call ccb, exactly as browsers send them: "https://app.example.com" (scheme, ' +
          'host, optional port; no path, no wildcard). They get CORS headers and their preflights are answered. ' +
          'Default none: every request from a web page (one with an Origin header) is refused (403).',
        examples: [['https://app.example.com', 'http://localhost:3000']],
      }),
    extra_api_routes: z
      .array(apiRouteField())
      .prefault([])
      .meta({
        description:
          'Routes forwarded upstream beyond the Anthropic API (Messages, count_tokens, Models, Message Batches, ' +
          'Files), each "METHOD /v1/path" where a * segment stands for any one path segment: ' +
          '"GET /v1/organizations/*". Methods: GET, HEAD, POST, PUT, PATCH, DELETE. Any other /v1/ path is ' +
          'answered 404, any other method 405. Default none.',
        examples: [['GET /v1/organizations/*', 'POST /v1/skills']],
      }),
    // Slow or greedy clients (docs/security.md). None of these bounds cuts a response in progress.
    headers_timeout: clientTimeout('30s').meta({
      description:
        'How long a request line and headers may take to arrive (a new connection waiting for them too); over it ccb answers 408 and closes the connection. Never cuts a body or a response. More than 0. Default 30s.',
    }),
    body_timeout: clientTimeout('30s').meta({
      description:
        'Longest silence while a request body arrives (per gap, so a slow steady upload is fine); a body silent for longer is answered 408 and its connection closed (within half this time more). More than 0. Default 30s.',
    }),
    idle_timeout: clientTimeout('65s').meta({
      description:
        'How long a keep-alive connection may sit idle between requests before ccb closes it. Never cuts a response in progress. More than 0. Default 65s.',
    }),
    max_connections_per_client: z.number().int().min(0).default(256).meta({
      description:
        'Connections one client address may hold open at once (loopback included); more are answered 503 overloaded_error and closed. 0 = no cap. Default 256.',
    }),
    max_body_memory: sizeField().prefault('512MiB').meta({
      description:
        'Memory all request bodies in flight may take at once (each is kept whole until its response ends, for failover); a body that would exceed it is answered 503 overloaded_error with retry-after. At least body_limit. Default 512MiB.',
    }),
  })
  .superRefine((server, context) => {
    const { body_limit: bodyLimit, max_body_memory: maxBodyMemory } = server as Record<string, unknown>;
    if (typeof bodyLimit === 'number' && typeof maxBodyMemory === 'number' && maxBodyMemory < bodyLimit) {
      context.addIssue({
        code: 'custom',
        path: ['max_body_memory'],
        message: `must be at least body_limit (${bodyLimit} bytes), or a body ccb accepts could never be read`,
      });
    }
  }, evenWithFieldErrors)
  .meta({ description: 'Where ccb listens and how it logs.' });

/** The resolved `server:` section; sizes (`body_limit`, `max_body_memory`) in bytes, durations in milliseconds. */
export type ServerConfig = z.output<typeof serverSchema>;
