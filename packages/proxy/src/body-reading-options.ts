import { createBodyIdleSweep } from './body-idle-sweep.js';
import { createBodyMemory, type HeldBytes } from './body-memory.js';
import type { ProxyHandlerOptions } from './proxy-options.js';
import type { BodyReading } from './read-request-body.js';

/**
 * How a handler reads request bodies, from its settings with their defaults; built once per settings snapshot.
 * Every snapshot counts its bodies in the handler's one `held`, and keeps the `previous` snapshot's idle sweep when
 * the timeout is the same (a changed one gets its own: the old sweep stops once its last body is read).
 */
export function readingOptions(
  options: Pick<ProxyHandlerOptions, 'bodyLimitInBytes' | 'bodyTimeoutInMs' | 'maxBodyMemoryInBytes'>,
  held: HeldBytes,
  previous?: BodyReading,
): BodyReading {
  const idleTimeoutInMs = options.bodyTimeoutInMs ?? 30_000;
  return {
    limitInBytes: options.bodyLimitInBytes ?? 32 * 1024 * 1024,
    idleTimeoutInMs,
    idleSweep: !(idleTimeoutInMs > 0)
      ? undefined
      : previous?.idleTimeoutInMs === idleTimeoutInMs
        ? previous.idleSweep
        : createBodyIdleSweep(idleTimeoutInMs),
    memory: createBodyMemory(options.maxBodyMemoryInBytes ?? 512 * 1024 * 1024, held),
  };
}
