// The loop probe: preloaded (`node --import dist/loop-probe.js …`) into every process the bench measures (node-pipe,
// ccb, the mock), so each is measured the same way without code of its own. It answers two messages on the IPC
// channel the bench opens: `reset` starts a window, `read` answers with the window's figures (see loop-figures.ts).
// Outside the bench (no IPC channel) it does nothing.
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import {
  addGcTotals,
  delayBeyondResolutionInMs,
  type GcTotals,
  gcKindNames,
  type LoopFigures,
  type LoopProbeReply,
  loopProbeResolutionInMs,
} from './loop-figures.js';

function startProbe(): void {
  const delay = monitorEventLoopDelay({ resolution: loopProbeResolutionInMs });
  delay.enable();
  let gc: GcTotals = { count: 0, totalInMs: 0, maxInMs: 0 };
  let gcByKind: Record<string, GcTotals> = {};
  let windowStart = performance.now();
  let utilizationStart = performance.eventLoopUtilization();

  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const pause = { count: 1, totalInMs: entry.duration, maxInMs: entry.duration };
      const kind = gcKindNames[(entry as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
      gc = addGcTotals(gc, pause);
      gcByKind[kind] = addGcTotals(gcByKind[kind], pause);
    }
  });
  observer.observe({ entryTypes: ['gc'] });

  const reset = () => {
    delay.reset();
    gc = { count: 0, totalInMs: 0, maxInMs: 0 };
    gcByKind = {};
    windowStart = performance.now();
    utilizationStart = performance.eventLoopUtilization();
  };
  const read = (): LoopFigures => {
    const memory = process.memoryUsage();
    return {
      windowInMs: performance.now() - windowStart,
      delay: {
        p50InMs: delayBeyondResolutionInMs(delay.count === 0 ? 0 : delay.percentile(50)),
        p99InMs: delayBeyondResolutionInMs(delay.count === 0 ? 0 : delay.percentile(99)),
        maxInMs: delayBeyondResolutionInMs(delay.count === 0 ? 0 : delay.max),
      },
      utilization: performance.eventLoopUtilization(utilizationStart).utilization,
      gc,
      gcByKind,
      heapUsedInBytes: memory.heapUsed,
      rssInBytes: memory.rss,
    };
  };

  process.on('message', (message: unknown) => {
    const command = message as { ccbLoopProbe?: unknown; id?: unknown } | null;
    if (command?.ccbLoopProbe === 'reset') reset();
    else if (command?.ccbLoopProbe === 'read' && typeof command.id === 'number') {
      const reply: LoopProbeReply = { ccbLoopProbe: 'figures', id: command.id, figures: read() };
      process.send?.(reply);
    }
  });
  // The channel must not keep a process alive that would otherwise exit (ccb drains and exits on SIGTERM).
  process.channel?.unref();
}

if (process.send !== undefined) startProbe();
