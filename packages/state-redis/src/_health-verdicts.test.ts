import { createHealthRecord } from '@ccb/router';
import { describe, expect, it } from 'vitest';
import { applyVerdict, verdictOf } from './_health-verdicts.js';

const now = 1_000_000;

describe('verdictOf', () => {
  it('has nothing to say about a fresh record, nor about a half-open circuit', () => {
    const record = createHealthRecord();
    expect(verdictOf('circuit', record, undefined, now)).toBeUndefined();
    expect(verdictOf('cooldown', record, undefined, now)).toBeUndefined();
    expect(verdictOf('readings', record, undefined, now)).toBeUndefined();
    record.circuit = 'half-open';
    expect(verdictOf('circuit', record, { stamp: 1, until: now - 1, payload: '{}' }, now)).toBeUndefined();
  });

  it('treats a cool-down that expired as no news, and one cut short (a reset) as news', () => {
    const record = createHealthRecord();
    expect(verdictOf('cooldown', record, { stamp: 1, until: now - 1, payload: 'x' }, now)).toBeUndefined();
    expect(verdictOf('cooldown', record, { stamp: 1, until: now + 60_000, payload: 'x' }, now)).toEqual({
      until: null,
      payload: '{"u":null,"c":null}',
    });
  });
});

describe('applyVerdict', () => {
  it('leaves out a period already over', () => {
    const record = createHealthRecord();
    expect(applyVerdict('circuit', record, '{"c":"open","u":999999,"r":"auth","d":30000}', now)).toBe(false);
    expect(applyVerdict('cooldown', record, '{"u":999999,"c":"rate_limit"}', now)).toBe(false);
    expect(record).toEqual(createHealthRecord());
  });

  it('closes a circuit as the tracker does, counters included, and keeps a closed one as it is', () => {
    const record = createHealthRecord();
    Object.assign(record, {
      circuit: 'half-open',
      consecutiveFailures: 4,
      window: [1, 1],
      windowFailures: 2,
    });
    expect(applyVerdict('circuit', record, '{"c":"closed","u":null,"r":null,"d":0}', now)).toBe(true);
    expect(record).toMatchObject({
      circuit: 'closed',
      consecutiveFailures: 0,
      window: [],
      windowFailures: 0,
    });
    expect(applyVerdict('circuit', record, '{"c":"closed","u":null,"r":null,"d":0}', now)).toBe(false);
  });
});
