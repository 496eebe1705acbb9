import { describe, expect, it } from 'vitest';
import { BenchError } from './bench-error.js';
import { parseBenchArgs } from './parse-bench-args.js';

function parseError(argv: string[]): BenchError {
  try {
    parseBenchArgs(argv);
  } catch (error) {
    if (BenchError.is(error)) return error;
    throw error;
  }
  throw new Error('expected parseBenchArgs to throw');
}

describe('parseBenchArgs', () => {
  it('defaults to every scenario and target, 1 s per target and 5 rounds', () => {
    const options = parseBenchArgs([]);
    expect(options).toMatchObject({ durationInMs: 1000, rounds: 5, soak: false });
    // Each scenario's own warm-up, unless --warmup sets one.
    expect(options.warmupInMs).toBeUndefined();
    expect(options.scenarios.map((scenario) => scenario.id)).toContain('failover-c50');
    expect(options.targets).toEqual(['direct', 'node-pipe', 'ccb']);
    expect(options.soakRequests).toBe(100_000);
    expect(options.outPath).toBeUndefined();
  });

  it('keeps an /admin/events client open only with --events-client', () => {
    expect(parseBenchArgs([]).eventsClient).toBe(false);
    expect(parseBenchArgs(['--events-client']).eventsClient).toBe(true);
  });

  it('pins the proxies apart from the load side only with --pin', () => {
    expect(parseBenchArgs([]).pin).toBe(false);
    expect(parseBenchArgs(['--pin']).pin).toBe(true);
  });

  it('shortens every phase with --quick unless a flag says otherwise', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ durationInMs: 500, rounds: 1, soakRequests: 5_000 });
    expect(parseBenchArgs(['--quick', '--duration', '2'])).toMatchObject({ durationInMs: 2000, rounds: 1 });
    expect(parseBenchArgs(['--quick']).warmupInMs).toBe(200);
    expect(parseBenchArgs(['--quick', '--warmup', '3']).warmupInMs).toBe(3000);
    expect(parseBenchArgs(['--warmup', '0.5']).warmupInMs).toBe(500);
  });

  it('measures ccb with logs and metrics off only when asked', () => {
    expect(parseBenchArgs([]).targets).not.toContain('ccb-quiet');
    expect(parseBenchArgs(['--targets', 'ccb-quiet,ccb']).targets).toEqual(['ccb', 'ccb-quiet']);
  });

  it('keeps catalog order for filtered scenarios and targets, whatever order they are typed in', () => {
    const options = parseBenchArgs(['--scenarios', 'stream-c100, nonstream-c1', '--targets', 'ccb,direct']);
    expect(options.scenarios.map((scenario) => scenario.id)).toEqual(['nonstream-c1', 'stream-c100']);
    expect(options.targets).toEqual(['direct', 'ccb']);
  });

  it('accepts fractional durations in seconds', () => {
    expect(parseBenchArgs(['--duration', '1.5']).durationInMs).toBe(1500);
  });

  it('rejects an unknown scenario and names the valid ones', () => {
    const error = parseError(['--scenarios', 'nonstream-c2']);
    expect(error.code).toBe('CCB_BENCH_INVALID_ARGS');
    expect(error.message).toMatch(/unknown nonstream-c2; choose from nonstream-c1/);
  });

  it('rejects zero, negative and non-numeric durations', () => {
    for (const value of ['0', '-1', 'abc', '']) {
      expect(parseError([`--duration=${value}`]).message).toMatch(/--duration must be a positive number/);
    }
  });

  it("measures each scenario's own windows per round unless --windows (or --quick) sets a number", () => {
    expect(parseBenchArgs([]).windowsPerRound).toBeUndefined();
    expect(parseBenchArgs(['--windows', '3']).windowsPerRound).toBe(3);
    expect(parseBenchArgs(['--quick']).windowsPerRound).toBe(1);
    expect(parseBenchArgs(['--quick', '--windows', '2']).windowsPerRound).toBe(2);
    expect(parseError(['--windows', '0']).message).toMatch(/--windows/);
    expect(parseError(['--windows', '1.5']).message).toMatch(/--windows must be a whole number/);
  });

  it('rejects fractional rounds and soak counts', () => {
    expect(parseError(['--rounds', '1.5']).message).toMatch(/--rounds must be a whole number/);
    expect(parseError(['--soak-requests', '10.5']).message).toMatch(/--soak-requests must be a whole number/);
  });

  it('rejects unknown flags and stray positionals', () => {
    expect(parseError(['--durations', '3']).code).toBe('CCB_BENCH_INVALID_ARGS');
    expect(parseError(['fast']).code).toBe('CCB_BENCH_INVALID_ARGS');
  });

  it('rejects an empty target list', () => {
    expect(parseError(['--targets', ',']).message).toMatch(/--targets needs at least one name/);
  });

  it('reads --soak, --out, --cpu-prof-dir and --help', () => {
    expect(
      parseBenchArgs(['--soak', '--out', '/tmp/x.json', '--cpu-prof-dir', '/tmp/prof', '-h']),
    ).toMatchObject({
      soak: true,
      outPath: '/tmp/x.json',
      cpuProfileDir: '/tmp/prof',
      help: true,
    });
  });
});

describe('--soak-duration', () => {
  it('runs the timed soak for a time in ms, m, s or h, a bare number being seconds', () => {
    expect(parseBenchArgs(['--soak-duration', '10m'])).toMatchObject({
      soak: true,
      soakDurationInMs: 600_000,
    });
    expect(parseBenchArgs(['--soak-duration', '90s']).soakDurationInMs).toBe(90_000);
    expect(parseBenchArgs(['--soak-duration', '1.5h']).soakDurationInMs).toBe(5_400_000);
    expect(parseBenchArgs(['--soak-duration', '2500ms']).soakDurationInMs).toBe(2_500);
    expect(parseBenchArgs(['--soak-duration', '8']).soakDurationInMs).toBe(8_000);
  });

  it('leaves the request-count soak as it was without it', () => {
    expect(parseBenchArgs(['--soak'])).toMatchObject({ soak: true, soakDurationInMs: undefined });
    expect(parseBenchArgs([])).toMatchObject({ soak: false, soakDurationInMs: undefined });
  });

  it('refuses a time it cannot read, or under a second', () => {
    for (const text of ['10 minutes', 'm', '0.5', '900ms', '5d']) {
      expect(parseError(['--soak-duration', text]).message, text).toMatch(
        /--soak-duration must be a time of at least 1 s/,
      );
    }
  });
});

describe('--set', () => {
  it('runs the default set without flags, the Claude Code set with --set claude-code, and every scenario with all', () => {
    const ids = (argv: string[]) => parseBenchArgs(argv).scenarios.map((scenario) => scenario.id);
    expect(ids([])).toContain('nonstream-c50');
    expect(ids([])).not.toContain('cc-200k-c50');
    expect(ids(['--set', 'claude-code'])).toEqual([
      'cc-50k-c50',
      'cc-200k-c50',
      'cc-stream-50k-c50',
      'cc-stream-200k-c100',
      'cc-growing-c20',
      'cc-sessions-c100',
    ]);
    expect(ids(['--set', 'all'])).toEqual(expect.arrayContaining(['nonstream-c1', 'cc-sessions-c100']));
    expect(ids(['--set', 'claude-code', '--scenarios', 'nonstream-c1'])).toEqual(['nonstream-c1']);
  });

  it('refuses an unknown set', () => {
    expect(() => parseBenchArgs(['--set', 'huge'])).toThrow(
      /--set: unknown huge; choose from default, claude-code, all/,
    );
  });
});
