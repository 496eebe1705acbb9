import { describe, expect, it } from 'vitest';
import { streamEndFault } from './failure-verdict.js';

const headers = { 'request-id': 'req_1' };
const whole = { error: undefined, sawMessageStop: true, malformed: false };

describe('streamEndFault', () => {
  it('finds nothing wrong with a stream that reached message_stop', () => {
    expect(streamEndFault(whole, headers)).toBeUndefined();
  });

  it("takes the upstream's own error event after content as its failure, already told to the client", () => {
    const fault = streamEndFault({ ...whole, error: { type: 'overloaded_error', message: 'busy' } }, headers);
    expect(fault).toEqual({
      outcome: {
        result: 'failure',
        failure: 'stream',
        status: 200,
        errorType: 'overloaded_error',
        errorMessage: 'busy',
        headers,
      },
      reason: 'in-band overloaded_error after content',
      endWithError: false,
    });
  });

  it('ends a stream cut before message_stop with an error event, as a stream failure', () => {
    expect(streamEndFault({ ...whole, sawMessageStop: false }, headers)).toEqual({
      outcome: { result: 'failure', failure: 'stream', status: 200, headers },
      reason: 'stream ended without message_stop',
      endWithError: true,
    });
  });

  it('calls a malformed stream a protocol failure even when it reached message_stop', () => {
    expect(streamEndFault({ ...whole, malformed: true }, headers)).toMatchObject({
      outcome: { failure: 'protocol' },
      reason: 'malformed stream',
      endWithError: true,
    });
  });
});
