import { type MeasurementWindow, openMeasurementWindow } from './measurement-window.js';
import type { BenchRequest } from './request-bodies.js';

/**
 * A measurement window that is already counting when it is given, for load generators on the wire: every answer
 * counts, and any request is taken as having left inside it, so only the rule under test decides what is a sample.
 * The caller closes it.
 */
export async function openCountingWindow(): Promise<MeasurementWindow> {
  let opened: () => void = () => {};
  const counting = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const window = openMeasurementWindow({
    rampInMs: 0,
    settleInMs: 1e9,
    durationInMs: 60_000,
    onOpen: opened,
  });
  await counting;
  return window;
}

/** A small request the test servers answer, whatever its body. */
export const smallRequest: BenchRequest = {
  method: 'POST',
  path: '/v1/messages',
  headers: {},
  body: Buffer.from('{}'),
};
