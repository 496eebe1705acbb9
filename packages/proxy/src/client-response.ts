/**
 * The part of a `ServerResponse` an exchange writes its answer through, so that one upstream call can answer many
 * clients (`SharedResponse`, request deduplication) as it answers one: `ServerResponse` satisfies it structurally.
 * Heads are flat `[name, value, …]` lists, as every writer in this package builds them.
 */
export interface ClientResponse {
  readonly headersSent: boolean;
  readonly statusCode: number;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  readonly writableFinished: boolean;
  writeHead(status: number, headers: string[]): unknown;
  /** `false` while the client's socket is full: wait for `drain`. */
  write(chunk: Buffer | string): boolean;
  end(chunk?: Buffer | string): unknown;
  destroy(): unknown;
  /** `close` once the response is over (finished or cut); `drain` once a full socket took its bytes. */
  once(event: 'close' | 'drain', listener: () => void): unknown;
  /** `close`, for a listener kept for the response's whole life (`once` would wrap it in two objects more). */
  on(event: 'close', listener: () => void): unknown;
}
