import { createMockUpstream } from './create-mock-upstream.js';
import type { MockUpstream, MockUpstreamOptions } from './mock-upstream.js';

/**
 * Starts one mock per config, in order (for `ccb demo`). If any fails to start, the ones that did are
 * closed and the first failure is thrown.
 */
export async function startMockUpstreams(configs: readonly MockUpstreamOptions[]): Promise<MockUpstream[]> {
  const results = await Promise.allSettled(configs.map((config) => createMockUpstream(config)));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure === undefined) {
    return results.map((result) => (result as PromiseFulfilledResult<MockUpstream>).value);
  }
  await Promise.all(
    results.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)),
  );
  throw failure.reason;
}
