import { bedrockCheck, hasBedrockGoal } from './bedrock-goals.js';
import { claudeCodeChecks } from './claude-code-goals.js';
import type { TargetRow } from './compare-targets.js';
import { formatNumber } from './format-table.js';
import type { GoalCheck } from './goal-check.js';
import { describePaired, percent, times } from './paired-ratios.js';
import { bedrockTargetIds, type Scenario, type TargetId } from './scenarios.js';
import { sharedStateChecks } from './shared-state-goals.js';

export type { GoalCheck, GoalStatus } from './goal-check.js';

/** A finished scenario, as {@link evaluateGoals} reads it. */
export interface ScenarioRows {
  readonly scenario: Pick<Scenario, 'id' | 'failover'> &
    Partial<Pick<Scenario, 'connections' | 'set' | 'request'>>;
  readonly rows: readonly TargetRow[];
}

/** The goals. */
export const goalLimits = {
  /** ccb RPS at least this share of node-pipe's (median of the per-round ratios). */
  minRpsRatio: 0.85,
  /** ccb's added p50 at most this multiple of node-pipe's. */
  addedP50Factor: 1.5,
  /** ccb's added p99 at most this multiple of node-pipe's. */
  addedP99Factor: 2,
  /**
   * node-pipe's added latency is floored at this, in ms: its true overhead is tens of µs and the
   * measured difference can be zero or negative, which would make any multiple unreachable.
   */
  addedLatencyFloorInMs: 0.1,
  /** Stream TTFB ccb adds over direct at p50, in ms (strictly below). */
  maxAddedTtfbP50InMs: 1,
  /** ccb CPU per request at most this multiple of node-pipe's (median of the per-round ratios). */
  cpuFactor: 1.3,
  /**
   * Request logs and metrics (ccb against ccb-quiet) cost strictly less than this share of ccb-quiet's
   * throughput (median of the per-round costs), issue #6.
   */
  maxLogsAndMetricsCost: 0.1,
  /** ccb peak RSS at 1000 streams at most this multiple of node-pipe's… */
  rssFactor: 1.25,
  /** …and strictly below this, in bytes (256 MiB). */
  maxRssInBytes: 256 * 1024 * 1024,
  /** What a 1 MiB body may add over node-pipe at p50, in ms (strictly below). */
  maxLargeBodyAddedP50InMs: 2,
  /** ccb p99 with a refusing provider at most this multiple of its healthy p99 (nonstream-c50). */
  failoverP99Factor: 2,
} as const;

const ms = (value: number | undefined) => `${formatNumber(value, 2)} ms`;

function row(rows: readonly TargetRow[], target: TargetId): TargetRow | undefined {
  return rows.find((candidate) => candidate.target === target);
}

/** A check whose inputs must all be finite numbers; otherwise it was not measured (e.g. no responses). */
function check(
  fields: Omit<GoalCheck, 'status'>,
  inputs: readonly (number | undefined)[],
  isMet: () => boolean,
): GoalCheck {
  const measurable = inputs.every((value) => value !== undefined && Number.isFinite(value));
  return { ...fields, status: measurable ? (isMet() ? 'met' : 'missed') : 'not measured' };
}

function notMeasured(goal: string, scenario: string, limit: string, why: string): GoalCheck {
  return { goal, scenario, measured: why, limit, status: 'not measured' };
}

/** "median of N paired rounds, min–max": where a paired ratio came from and how steady it was. */
function perScenarioChecks(scenario: string, ccb: TargetRow, nodePipe: TargetRow): GoalCheck[] {
  const limits = goalLimits;
  const paired = ccb.versusNodePipe;
  const rpsRatio = paired?.rpsRatio.median;
  const allowedP50 =
    limits.addedP50Factor * Math.max(nodePipe.addedP50InMs ?? 0, limits.addedLatencyFloorInMs);
  const allowedP99 =
    limits.addedP99Factor * Math.max(nodePipe.addedP99InMs ?? 0, limits.addedLatencyFloorInMs);
  const checks = [
    check(
      {
        goal: 'ccb RPS vs node-pipe',
        scenario,
        measured:
          paired === undefined || rpsRatio === undefined || paired.rpsRatio.pairs === 0
            ? 'no paired rounds'
            : `${percent(rpsRatio)} (${describePaired(paired.rpsRatio, percent)})`,
        limit: `≥ ${limits.minRpsRatio * 100}%`,
      },
      [rpsRatio],
      () => (rpsRatio as number) >= limits.minRpsRatio,
    ),
  ];
  if (ccb.addedP50InMs !== undefined) {
    checks.push(
      check(
        {
          goal: 'added p50 vs node-pipe',
          scenario,
          measured: `${ms(ccb.addedP50InMs)} (node-pipe ${ms(nodePipe.addedP50InMs)})`,
          limit: `≤ ${ms(allowedP50)}`,
        },
        [ccb.addedP50InMs, nodePipe.addedP50InMs],
        () => (ccb.addedP50InMs as number) <= allowedP50,
      ),
      check(
        {
          goal: 'added p99 vs node-pipe',
          scenario,
          measured: `${ms(ccb.addedP99InMs)} (node-pipe ${ms(nodePipe.addedP99InMs)})`,
          limit: `≤ ${ms(allowedP99)}`,
        },
        [ccb.addedP99InMs, nodePipe.addedP99InMs],
        () => (ccb.addedP99InMs as number) <= allowedP99,
      ),
    );
  }
  const cpuRatio = paired?.cpuPerRequestRatio.median;
  checks.push(
    check(
      {
        goal: 'CPU per request vs node-pipe',
        scenario,
        measured:
          paired === undefined || cpuRatio === undefined || paired.cpuPerRequestRatio.pairs === 0
            ? 'no paired rounds with CPU time'
            : `${times(cpuRatio)} (${describePaired(paired.cpuPerRequestRatio, times)}; ${formatNumber(ccb.cpuPerRequestInUs, 0)} vs ${formatNumber(nodePipe.cpuPerRequestInUs, 0)} µs over all rounds)`,
        limit: `≤ ${limits.cpuFactor}×`,
      },
      [cpuRatio],
      () => (cpuRatio as number) <= limits.cpuFactor,
    ),
  );
  return checks;
}

function logsAndMetricsCheck(scenario: string, ccb: TargetRow): GoalCheck | undefined {
  const cost = ccb.logsAndMetricsCost;
  if (cost === undefined) return undefined;
  const rpsCost = cost.rpsCost.median;
  return check(
    {
      goal: 'logs+metrics RPS cost (ccb vs ccb-quiet)',
      scenario,
      measured:
        cost.rpsCost.pairs === 0
          ? 'no paired rounds'
          : `${percent(rpsCost)} (${describePaired(cost.rpsCost, percent)}; CPU/req ${times(cost.cpuPerRequestRatio.median)})`,
      limit: `< ${goalLimits.maxLogsAndMetricsCost * 100}%`,
    },
    [rpsCost],
    () => rpsCost < goalLimits.maxLogsAndMetricsCost,
  );
}

/**
 * Checks the goals against finished scenarios; Claude Code scenarios (set `claude-code`) get issue 20's goal
 * lines too (`claude-code-goals.ts`), and with `ccb-shared` and `ccb` measured, issue 18's lines for every scenario
 * (`shared-state-goals.ts`). Per-scenario goals (RPS, added latency, CPU, and
 * the cost of logs and metrics when ccb-quiet was measured) skip the failover scenario, where ccb does
 * extra work by design and has its own goal. Ratios between targets (RPS, CPU per request, logs and
 * metrics) are the medians of per-round ratios (see `paired-ratios.ts`); latencies are percentiles over
 * all samples.
 */
export function evaluateGoals(results: readonly ScenarioRows[]): GoalCheck[] {
  const limits = goalLimits;
  const checks: GoalCheck[] = [];
  const byId = new Map(results.map((result) => [result.scenario.id, result.rows]));

  for (const { scenario, rows } of results) {
    const ccb = row(rows, 'ccb');
    const shared = row(rows, 'ccb-shared');
    // Failover included: both ccb targets do the same extra work there, and the circuit writes go to Redis.
    if (ccb !== undefined && shared !== undefined)
      checks.push(...sharedStateChecks(scenario.id, shared, ccb));
    if (scenario.failover) continue;
    if (ccb !== undefined && hasBedrockGoal(scenario.request)) {
      for (const target of bedrockTargetIds) {
        const bedrock = row(rows, target);
        if (bedrock !== undefined) checks.push(bedrockCheck(scenario.id, bedrock, ccb));
      }
    }
    const nodePipe = row(rows, 'node-pipe');
    if (ccb !== undefined && nodePipe !== undefined) {
      checks.push(...perScenarioChecks(scenario.id, ccb, nodePipe));
      if (scenario.set === 'claude-code') {
        checks.push(
          ...claudeCodeChecks(
            { id: scenario.id, connections: scenario.connections ?? 0 },
            { ccb, nodePipe, control: row(rows, 'node-pipe-held') },
          ),
        );
      }
    }
    const logsAndMetrics = ccb === undefined ? undefined : logsAndMetricsCheck(scenario.id, ccb);
    if (logsAndMetrics !== undefined) checks.push(logsAndMetrics);
  }

  const ttfbGoal = 'stream TTFB added (p50)';
  const ttfbLimit = `< ${ms(limits.maxAddedTtfbP50InMs)}`;
  const ttfbRows = byId.get('ttfb-c50');
  const ttfbAdded = ttfbRows === undefined ? undefined : row(ttfbRows, 'ccb')?.addedP50InMs;
  checks.push(
    ttfbAdded === undefined
      ? notMeasured(ttfbGoal, 'ttfb-c50', ttfbLimit, 'needs ttfb-c50 with direct and ccb')
      : check(
          { goal: ttfbGoal, scenario: 'ttfb-c50', measured: ms(ttfbAdded), limit: ttfbLimit },
          [ttfbAdded],
          () => ttfbAdded < limits.maxAddedTtfbP50InMs,
        ),
  );

  const rssGoal = 'peak RSS at 1000 streams';
  const rssLimit = `≤ ${limits.rssFactor}× node-pipe and < ${limits.maxRssInBytes / 1024 / 1024} MiB`;
  const rssRows = byId.get('stream-c1000');
  const ccbRss = rssRows === undefined ? undefined : row(rssRows, 'ccb')?.peakRssInBytes;
  const nodePipeRss = rssRows === undefined ? undefined : row(rssRows, 'node-pipe')?.peakRssInBytes;
  if (ccbRss === undefined || nodePipeRss === undefined) {
    checks.push(notMeasured(rssGoal, 'stream-c1000', rssLimit, 'needs stream-c1000 with node-pipe and ccb'));
  } else {
    const mib = (bytes: number) => `${formatNumber(bytes / 1024 / 1024, 1)} MiB`;
    checks.push(
      check(
        {
          goal: rssGoal,
          scenario: 'stream-c1000',
          measured: `${mib(ccbRss)} (node-pipe ${mib(nodePipeRss)})`,
          limit: rssLimit,
        },
        [ccbRss, nodePipeRss],
        () => ccbRss <= limits.rssFactor * nodePipeRss && ccbRss < limits.maxRssInBytes,
      ),
    );
  }

  const bodyGoal = '1 MiB body p50 over node-pipe';
  const bodyLimit = `< ${ms(limits.maxLargeBodyAddedP50InMs)}`;
  const bodyRows = byId.get('body-1mb-c20');
  const bodyCcb = bodyRows === undefined ? undefined : row(bodyRows, 'ccb');
  const bodyNodePipe = bodyRows === undefined ? undefined : row(bodyRows, 'node-pipe');
  if (bodyCcb === undefined || bodyNodePipe === undefined) {
    checks.push(
      notMeasured(bodyGoal, 'body-1mb-c20', bodyLimit, 'needs body-1mb-c20 with node-pipe and ccb'),
    );
  } else {
    const added = bodyCcb.headline.p50 - bodyNodePipe.headline.p50;
    checks.push(
      check(
        { goal: bodyGoal, scenario: 'body-1mb-c20', measured: ms(added), limit: bodyLimit },
        [added],
        () => added < limits.maxLargeBodyAddedP50InMs,
      ),
    );
  }

  const failoverGoal = 'failover p99 vs healthy p99';
  const failoverLimit = `≤ ${limits.failoverP99Factor}× ccb p99 in nonstream-c50`;
  const failoverRows = byId.get('failover-c50');
  const healthyRows = byId.get('nonstream-c50');
  const failoverP99 = failoverRows === undefined ? undefined : row(failoverRows, 'ccb')?.headline.p99;
  const healthyP99 = healthyRows === undefined ? undefined : row(healthyRows, 'ccb')?.headline.p99;
  checks.push(
    failoverP99 === undefined || healthyP99 === undefined
      ? notMeasured(
          failoverGoal,
          'failover-c50',
          failoverLimit,
          'needs failover-c50 and nonstream-c50 with ccb',
        )
      : check(
          {
            goal: failoverGoal,
            scenario: 'failover-c50',
            measured: `${ms(failoverP99)} (healthy ${ms(healthyP99)})`,
            limit: failoverLimit,
          },
          [failoverP99, healthyP99],
          () => failoverP99 <= limits.failoverP99Factor * healthyP99,
        ),
  );
  return checks;
}
