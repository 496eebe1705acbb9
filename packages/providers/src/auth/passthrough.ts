import type { HeaderPair } from '../provider.js';

/** Passthrough adds no credential: the proxy forwards the client's own `x-api-key` / `authorization`. */
export const passthroughHeaders: readonly HeaderPair[] = Object.freeze([]);
