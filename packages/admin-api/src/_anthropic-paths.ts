import { type ApiRoute, anthropicApiRoutes } from '@ccb/protocol';
import { schemaRef } from './_json-schemas.js';

/** Anthropic's API reference: ccb forwards these operations and does not re-specify them. */
export const anthropicApiDocs = 'https://docs.claude.com/en/api/overview';

/** Operation names, as the Anthropic API reference titles them. Routes not listed get a generic summary. */
const summaries: Readonly<Record<string, string>> = {
  'POST /v1/messages': 'Create a message',
  'POST /v1/messages/count_tokens': 'Count tokens in a message',
  'GET /v1/models': 'List models',
  'GET /v1/models/*': 'Get a model',
  'POST /v1/messages/batches': 'Create a message batch',
  'GET /v1/messages/batches': 'List message batches',
  'GET /v1/messages/batches/*': 'Retrieve a message batch',
  'DELETE /v1/messages/batches/*': 'Delete a message batch',
  'POST /v1/messages/batches/*/cancel': 'Cancel a message batch',
  'GET /v1/messages/batches/*/results': 'Retrieve message batch results',
  'POST /v1/files': 'Upload a file',
  'GET /v1/files': 'List files',
  'GET /v1/files/*': 'Get file metadata',
  'DELETE /v1/files/*': 'Delete a file',
  'GET /v1/files/*/content': 'Download a file',
};

/** The name of a `*` segment, after the collection before it (the names Anthropic's reference uses). */
const parameterNames: Readonly<Record<string, string>> = {
  models: 'model_id',
  batches: 'message_batch_id',
  files: 'file_id',
};

const anyJsonObject = { type: 'object', description: "As Anthropic's API defines it." };

function templateOf(route: ApiRoute): { path: string; parameters: string[] } {
  const parameters: string[] = [];
  const segments = route.segments.map((segment, index) => {
    if (segment !== '*') return segment;
    let name = parameterNames[route.segments[index - 1] ?? ''] ?? 'id';
    while (parameters.includes(name)) name = `${name}_${parameters.length + 1}`;
    parameters.push(name);
    return `{${name}}`;
  });
  return { path: `/${segments.join('/')}`, parameters };
}

function operationIdOf(route: ApiRoute, path: string): string {
  const words = path
    .replace(/[{}]/g, '')
    .split(/[/_]/)
    .filter((word) => word !== '' && word !== 'v1');
  return `anthropic${route.method[0]}${route.method.slice(1).toLowerCase()}${words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join('')}`;
}

function responsesOf(route: ApiRoute): Record<string, unknown> {
  const ok: Record<string, unknown> =
    route.path === '/v1/messages'
      ? {
          'application/json': { schema: anyJsonObject },
          'text/event-stream': {
            schema: { type: 'string', description: 'Server-sent events, when stream is true.' },
          },
        }
      : route.path.endsWith('/content') || route.path.endsWith('/results')
        ? {
            'application/octet-stream': {
              schema: { type: 'string', contentMediaType: 'application/octet-stream' },
            },
          }
        : { 'application/json': { schema: anyJsonObject } };
  return {
    '200': { description: 'The upstream provider’s answer, relayed as it came.', content: ok },
    default: {
      description:
        "An upstream error, relayed as it came (configured secrets scrubbed), or ccb's own when no provider could answer (502, 504, 429 over a budget, 401 for a wrong client key).",
      content: { 'application/json': { schema: schemaRef('Error') } },
    },
  };
}

/**
 * The proxied Anthropic API (`@ccb/protocol`'s {@link anthropicApiRoutes}) as OpenAPI path items: described, not
 * specified. Request and answer are Anthropic's, and the reference for them is Anthropic's.
 */
export function anthropicPaths(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of anthropicApiRoutes) {
    const { path, parameters } = templateOf(route);
    const key = `${route.method} ${route.path}`;
    const summary = summaries[key] ?? `${route.method} ${route.path}`;
    const operation: Record<string, unknown> = {
      operationId: operationIdOf(route, path),
      tags: ['Anthropic API'],
      summary,
      description: `Forwarded to a provider chosen by the router, with failover while nothing was sent to the client. The request and answer are Anthropic's: see ${anthropicApiDocs}.`,
      externalDocs: { description: "Anthropic's API reference", url: anthropicApiDocs },
      parameters: parameters.map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      responses: responsesOf(route),
      security: [{ clientApiKey: [] }, { clientBearer: [] }],
    };
    if (route.contentType !== undefined) {
      operation.requestBody = {
        required: true,
        content: { [route.contentType]: { schema: anyJsonObject } },
      };
    }
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operation;
  }
  return paths;
}
