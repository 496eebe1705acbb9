import { z } from 'zod';
import type { AdminApiSchemaName } from './admin-api-schemas.js';
import { persistQuerySchema } from './provider-change-schema.js';
import { usageDimensionSchema } from './usage-schema.js';

/** A query parameter of an admin endpoint. */
export interface AdminQueryParameter {
  readonly name: string;
  readonly description: string;
  /** Reads the parameter's text (`undefined` when absent). */
  readonly schema: z.ZodType;
  readonly required?: boolean;
}

/** An answer of an admin endpoint: its status, what it means and its JSON body's schema. */
export interface AdminAnswer {
  readonly status: number;
  readonly description: string;
  readonly schema: AdminApiSchemaName;
  /** The body's media type. Default application/json; text/event-stream: a stream of {@link schema} messages. */
  readonly mediaType?: 'application/json' | 'text/event-stream';
}

/** One endpoint of the admin API: the contract the CLI's routes implement and the OpenAPI document describes. */
export interface AdminEndpoint {
  /** Upper case; GET endpoints answer HEAD as well. */
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** The path as an OpenAPI template: `{name}` is a provider name. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: 'Providers' | 'Configuration' | 'Usage' | 'Events';
  readonly summary: string;
  readonly description: string;
  readonly query: readonly AdminQueryParameter[];
  /** The JSON body it takes, if any. */
  readonly requestBody?: AdminApiSchemaName;
  /** Its answers other than errors (2xx), and errors with a body of their own (a rejected reload). */
  readonly answers: readonly AdminAnswer[];
  /**
   * Its error statuses (Anthropic's error shape) and when each is sent, besides the 401 and 405 every admin
   * endpoint may send.
   */
  readonly errors: Readonly<Record<number, string>>;
}

const persist: AdminQueryParameter = {
  name: 'persist',
  description:
    'true: also write the change to the configuration file (comments, order and formatting kept; written to a temporary file, then renamed), without the file watcher reloading it again. false (default): the running process only, shown under overrides.',
  schema: persistQuerySchema,
};

const notFound = 'No provider has this name.';
const badPersist = 'persist is neither true nor false.';
const persistConflict =
  'persist=true, but the change cannot be written: ccb runs without a configuration file, the file is not writable, the provider is not written in it by name, or the file as written was rejected on reloading.';

/** Every admin endpoint, in the order the documentation lists them. */
export const adminEndpoints: readonly AdminEndpoint[] = [
  {
    method: 'GET',
    path: '/admin/providers',
    operationId: 'listProviders',
    tag: 'Providers',
    summary: 'List providers',
    description:
      "Each provider's configuration (its credential only as a fingerprint), runtime overrides, state, health, cool-down, rate-limit budgets, subscription windows, requests in flight, recent latency and error rate, and spend today.",
    query: [],
    answers: [{ status: 200, description: 'Every provider.', schema: 'ProviderList' }],
    errors: {},
  },
  {
    method: 'GET',
    path: '/admin/providers/{name}',
    operationId: 'getProvider',
    tag: 'Providers',
    summary: 'Show one provider',
    description: 'One provider, as the list shows it.',
    query: [],
    answers: [{ status: 200, description: 'The provider.', schema: 'AdminProvider' }],
    errors: { 404: notFound },
  },
  {
    method: 'PATCH',
    path: '/admin/providers/{name}',
    operationId: 'updateProvider',
    tag: 'Providers',
    summary: 'Change weight, priority or enabled',
    description:
      'Sets runtime overrides of the provider’s weight, priority or enabled. They last until the process stops, an operator changes them back, or a reload changes the same field in the file; persist=true writes them to the configuration file instead.',
    query: [persist],
    requestBody: 'ProviderPatch',
    answers: [{ status: 200, description: 'The provider after the change.', schema: 'ProviderChange' }],
    errors: {
      404: notFound,
      400: `The body is not JSON, names no setting, an unknown one, or a value out of range (weight >= 1, priority >= 0); or ${badPersist}`,
      409: persistConflict,
      413: 'The body is over 64 KiB.',
      415: 'The body is not application/json.',
    },
  },
  {
    method: 'POST',
    path: '/admin/providers/{name}/disable',
    operationId: 'disableProvider',
    tag: 'Providers',
    summary: 'Disable a provider',
    description:
      'Gives the provider no new requests (enabled: false); requests already running finish. Same as PATCH with {"enabled": false}.',
    query: [persist],
    answers: [{ status: 200, description: 'The provider, disabled.', schema: 'ProviderChange' }],
    errors: { 400: badPersist, 404: notFound, 409: persistConflict },
  },
  {
    method: 'POST',
    path: '/admin/providers/{name}/enable',
    operationId: 'enableProvider',
    tag: 'Providers',
    summary: 'Enable a provider',
    description:
      'Gives the provider requests again (enabled: true), and ends a drain. Same as PATCH with {"enabled": true}.',
    query: [persist],
    answers: [{ status: 200, description: 'The provider, enabled.', schema: 'ProviderChange' }],
    errors: { 400: badPersist, 404: notFound, 409: persistConflict },
  },
  {
    method: 'POST',
    path: '/admin/providers/{name}/drain',
    operationId: 'drainProvider',
    tag: 'Providers',
    summary: 'Drain a provider',
    description:
      'Gives the provider no new requests and lets the running ones, streams included, finish: its state is draining, then drained when nothing is in flight. enable ends it. Never persisted.',
    query: [],
    answers: [{ status: 200, description: 'The provider, draining or drained.', schema: 'AdminProvider' }],
    errors: { 404: notFound },
  },
  {
    method: 'POST',
    path: '/admin/providers/{name}/reset',
    operationId: 'resetProvider',
    tag: 'Providers',
    summary: "Reset a provider's health",
    description:
      'Closes its circuit and clears its cool-down (a rate limit, a spend limit) and budget bench. A provider still over its budget is benched again by its next request. Overrides are kept.',
    query: [],
    answers: [{ status: 200, description: 'The provider, reset.', schema: 'AdminProvider' }],
    errors: { 404: notFound },
  },
  {
    method: 'GET',
    path: '/admin/config',
    operationId: 'getConfig',
    tag: 'Configuration',
    summary: 'Show the effective configuration',
    description:
      'The configuration now running, defaults filled in, every secret replaced by "***". Secrets are write-only: no endpoint returns one.',
    query: [],
    answers: [{ status: 200, description: 'The configuration, redacted.', schema: 'RedactedConfig' }],
    errors: {},
  },
  {
    method: 'POST',
    path: '/admin/reload',
    operationId: 'reloadConfig',
    tag: 'Configuration',
    summary: 'Reload the configuration file',
    description:
      'Reads, expands and validates the configuration file (and the .env files and pricing file it names) completely, then swaps it in at once: each request runs on one configuration from start to end. Removed or changed providers drain. Settings that cannot change live are listed under restart_required. An invalid file changes nothing. Same as SIGHUP.',
    query: [],
    answers: [
      { status: 200, description: 'Applied, or unchanged.', schema: 'ReloadResult' },
      {
        status: 422,
        description: 'Rejected: the file is invalid (see errors); the running configuration stays.',
        schema: 'ReloadResult',
      },
    ],
    errors: {},
  },
  {
    method: 'GET',
    path: '/admin/usage',
    operationId: 'getUsage',
    tag: 'Usage',
    summary: 'Usage report',
    description:
      'The ccb usage report as JSON: the usage ledger summed over a range, grouped by one dimension.',
    query: [
      {
        name: 'since',
        description: 'How far back: a duration such as 24h, 7d or 30d. Default 7d.',
        schema: z.string().default('7d'),
      },
      {
        name: 'by',
        description: 'The dimension to group by. Default provider.',
        schema: usageDimensionSchema.default('provider'),
      },
    ],
    answers: [{ status: 200, description: 'The report.', schema: 'UsageReport' }],
    errors: {
      400: 'since is not a duration, or by is not a dimension.',
      404: 'The usage ledger is disabled (ledger.enabled: false).',
      500: 'The usage ledger could not be read.',
      503: 'The usage ledger is off (it could not be opened at start).',
    },
  },
  {
    method: 'GET',
    path: '/admin/budgets',
    operationId: 'getBudgets',
    tag: 'Usage',
    summary: 'Budgets, prompt-cache savings and session affinity',
    description:
      "Every budget cap (budgets: in the config) with what is used and left in its current UTC day or month and when it resets; a key budget names the key by its fingerprint only. Also today's prompt-cache hit rate and an estimate of what cache reads saved (cache-read tokens at the input price minus the cache-read price), counted by this process, and the router's session-affinity counters. budgets is empty without budgets.",
    query: [],
    answers: [{ status: 200, description: 'The budgets and savings.', schema: 'BudgetsReport' }],
    errors: {},
  },
  {
    method: 'GET',
    path: '/admin/events',
    operationId: 'streamEvents',
    tag: 'Events',
    summary: 'Live events (server-sent events)',
    description:
      'A stream of server-sent events for the dashboard (/ui): hello first, then health changes of providers (router), failovers with their request id, configuration reloads as they happen, and one traffic aggregate per second (requests, errors, failovers and their reasons, time to first byte, ccb overhead, tokens, cache hit rate, cost, per provider). A comment line keeps the connection alive every 15 s. Nothing is aggregated while no client listens. No event holds a secret.',
    query: [],
    answers: [
      {
        status: 200,
        description: 'The stream; each message is one AdminEvent, its SSE event name the event type.',
        schema: 'AdminEvent',
        mediaType: 'text/event-stream',
      },
    ],
    errors: {},
  },
  {
    method: 'POST',
    path: '/admin/reset',
    operationId: 'resetProviderHealth',
    tag: 'Providers',
    summary: "Reset a provider's health (by query)",
    description:
      'Clears the circuit, cool-down and budget bench of the provider named by ?provider=, like POST /admin/providers/{name}/reset, and answers {"provider", "reset": true}. Kept for the clients that use it.',
    query: [{ name: 'provider', description: 'The provider name.', schema: z.string(), required: true }],
    answers: [{ status: 200, description: 'The provider was reset.', schema: 'ResetResult' }],
    errors: { 404: 'provider is missing, or no provider has this name.' },
  },
];
