import { describe, expect, it } from 'vitest';
import { SessionDomains, signatureDigest } from './session-domains.js';

function clock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (byInMs: number) => (now += byInMs) };
}

describe('SessionDomains', () => {
  it('remembers the domains that served a session and who signed each signature', () => {
    const record = new SessionDomains();
    expect(record.domainsOf('s1')).toBeUndefined();
    record.served('s1', 'anthropic');
    record.served('s1', 'glm');
    record.served('s1', 'anthropic');
    expect([...(record.domainsOf('s1') ?? [])]).toEqual(['anthropic', 'glm']);
    record.signed('sig-a', 'anthropic');
    expect(record.domainOfSignature('sig-a')).toBe('anthropic');
    expect(record.domainOfSignature('sig-b')).toBeUndefined();
  });

  it('forgets a session and a signature a TTL after their last use, on the injected clock', () => {
    const time = clock();
    const record = new SessionDomains({ ttlInMs: 100, now: time.now });
    record.served('s1', 'anthropic');
    record.signed('sig', 'anthropic');
    time.advance(60);
    expect(record.domainsOf('s1')?.has('anthropic')).toBe(true);
    time.advance(60);
    // Used 60 ms ago: still there; the signature, unused for 120 ms, is gone.
    expect(record.domainsOf('s1')?.has('anthropic')).toBe(true);
    expect(record.domainOfSignature('sig')).toBeUndefined();
    time.advance(100);
    expect(record.domainsOf('s1')).toBeUndefined();
  });

  it('keeps at most maxSessions and maxSignatures, dropping the least recently used first', () => {
    const record = new SessionDomains({ maxSessions: 2, maxSignatures: 2 });
    record.served('a', 'x');
    record.served('b', 'x');
    record.domainsOf('a');
    record.served('c', 'x');
    expect(record.domainsOf('b')).toBeUndefined();
    expect(record.domainsOf('a')).toBeDefined();
    expect(record.domainsOf('c')).toBeDefined();
    for (const signature of ['1', '2', '3']) record.signed(signature, 'x');
    expect(record.domainOfSignature('1')).toBeUndefined();
    expect(record.size).toEqual({ sessions: 2, signatures: 2 });
  });

  it('keeps digests, not signatures', () => {
    expect(signatureDigest('x'.repeat(5000))).toHaveLength(22);
    expect(signatureDigest('a')).not.toBe(signatureDigest('b'));
  });

  it('refuses bounds that are not positive', () => {
    expect(() => new SessionDomains({ maxSessions: 0 })).toThrow(/sessionRepair.maxSessions/);
    expect(() => new SessionDomains({ ttlInMs: -1 })).toThrow(/sessionRepair.ttlInMs/);
  });
});
