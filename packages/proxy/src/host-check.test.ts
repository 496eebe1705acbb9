import { describe, expect, it } from 'vitest';
import { createHostCheck } from './host-check.js';

describe('createHostCheck', () => {
  const loopback = createHostCheck('127.0.0.1', []);

  it('accepts the loopback names with any port or none, in any case', () => {
    for (const host of [
      'localhost',
      'localhost:8000',
      'LocalHost:8000',
      'localhost.:8000',
      '127.0.0.1',
      '127.0.0.1:8000',
      '127.0.0.1:41234',
      '[::1]',
      '[::1]:8000',
      'localhost:',
    ]) {
      expect(loopback(host), host).toBe(true);
    }
  });

  it('accepts a request without Host, which no browser sends', () => {
    expect(loopback(undefined)).toBe(true);
  });

  it('refuses every other name: a rebinding page names itself', () => {
    for (const host of [
      'evil.example',
      'evil.example:8000',
      'localhost.evil.example',
      '127.0.0.1.nip.io:8000',
      '127.0.0.2:8000',
      '0.0.0.0:8000',
      '[::2]:8000',
      'app.localhost:8000',
      '',
      ':8000',
      'localhost:80:80',
      'localhost:port',
      'localhost:123456',
      '[::1',
      '[::1]x',
      '[evil]:8000',
      'local host',
      'localhost/x',
      'user@localhost',
    ]) {
      expect(loopback(host), host).toBe(false);
    }
  });

  it('accepts the listen address, IPv6 ones bracketed as in Host', () => {
    const any = createHostCheck('0.0.0.0', []);
    expect(any('0.0.0.0:8000')).toBe(true);
    expect(any('192.168.1.5:8000')).toBe(false);
    const named = createHostCheck('CCB.lan', []);
    expect(named('ccb.lan:8000')).toBe(true);
    const v6 = createHostCheck('::', []);
    expect(v6('[::]:8000')).toBe(true);
    const lan6 = createHostCheck('fd00::5', []);
    expect(lan6('[FD00::5]:8000')).toBe(true);
  });

  it('accepts allowed hosts: without a port with any port, with a port only with that one', () => {
    const check = createHostCheck('127.0.0.1', [
      'CCB.internal',
      'gateway.lan:9000',
      '[fd00::1]',
      '10.0.0.2:8000',
    ]);
    expect(check('ccb.internal')).toBe(true);
    expect(check('ccb.internal:1234')).toBe(true);
    expect(check('gateway.lan:9000')).toBe(true);
    expect(check('GATEWAY.LAN:09000')).toBe(true);
    expect(check('gateway.lan')).toBe(false);
    expect(check('gateway.lan:9001')).toBe(false);
    expect(check('[fd00::1]:8000')).toBe(true);
    expect(check('10.0.0.2:8000')).toBe(true);
    expect(check('10.0.0.2:8001')).toBe(false);
    expect(check('internal')).toBe(false);
  });

  it('keeps refusing a name after accepting many others (the remembered values are bounded)', () => {
    const check = createHostCheck('127.0.0.1', []);
    for (let port = 1; port <= 200; port++) expect(check(`localhost:${port}`)).toBe(true);
    expect(check('evil.example:1')).toBe(false);
    expect(check('localhost:1')).toBe(true);
  });

  it('refuses an allowed host it cannot read', () => {
    for (const entry of ['http://ccb.lan', 'ccb.lan/x', '*.lan', 'ccb.lan:x', '']) {
      expect(() => createHostCheck('127.0.0.1', [entry]), entry).toThrow(
        /CCB_PROXY_INVALID_OPTIONS|is not a host name/,
      );
    }
  });
});
