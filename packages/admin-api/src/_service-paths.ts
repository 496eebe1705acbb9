import { schemaRef } from './_json-schemas.js';

const adminSecurity = [{ adminApiKey: [] }, { adminBearer: [] }];

/** A GET operation; HEAD answers the same without a body, said in the description rather than listed twice. */
function get(operation: Record<string, unknown>): Record<string, unknown> {
  return { get: { ...operation, description: `${operation.description as string} Answers HEAD too.` } };
}

function html(operationId: string, summary: string, description: string): Record<string, unknown> {
  return get({
    operationId,
    tags: ['Documentation'],
    summary,
    description,
    security: [],
    responses: {
      '200': { description: 'The page.', content: { 'text/html': { schema: { type: 'string' } } } },
    },
  });
}

/** ccb's own paths besides the admin API: health, readiness, metrics and this documentation. */
export function servicePaths(): Record<string, Record<string, unknown>> {
  return {
    '/healthz': get({
      operationId: 'health',
      tags: ['Service'],
      summary: 'Liveness',
      description: 'The process is up. Says nothing about providers (readiness does). Needs no key.',
      security: [],
      responses: {
        '200': { description: 'Up.', content: { 'application/json': { schema: schemaRef('HealthStatus') } } },
      },
    }),
    '/readyz': get({
      operationId: 'readiness',
      tags: ['Service'],
      summary: 'Readiness',
      description:
        'Whether at least one enabled provider is usable or serving, and each provider’s state. Holds no credential. Needs no key.',
      security: [],
      responses: {
        '200': { description: 'Ready.', content: { 'application/json': { schema: schemaRef('Readiness') } } },
        '503': {
          description: 'No provider can take a request.',
          content: { 'application/json': { schema: schemaRef('Readiness') } },
        },
      },
    }),
    '/metrics': get({
      operationId: 'metrics',
      tags: ['Service'],
      summary: 'Prometheus metrics',
      description:
        'Metrics in the Prometheus text format (requests, attempts, tokens, cost, provider health, config reloads). When an admin key is configured, only for its holder. Absent when metrics are off.',
      security: adminSecurity,
      responses: {
        '200': {
          description: 'The metrics.',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
        '401': {
          description: 'No admin key, or a wrong one.',
          content: { 'application/json': { schema: schemaRef('Error') } },
        },
      },
    }),
    '/openapi.json': get({
      operationId: 'openApiDocument',
      tags: ['Documentation'],
      summary: 'This OpenAPI document',
      description: 'The OpenAPI 3.1 document of ccb, generated from the schemas that validate the admin API.',
      security: [],
      responses: {
        '200': {
          description: 'The document.',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
      },
    }),
    '/docs': html(
      'swaggerUi',
      'Swagger UI',
      'This document in Swagger UI, served by ccb itself: works offline.',
    ),
    '/redoc': html('redoc', 'ReDoc', 'This document in ReDoc, served by ccb itself: works offline.'),
  };
}
