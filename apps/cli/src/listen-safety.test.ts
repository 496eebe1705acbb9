import { resolveConfig } from '@ccb/config';
import { describe, expect, it } from 'vitest';
import { checkListenSafety } from './listen-safety.js';

const providers = [{ name: 'a', base_url: 'https://a.example', api_key: 'k' }];
const config = (host: string, auth: Record<string, unknown>) =>
  resolveConfig({ server: { host }, auth, providers });
const longKey = 'client-key-0123456789';

describe('checkListenSafety', () => {
  it('lets anything through on loopback, warning about short keys', () => {
    expect(checkListenSafety(config('127.0.0.1', {}))).toEqual([]);
    expect(checkListenSafety(config('localhost', { api_keys: [longKey] }))).toEqual([]);
    expect(checkListenSafety(config('::1', { api_keys: ['fifteen-chars-k'], admin_key: 'admin' }))).toEqual([
      expect.stringMatching(
        /^auth\.api_keys\[0\] is 15 characters: a key under 16 characters can be guessed/,
      ),
      expect.stringMatching(/^auth\.admin_key is 5 characters/),
    ]);
  });

  it('refuses beyond loopback without client keys unless allowed', () => {
    expect(() => checkListenSafety(config('0.0.0.0', {}))).toThrow(/--allow-unauthenticated/);
    expect(checkListenSafety(config('0.0.0.0', {}), { allowUnauthenticated: true })).toEqual([]);
  });

  it('serves beyond loopback without an admin key (the admin routes then answer loopback only), warning when they are opened', () => {
    expect(checkListenSafety(config('192.168.1.5', { api_keys: [longKey] }))).toEqual([]);
    expect(
      checkListenSafety(config('192.168.1.5', { api_keys: [longKey] }), { allowOpenAdmin: true }),
    ).toEqual([
      expect.stringMatching(
        /^\/metrics and \/admin\/\* answer anyone who can reach 192\.168\.1\.5 \(--allow-open-admin without auth\.admin_key\)/,
      ),
    ]);
    expect(checkListenSafety(config('127.0.0.1', {}), { allowOpenAdmin: true })).toEqual([]);
    expect(
      checkListenSafety(config('::', { api_keys: [longKey], admin_key: `${longKey}-admin` }), {
        allowOpenAdmin: true,
      }),
    ).toEqual([]);
  });

  it('refuses short keys beyond loopback whatever the flags', () => {
    expect(() =>
      checkListenSafety(config('0.0.0.0', { api_keys: [longKey, 'short'], admin_key: `${longKey}-admin` }), {
        allowOpenAdmin: true,
        allowUnauthenticated: true,
      }),
    ).toThrow(/keys shorter than 16 characters: auth\.api_keys\[1\] \(5 characters\)/);
    expect(() =>
      checkListenSafety(
        config('0.0.0.0', { api_keys: [longKey], admin_key: [`${longKey}-admin`, 'short-admin'] }),
      ),
    ).toThrow(/keys shorter than 16 characters: auth\.admin_key\[1\] \(11 characters\)/);
  });
});
