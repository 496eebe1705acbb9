import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import * as frames from './_sse-stream-fixture.js';
import type { SampleRecorder } from './latency-stats.js';
import type { MeasurementWindow } from './measurement-window.js';
import { ProbeHandler } from './probe-handler.js';

const preamble = Buffer.from(frames.preamble);
const delta = Buffer.from(frames.delta);
const stop = Buffer.from(frames.messageStop);
const errorEvent = Buffer.from(frames.errorEvent);
const sse = { 'content-type': 'text/event-stream; charset=utf-8' };
const json = { 'content-type': 'application/json' };
const controller = {} as Dispatcher.DispatchController;

/**
 * A window that samples every response but a connection's first, a recorder that keeps what it is given, and a clock
 * the test moves.
 */
function probe(firstToken: boolean, opensConnection = false) {
  const clock = { now: 100 };
  const samples: number[] = [];
  const ended: boolean[] = [];
  const window = { isSample: (_latency: number, opens: boolean) => !opens } as unknown as MeasurementWindow;
  const timesToFirst = { add: (value: number) => samples.push(value) } as unknown as SampleRecorder;
  const handler = new ProbeHandler(
    { window, timesToFirst, firstToken, now: () => clock.now },
    (ok) => ended.push(ok),
    opensConnection,
  );
  /** Moves the clock to `at` and delivers `chunk`. */
  const deliver = (at: number, chunk: Buffer) => {
    clock.now = at;
    handler.onResponseData(controller, chunk);
  };
  return { handler, deliver, samples, ended };
}

describe('ProbeHandler', () => {
  it("times an event stream to its first byte by default: the preamble's arrival", () => {
    const { handler, deliver, samples, ended } = probe(false);
    handler.onResponseStart(controller, 200, sse);
    deliver(110, preamble);
    deliver(150, delta);
    handler.onResponseEnd();
    expect(samples).toEqual([10]);
    expect(ended).toEqual([true]);
  });

  it('gives the window the request that opened its connection, which it does not sample; it still ends ok', () => {
    const { handler, deliver, samples, ended } = probe(false, true);
    handler.onResponseStart(controller, 200, sse);
    deliver(110, preamble);
    handler.onResponseEnd();
    expect(samples).toEqual([]);
    expect(ended).toEqual([true]);
  });

  it('times an event stream to its first token when asked, whatever came before it', () => {
    const { handler, deliver, samples, ended } = probe(true);
    handler.onResponseStart(controller, 200, sse);
    deliver(110, preamble);
    deliver(130, delta.subarray(0, 10));
    deliver(150, Buffer.concat([delta.subarray(10), delta]));
    deliver(170, stop);
    handler.onResponseEnd();
    expect(samples).toEqual([50]);
    expect(ended).toEqual([true]);
  });

  it('counts a stream that ends without a token as failed when timing tokens, and records nothing for it', () => {
    const { handler, deliver, samples, ended } = probe(true);
    handler.onResponseStart(controller, 200, sse);
    deliver(110, preamble);
    deliver(120, errorEvent);
    handler.onResponseEnd();
    expect(samples).toEqual([]);
    expect(ended).toEqual([false]);
  });

  it('times an answer that is not an event stream to its first byte, even when timing tokens', () => {
    const { handler, deliver, samples, ended } = probe(true);
    handler.onResponseStart(controller, 200, json);
    deliver(104, Buffer.from('{"type":"message","content":[]}'));
    handler.onResponseEnd();
    expect(samples).toEqual([4]);
    expect(ended).toEqual([true]);
  });

  it('records nothing for an error answer, stream or not', () => {
    const { handler, deliver, samples, ended } = probe(true);
    handler.onResponseStart(controller, 529, sse);
    deliver(110, errorEvent);
    handler.onResponseEnd();
    expect(samples).toEqual([]);
    expect(ended).toEqual([false]);
  });
});
