import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import type { AttemptContext } from './attempt-context.js';
import { AttemptHandler } from './attempt-handler.js';
import type { AttemptResult } from './attempt-result.js';
import type { ClientResponse } from './client-response.js';

/** A response that records what the handler wrote. */
function recordingResponse(): ClientResponse & { written: string[] } {
  const written: string[] = [];
  return {
    written,
    headersSent: false,
    statusCode: 200,
    destroyed: false,
    writableEnded: false,
    writableFinished: false,
    writeHead: () => undefined,
    write: (chunk) => {
      written.push(String(chunk));
      return true;
    },
    end: () => undefined,
    destroy: () => undefined,
    once: () => undefined,
    on: () => undefined,
  };
}

function contextFor(response: ClientResponse, onSettled: (result: AttemptResult) => void): AttemptContext {
  return {
    response,
    requestId: 'req_test',
    maxRetryAfterInSeconds: 60,
    captureLimitInBytes: 0,
    onCommit: () => {},
    firstContentTimeoutInMs: 0,
    clientCredentials: false,
    observeUsage: true,
    relayedErrors: undefined,
    onSettled,
  };
}

/** undici's controller as a handler sees it, with the response head's raw form it keeps. */
function controllerWithRawHead(): Dispatcher.DispatchController {
  return {
    aborted: false,
    paused: false,
    reason: null,
    rawHeaders: [Buffer.from('content-type'), Buffer.from('application/json')],
    abort: () => {},
    pause: () => {},
    resume: () => {},
  };
}

describe('AttemptHandler', () => {
  it("lets go of undici's raw copy of the head once it has the parsed headers", async () => {
    // The raw head is Buffer slices pinning the socket read they came in, held as long as the response lasts (a
    // whole stream) unless the handler clears it (docs/performance.md, item 29).
    const settled = new Promise<AttemptResult>((resolve) => {
      const response = recordingResponse();
      const handler = new AttemptHandler('a', contextFor(response, resolve));
      const controller = controllerWithRawHead();
      handler.onResponseStart(controller, 200, { 'content-type': 'application/json' });
      expect(controller.rawHeaders).toBeNull();
      handler.onResponseData(controller, Buffer.from('{"usage":{"input_tokens":1,"output_tokens":2}}'));
      handler.onResponseEnd();
      expect(response.written).toHaveLength(1);
    });
    const result = await settled;
    expect(result.kind).toBe('committed');
  });

  it('takes a controller that offers the raw head read-only, and ignores an informational head', async () => {
    const response = recordingResponse();
    const heads: number[] = [];
    response.writeHead = (status) => {
      heads.push(status);
      return undefined;
    };
    const told: AttemptResult[] = [];
    const handler = new AttemptHandler(
      'a',
      contextFor(response, (result) => told.push(result)),
    );
    const controller = Object.defineProperty(controllerWithRawHead(), 'rawHeaders', {
      get: () => [Buffer.from('content-type'), Buffer.from('application/json')],
    });
    handler.onResponseStart(controller, 103, { link: '</style.css>; rel=preload' });
    handler.onResponseStart(controller, 200, { 'content-type': 'application/json' });
    handler.onResponseData(controller, Buffer.from('{}'));
    handler.onResponseEnd();
    await Promise.resolve();
    expect(heads).toEqual([200]);
    expect(told.map((result) => result.kind)).toEqual(['committed']);
  });

  it('tells its end once, in a later microtask, and not at all once withdrawn', async () => {
    const told: AttemptResult[] = [];
    const handler = new AttemptHandler(
      'a',
      contextFor(recordingResponse(), (result) => told.push(result)),
    );
    const controller = controllerWithRawHead();
    handler.onResponseStart(controller, 503, { 'content-type': 'application/json' });
    handler.onResponseEnd();
    handler.onResponseEnd();
    expect(told).toHaveLength(0);
    await Promise.resolve();
    expect(told.map((result) => result.kind)).toEqual(['failed']);

    const withdrawn: AttemptResult[] = [];
    const other = new AttemptHandler(
      'b',
      contextFor(recordingResponse(), (result) => withdrawn.push(result)),
    );
    other.onResponseError(controller, new Error('connect ECONNREFUSED'));
    other.withdraw(new Error('dispatcher broke'));
    await Promise.resolve();
    await Promise.resolve();
    expect(withdrawn).toHaveLength(0);
  });
});
