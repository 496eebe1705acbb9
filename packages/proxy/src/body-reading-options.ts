import { createBodyIdleSweep } from './body-idle-sweep.js';
import { createBodyMemory } from './body-memory.js';
import type { ProxyHandlerOptions } from './proxy-options.js';
import type { BodyReading } from './read-request-body.js';

/** How a handler reads request bodies, from its options with their defaults; built once per handler. */
export function readingOptions(options: ProxyHandlerOptions): BodyReading {
  const idleTimeoutInMs = options.bodyTimeoutInMs ?? 30_000;
  return {
    limitInBytes: options.bodyLimitInBytes ?? 32 * 1024 * 1024,
    idleTimeoutInMs,
    idleSweep: idleTimeoutInMs > 0 ? createBodyIdleSweep(idleTimeoutInMs) : undefined,
    memory: createBodyMemory(options.maxBodyMemoryInBytes ?? 512 * 1024 * 1024),
  };
}
