/**
 * What a benchmark target is: the mock itself, the Node floor proxy, that floor holding each whole body before it
 * sends it on (`node-pipe-held`: what holding a body for failover costs by itself), the real balancer, the real
 * balancer with request logs and metrics off (to measure what they cost), with `dedup.messages: in_flight` (every request
 * hashed and served through a shared response; the load generators send one body, so at concurrency above 1 it
 * measures coalescing, and at 1, the cost for a request that has no duplicate), with its live state in Redis
 * and its ledger in PostgreSQL (`ccb-shared`, issue 18: one instance of the layout of docs/deploy.md), or with its
 * provider a `kind: bedrock` one on the mock's Bedrock mode (issue 17: the body rewritten for InvokeModel and the
 * event stream decoded back to SSE), authenticated with a Bedrock API key (`ccb-bedrock`) or SigV4-signed with access
 * keys (`ccb-bedrock-sigv4`).
 */

import type { TimeTo } from './probe-handler.js';

export type TargetId =
  | 'direct'
  | 'node-pipe'
  | 'node-pipe-held'
  | 'ccb'
  | 'ccb-quiet'
  | 'ccb-dedup'
  | 'ccb-shared'
  | 'ccb-bedrock'
  | 'ccb-bedrock-sigv4';

/** Every target, in the order they are interleaved within a round. */
export const targetIds: readonly TargetId[] = [
  'direct',
  'node-pipe',
  'node-pipe-held',
  'ccb',
  'ccb-quiet',
  'ccb-dedup',
  'ccb-shared',
  'ccb-bedrock',
  'ccb-bedrock-sigv4',
];

/** The targets whose provider is Bedrock-shaped: they need the mock's Bedrock mode (see {@link measuresTarget}). */
export const bedrockTargetIds: readonly TargetId[] = ['ccb-bedrock', 'ccb-bedrock-sigv4'];

/** The targets of a default run (`ccb-quiet` only on request: `--targets direct,node-pipe,ccb,ccb-quiet`). */
export const defaultTargetIds: readonly TargetId[] = ['direct', 'node-pipe', 'ccb'];

/**
 * The request a scenario sends (see `request-bodies.ts` and `request-source.ts`): `small` non-streaming, `stream`,
 * `medium` (~100 KB) or `large` (1 MiB) with a plain conversation; or shaped like Claude Code's (`claude-code-body.ts`):
 * `cc-50k` and `cc-200k` (non-streaming) and their `cc-stream-` twins, `cc-growing` (each connection a conversation
 * growing by one exchange per request up to 1 MiB, streaming) and `cc-sessions` (each connection its own ~50 KB
 * session, streaming).
 */
export type RequestKind =
  | 'small'
  | 'stream'
  | 'medium'
  | 'large'
  | 'cc-50k'
  | 'cc-200k'
  | 'cc-stream-50k'
  | 'cc-stream-200k'
  | 'cc-growing'
  | 'cc-sessions';

/**
 * A named set of scenarios: `default` (the short-request scenarios of the first performance issue) and
 * `claude-code` (Claude Code-sized traffic, issue 20, with its stricter goals).
 */
export type ScenarioSet = 'default' | 'claude-code';

/** Every set, for `--set`. */
export const scenarioSets: readonly ScenarioSet[] = ['default', 'claude-code'];

/** One benchmark scenario: a request shape at a concurrency, measured on every selected target. */
export interface Scenario {
  readonly id: string;
  /** One line for the table heading. */
  readonly title: string;
  /** Concurrent connections of the load generator. */
  readonly connections: number;
  readonly request: RequestKind;
  /**
   * The load generator: `autocannon` measures full-response latency; `ttfb` runs the bench's own undici
   * client, whose latency columns are the time to the first body byte.
   */
  readonly load: 'autocannon' | 'ttfb';
  /**
   * Extra streams a TTFB probe keeps open beside autocannon, for the TTFB columns of a streaming
   * scenario; 0 for none.
   */
  readonly ttfbProbeConnections: number;
  /**
   * What the TTFB columns time in a stream: its first byte, or its first token (the first `content_block_delta`),
   * labelled TTFT. Default `first-byte`.
   */
  readonly timeTo?: TimeTo;
  /**
   * Shortest measurement window, in ms, whatever `--duration` says: a paced stream lasts ~420 ms, and a
   * window only a little longer would complete few per connection (1.5 s: about three and a half).
   * Default 0.
   */
  readonly minWindowInMs?: number;
  /** ccb gets a second provider that refuses connections (listed first, so it is tried first half the time). */
  readonly failover: boolean;
  /**
   * The mock the targets forward to: `paced`, or `bulk` (the same, reading past the first 4 KiB of a body without
   * keeping it, so large bodies do not make the mock the bottleneck). Default `paced`.
   */
  readonly upstream?: 'paced' | 'bulk';
  /** The set it belongs to. Default `default`. */
  readonly set?: ScenarioSet;
  /**
   * ccb gets two providers on the mock with session affinity on, so every session is bound to one and every
   * request looks its binding up. Default false.
   */
  readonly affinity?: boolean;
  /**
   * Unmeasured load per target before the first round, in ms, unless `--warmup` (or `--quick`) sets one for every
   * scenario. Default {@link defaultWarmupInMs}.
   */
  readonly warmupInMs?: number;
  /**
   * Measured windows per target in every round, the targets taking turns window by window, unless `--windows` sets
   * a number for every scenario. Default 1.
   */
  readonly windowsPerRound?: number;
}

const streamMinWindowInMs = 1500;

/** A scenario's warm-up per target when neither it nor `--warmup` sets one, in ms. */
const defaultWarmupInMs = 1000;

/**
 * The Claude Code scenarios' warm-up per target, in ms. A fixed-count driver saw both proxies' CPU per stream fall by
 * a quarter to a third over their first 15–20 s (200 KB streams at 100 connections), and a one-second warm-up let
 * the first rounds measure part of that start-up rather than the proxy a user runs for hours (docs/performance.md
 * item 33: over two alternating pairs, ccb's CPU per stream against node-pipe's read ~0.1 lower after 15 s).
 */
const claudeCodeWarmupInMs = 15_000;

/**
 * The Claude Code scenarios' windows per round; their goal is judged in every round. A round over one window pair
 * sees the host drift between the two: two identical node-pipes read 0.71–1.30× apart by round with one 6-s window
 * each per round, 0.85–1.18× with six 1-s windows in turns, 0.84–1.19× with three (docs/performance.md, item 37).
 * Four is even, so each of two targets runs first in half of a round's windows, and it keeps the set's run time
 * near 13 minutes for node-pipe and ccb.
 */
const claudeCodeWindowsPerRound = 4;

/**
 * What every Claude Code scenario shares: its set, the long warm-up, the windows per round, and the bulk mock, which
 * skips most of each body so that at these sizes the proxies, not the mock, set the pace.
 */
const claudeCodeSet = {
  set: 'claude-code',
  warmupInMs: claudeCodeWarmupInMs,
  windowsPerRound: claudeCodeWindowsPerRound,
  upstream: 'bulk',
} as const satisfies Partial<Scenario>;

/** The measured windows per target in each round of `scenario`: `--windows`' when given, else the scenario's own. */
export function windowsPerRoundOf(scenario: Scenario, windowsPerRound: number | undefined): number {
  return windowsPerRound ?? scenario.windowsPerRound ?? 1;
}

/** The warm-up of `scenario` per target, in ms: `--warmup`'s when given, else the scenario's own. */
export function warmupOf(scenario: Scenario, warmupInMs: number | undefined): number {
  return warmupInMs ?? scenario.warmupInMs ?? defaultWarmupInMs;
}

/** The scenarios from the performance issue, in run order. */
export const scenarios: readonly Scenario[] = [
  {
    id: 'nonstream-c1',
    title: 'non-streaming, 1 connection',
    connections: 1,
    request: 'small',
    load: 'autocannon',
    ttfbProbeConnections: 0,
    failover: false,
  },
  {
    id: 'nonstream-c50',
    title: 'non-streaming, 50 connections',
    connections: 50,
    request: 'small',
    load: 'autocannon',
    ttfbProbeConnections: 0,
    failover: false,
  },
  {
    id: 'nonstream-c200',
    title: 'non-streaming, 200 connections',
    connections: 200,
    request: 'small',
    load: 'autocannon',
    ttfbProbeConnections: 0,
    failover: false,
  },
  {
    id: 'stream-c100',
    title: 'streaming (20 events, 20 ms apart), 100 connections + 10 TTFB probe streams',
    connections: 100,
    request: 'stream',
    load: 'autocannon',
    ttfbProbeConnections: 10,
    failover: false,
    minWindowInMs: streamMinWindowInMs,
  },
  {
    id: 'stream-c1000',
    title: 'streaming (20 events, 20 ms apart), 1000 connections + 10 TTFB probe streams',
    connections: 1000,
    request: 'stream',
    load: 'autocannon',
    ttfbProbeConnections: 10,
    failover: false,
    minWindowInMs: streamMinWindowInMs,
  },
  {
    id: 'ttfb-c50',
    title: 'stream time to first byte, 50 connections (latency columns are TTFB)',
    connections: 50,
    request: 'stream',
    load: 'ttfb',
    ttfbProbeConnections: 0,
    failover: false,
    minWindowInMs: streamMinWindowInMs,
  },
  {
    id: 'body-1mb-c20',
    title: '1 MB request body, non-streaming, 20 connections',
    connections: 20,
    request: 'large',
    load: 'autocannon',
    ttfbProbeConnections: 0,
    failover: false,
  },
  {
    id: 'failover-c50',
    title:
      'failover: ccb has a refusing provider first in round-robin; others hit the healthy mock, 50 connections',
    connections: 50,
    request: 'small',
    load: 'autocannon',
    ttfbProbeConnections: 0,
    failover: true,
  },
  {
    id: 'cc-50k-c50',
    title: 'Claude Code first turn: 50 KB body, non-streaming, 50 connections',
    connections: 50,
    request: 'cc-50k',
    load: 'autocannon',
    ttfbProbeConnections: 0,
    failover: false,
    ...claudeCodeSet,
  },
  {
    id: 'cc-200k-c50',
    title: 'Claude Code mid-session: 200 KB body, non-streaming, 50 connections',
    connections: 50,
    request: 'cc-200k',
    load: 'autocannon',
    ttfbProbeConnections: 0,
    failover: false,
    ...claudeCodeSet,
  },
  {
    id: 'cc-stream-50k-c50',
    title: 'Claude Code first turn: 50 KB body, streaming, 50 connections + 10 TTFB probe streams',
    connections: 50,
    request: 'cc-stream-50k',
    load: 'autocannon',
    ttfbProbeConnections: 10,
    failover: false,
    minWindowInMs: streamMinWindowInMs,
    ...claudeCodeSet,
  },
  {
    id: 'cc-stream-200k-c100',
    title: 'Claude Code mid-session: 200 KB body, streaming, 100 connections + 10 TTFB probe streams',
    connections: 100,
    request: 'cc-stream-200k',
    load: 'autocannon',
    ttfbProbeConnections: 10,
    failover: false,
    minWindowInMs: streamMinWindowInMs,
    ...claudeCodeSet,
  },
  {
    id: 'cc-growing-c20',
    title:
      'Claude Code growing conversation: each connection one session, +1 exchange (12 KB) per request from 50 KB to 1 MiB and over again, connections spread over that growth, streaming, 20 connections (latency columns are TTFB)',
    connections: 20,
    request: 'cc-growing',
    load: 'ttfb',
    ttfbProbeConnections: 0,
    failover: false,
    minWindowInMs: streamMinWindowInMs,
    ...claudeCodeSet,
  },
  {
    id: 'cc-sessions-c100',
    title:
      'Claude Code sessions: 100 connections, each its own session id and conversation (50 KB), streaming, affinity on over two providers (latency columns are TTFT, time to first token)',
    connections: 100,
    request: 'cc-sessions',
    load: 'ttfb',
    ttfbProbeConnections: 0,
    // With a second provider ccb holds a stream's preamble until content, to fail over invisibly (decision 1); the
    // paced mock sends it 20 ms ahead of content, real upstreams back to back. The first token is what a user sees,
    // and the hold never delays it.
    timeTo: 'first-token',
    failover: false,
    minWindowInMs: streamMinWindowInMs,
    ...claudeCodeSet,
    affinity: true,
  },
];

/** The scenarios of a set, in run order. */
export function scenariosOf(set: ScenarioSet): Scenario[] {
  return scenarios.filter((scenario) => (scenario.set ?? 'default') === set);
}

/**
 * Whether a scenario can measure a target. The Bedrock targets cannot measure the Claude Code scenarios: those go to
 * the `bulk` mock, which drops a body past its first 4 KiB so that the mock does not set the pace, and the Bedrock mode
 * must read the whole body (it verifies the signature over it and parses it as Bedrock does).
 */
export function measuresTarget(scenario: Pick<Scenario, 'upstream'>, target: TargetId): boolean {
  return !bedrockTargetIds.includes(target) || (scenario.upstream ?? 'paced') === 'paced';
}
