import { describe, expect, it } from 'vitest';
import { createSecretScrubber, minRedactedLength } from './secret-scrubber.js';
import { TelemetryError } from './telemetry-error.js';

describe('createSecretScrubber', () => {
  it('replaces configured secrets wherever they appear in a line', () => {
    const scrub = createSecretScrubber(['provider-key-123', 'client-key-456']);
    const line = '{"a":"provider-key-123","b":"x client-key-456 y","msg":"provider-key-123provider-key-123"}';
    expect(scrub(line)).toBe('{"a":"[redacted]","b":"x [redacted] y","msg":"[redacted][redacted]"}');
  });

  it('scrubs sk-ant tokens even when they were never configured', () => {
    const scrub = createSecretScrubber();
    expect(scrub('{"msg":"key sk-ant-api03-AbC_dEf-123 and sk-ant-oat01-zzzz"}')).toBe(
      '{"msg":"key [redacted] and [redacted]"}',
    );
  });

  it('returns the very same string when there is nothing to scrub', () => {
    const line = '{"msg":"all clear"}';
    expect(createSecretScrubber()(line)).toBe(line);
    expect(createSecretScrubber(['secret-value'])(line)).toBe(line);
  });

  it('matches secrets in their JSON-escaped form and treats regex characters literally', () => {
    const secret = 'a"b\\c.*+?(d)';
    const scrub = createSecretScrubber([secret]);
    const line = JSON.stringify({ msg: `before ${secret} after`, other: 'aXbXc' });
    const scrubbed = scrub(line);
    expect(JSON.parse(scrubbed)).toEqual({ msg: 'before [redacted] after', other: 'aXbXc' });
  });

  it('removes a secret that contains another one whole', () => {
    const scrub = createSecretScrubber(['abcdefgh', 'abcdefghijkl']);
    expect(scrub('"abcdefghijkl"')).toBe('"[redacted]"');
  });

  it('leaves values too short to be secrets alone, so ordinary words stay intact', () => {
    const scrub = createSecretScrubber(['', 'x', 'key1234', 'key12345']);
    const line = '{"msg":"exiting: x=1, key1234 and key12345"}';
    expect(scrub(line)).toBe('{"msg":"exiting: x=1, key1234 and [redacted]"}');
    expect(minRedactedLength).toBe(8);
  });

  it('rejects values that are not strings', () => {
    expect(() => createSecretScrubber([42 as unknown as string])).toThrow(TelemetryError);
  });
});
