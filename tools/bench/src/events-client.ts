import { request } from 'undici';
import { BenchError } from './bench-error.js';

/** An open `GET /admin/events` stream, read and thrown away as a dashboard would read it. */
export interface EventsClient {
  /** Settles when the stream ends by itself (ccb closed it or went away), rejects when reading fails. */
  readonly ended: Promise<void>;
  /** Closes the stream; resolves with what was read. */
  close(): Promise<{ readonly bytes: number; readonly messages: number }>;
}

/**
 * Opens one `/admin/events` stream to a ccb target, as an open dashboard does: ccb aggregates traffic for it once a
 * second while it stays open. No admin key: the bench's ccb has none and the bench connects from loopback.
 * @throws {BenchError} `CCB_BENCH_TARGET_START_FAILED` when ccb does not answer the stream with 200.
 */
export async function openEventsClient(baseUrl: string): Promise<EventsClient> {
  const abort = new AbortController();
  const response = await request(`${baseUrl}/admin/events`, {
    headers: { accept: 'text/event-stream' },
    signal: abort.signal,
  });
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new BenchError(
      'CCB_BENCH_TARGET_START_FAILED',
      `--events-client: GET ${baseUrl}/admin/events answered ${response.statusCode}, not a stream`,
    );
  }
  let bytes = 0;
  let messages = 0;
  const reading = (async () => {
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        // One message per blank line; a keep-alive comment counts as one too, which is close enough for a tally.
        for (let index = chunk.indexOf('\n\n'); index !== -1; index = chunk.indexOf('\n\n', index + 2))
          messages++;
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  })();
  return {
    ended: reading,
    async close() {
      abort.abort();
      await reading;
      return { bytes, messages };
    },
  };
}
