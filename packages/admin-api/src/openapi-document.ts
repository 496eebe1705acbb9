import { anthropicPaths } from './_anthropic-paths.js';
import { componentSchemas, type JsonSchema, parameterSchema, schemaRef } from './_json-schemas.js';
import { servicePaths } from './_service-paths.js';
import { type AdminEndpoint, adminEndpoints } from './admin-endpoints.js';

/** Options of {@link openApiDocument}. */
export interface OpenApiDocumentOptions {
  /** The ccb version, shown as the document's `info.version`. */
  readonly version: string;
  /**
   * The URL clients reach this ccb at (`http://127.0.0.1:8080`), as the document's one server. Default: none, so
   * that the documentation pages send "try it out" requests to the origin they were loaded from.
   */
  readonly serverUrl?: string;
}

/** An OpenAPI 3.1 document, as plain JSON data. */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: Readonly<Record<string, unknown>>;
  readonly servers?: readonly { readonly url: string; readonly description?: string }[];
  readonly tags: readonly Readonly<Record<string, unknown>>[];
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly securitySchemes: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  };
}

const errorContent = { 'application/json': { schema: schemaRef('Error') } };

/** Every admin endpoint may refuse the key or the method. */
const commonErrors: Readonly<Record<number, string>> = {
  401: 'No admin key, a wrong one, or a client key (client keys never open the admin API).',
  405: 'The path does not answer this method; allow lists those it does.',
};

const providerName = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'The provider name from the configuration.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
};

function adminOperation(endpoint: AdminEndpoint): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const answer of endpoint.answers) {
    responses[String(answer.status)] = {
      description: answer.description,
      content: { [answer.mediaType ?? 'application/json']: { schema: schemaRef(answer.schema) } },
    };
  }
  const errors = { ...endpoint.errors, ...commonErrors };
  for (const status of Object.keys(errors).sort()) {
    responses[status] ??= { description: errors[Number(status)], content: errorContent };
  }
  const operation: Record<string, unknown> = {
    operationId: endpoint.operationId,
    tags: [endpoint.tag],
    summary: endpoint.summary,
    description:
      endpoint.method === 'GET' ? `${endpoint.description} Answers HEAD too.` : endpoint.description,
    parameters: [
      ...(endpoint.path.includes('{name}') ? [providerName] : []),
      ...endpoint.query.map((parameter) => ({
        name: parameter.name,
        in: 'query',
        required: parameter.required ?? false,
        description: parameter.description,
        schema: parameterSchema(parameter.schema),
      })),
    ],
    responses,
    security: [{ adminApiKey: [] }, { adminBearer: [] }],
  };
  if (endpoint.requestBody !== undefined) {
    operation.requestBody = {
      required: true,
      content: { 'application/json': { schema: schemaRef(endpoint.requestBody) } },
    };
  }
  return operation;
}

function adminPaths(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of adminEndpoints) {
    paths[endpoint.path] ??= {};
    (paths[endpoint.path] as Record<string, unknown>)[endpoint.method.toLowerCase()] =
      adminOperation(endpoint);
  }
  return paths;
}

const description = `CC-Balancer (ccb) is a load-balancing, failover proxy between Claude Code and Anthropic-compatible providers.

- **Admin API** (\`/admin/…\`): providers, runtime overrides, configuration, reload and usage. It needs \`auth.admin_key\` as \`x-api-key\` or \`Authorization: Bearer\`; a client key never opens it. With no admin key configured it answers only on a loopback listener. Errors have Anthropic's shape.
- **Anthropic API** (\`/v1/…\`): forwarded to a provider, with failover; described here, specified by Anthropic.
- **Service**: liveness, readiness and Prometheus metrics.

Secrets are write-only: no endpoint ever returns one.`;

/**
 * The OpenAPI 3.1 document of ccb: every admin endpoint with its schemas (the zod schemas of
 * {@link adminApiSchemas}, as draft 2020-12 JSON Schema under `components/schemas`), the proxied Anthropic
 * endpoints (described, not re-specified), `/healthz`, `/readyz`, `/metrics` and the documentation itself. A new
 * object at every call.
 */
export function openApiDocument(options: OpenApiDocumentOptions): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'CC-Balancer (ccb)',
      summary: 'Load balancing and failover for the Anthropic API, and its admin API.',
      description,
      version: options.version,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    ...(options.serverUrl === undefined
      ? {}
      : { servers: [{ url: options.serverUrl, description: 'This ccb.' }] }),
    tags: [
      { name: 'Providers', description: 'Provider state, health and runtime overrides.' },
      { name: 'Configuration', description: 'The configuration running, and reloading it.' },
      { name: 'Usage', description: 'The usage ledger.' },
      { name: 'Events', description: 'Live events, for the dashboard.' },
      { name: 'Service', description: 'Liveness, readiness and metrics.' },
      { name: 'Anthropic API', description: 'The Anthropic API, forwarded to a provider with failover.' },
      { name: 'Documentation', description: 'This document, and the pages that show it.' },
    ],
    paths: { ...adminPaths(), ...servicePaths(), ...anthropicPaths() },
    components: {
      schemas: structuredClone(componentSchemas()),
      securitySchemes: {
        adminApiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'The admin key (auth.admin_key).',
        },
        adminBearer: { type: 'http', scheme: 'bearer', description: 'The admin key, as a bearer token.' },
        clientApiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'A client key (auth.api_keys); not checked when none is configured.',
        },
        clientBearer: { type: 'http', scheme: 'bearer', description: 'A client key, as a bearer token.' },
      },
    },
  };
}
