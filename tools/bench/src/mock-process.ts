// The mock upstream in its own process, so serving it never shares an event loop with the load
// generator. Prints one JSON line with its URLs, then serves until SIGTERM or the bench goes away.
import { startMockUpstreams } from '@ccb/mock-upstream';
import { benchBedrockCredentials } from './ccb-bench-config.js';

/** Streams of the issue's scenarios: 20 events, 20 ms apart. */
const pacedStream = { streamEvents: 20, streamIntervalInMs: 20 } as const;

const [paced, fast, bulk, bedrock] = await startMockUpstreams([
  { name: 'paced', lean: true, ...pacedStream },
  // The soak test streams unpaced so 100 000 requests finish in minutes.
  { name: 'fast', lean: true, streamEvents: pacedStream.streamEvents },
  // The Claude Code scenarios' bodies (50 KB to 1 MiB): read, and dropped past their first bytes, so the mock answers
  // them at the cost of a short one and does not set the pace (model and stream come first in those bodies).
  { name: 'bulk', lean: true, leanBodyHeadInBytes: 4096, ...pacedStream },
  // The Bedrock targets' upstream: Bedrock's InvokeModel routes, paced like `paced` (one event-stream frame per event)
  // and named like it, so that ccb-bedrock's clients get the same SSE bytes as ccb's. Bodies are kept whole: the
  // Bedrock mode verifies the signature over them and parses them.
  { name: 'paced', lean: true, ...pacedStream, bedrock: benchBedrockCredentials },
]);
if (paced === undefined || fast === undefined || bulk === undefined || bedrock === undefined)
  throw new Error('startMockUpstreams returned too few mocks');

const urls = { paced: paced.url, fast: fast.url, bulk: bulk.url, bedrock: bedrock.url };
process.stdout.write(`${JSON.stringify({ msg: `mock listening on ${paced.url}`, urls })}\n`);

const shutdown = async (): Promise<never> => {
  await Promise.all([paced.close(), fast.close(), bulk.close(), bedrock.close()]);
  process.exit(0);
};
process.on('disconnect', shutdown);
process.on('SIGTERM', shutdown);
