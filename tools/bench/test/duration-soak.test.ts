import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MockUpstream, startMockUpstreams } from '@ccb/mock-upstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessRegistry } from '../src/process-registry.js';
import { resolveCliPath } from '../src/resolve-cli-path.js';
import { runDurationSoak } from '../src/run-duration-soak.js';
import type { BenchEnvironment } from '../src/start-targets.js';

// A real ccb (the built CLI) in front of a real mock, for a few seconds: the timed soak's whole path, bounded by its
// window, as `--soak-duration` runs it for 10 minutes.
describe('the timed soak', () => {
  const registry = createProcessRegistry();
  let mock: MockUpstream;
  let workDir: string;

  beforeAll(async () => {
    // The bench's bulk mock: bodies read past their first 4 KiB without being kept; short, paced streams.
    [mock] = (await startMockUpstreams([
      { name: 'bulk', lean: true, leanBodyHeadInBytes: 4096, streamEvents: 5, streamIntervalInMs: 5 },
    ])) as [MockUpstream];
    workDir = await mkdtemp(join(tmpdir(), 'ccb-bench-soak-test-'));
  });

  afterAll(async () => {
    await registry.stopAll(500);
    await mock?.close();
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  it('streams growing Claude Code sessions through ccb, samples its RSS from start to end and judges its flatness', async () => {
    const environment: BenchEnvironment = {
      registry,
      mockUrls: { paced: mock.url, fast: mock.url, bulk: mock.url, bedrock: mock.url },
      cliPath: resolveCliPath(),
      nodePipePath: '',
      workDir,
      loopProbePath: undefined,
      upstreamProbe: undefined,
      cpuProfileDir: undefined,
      pinning: undefined,
      signal: new AbortController().signal,
    };
    const progress: string[] = [];
    const startedAt = performance.now();
    const result = await runDurationSoak(environment, {
      durationInMs: 3000,
      targets: ['ccb'],
      connections: 4,
      progress: (line) => progress.push(line),
    });
    // Bounded: the load stops with the window (process start and stop come on top).
    expect(performance.now() - startedAt).toBeLessThan(20_000);
    expect(result.sampleIntervalInMs).toBe(250);
    expect(result.warmupInMs).toBe(1500);
    const [ccb] = result.targets;
    expect(ccb?.target).toBe('ccb');
    expect(ccb?.failed).toBe(0);
    expect(ccb?.completed).toBeGreaterThan(0);
    // Timed to the first token: the probe finds the mock's first content_block_delta through ccb's commit gate (a
    // stream it never found it in would count as failed, above).
    expect(ccb?.ttft.count).toBeGreaterThan(0);
    // Every 250 ms over 3 s, plus the first and the last: about 13, fewer on a loaded machine.
    expect(ccb?.samples.length).toBeGreaterThanOrEqual(8);
    expect(ccb?.samples[0]?.atInMs).toBeLessThan(100);
    expect(ccb?.samples.every((sample) => sample.rssInBytes > 10 * 1024 * 1024)).toBe(true);
    expect(ccb?.flatness.samples).toBeGreaterThan(0);
    expect(ccb?.peakRssInBytes).toBeGreaterThanOrEqual(
      Math.max(...(ccb?.samples ?? []).map((s) => s.rssInBytes)),
    );
    expect(result.goals.map((goal) => goal.goal)).toEqual(['ccb RSS flat after warm-up (issue 20)']);
    // The first progress line comes with the first sample.
    expect(progress[0]).toMatch(/^soak: 0 s of 3 s, RSS ccb \d+\.\d MiB$/);
    expect(mock.requestCount).toBeGreaterThanOrEqual(ccb?.completed ?? 0);
  }, 30_000);
});
