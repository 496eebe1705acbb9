import { parseConfig } from '@ccb/config';
import { describe, expect, it } from 'vitest';
import { keepRestartOnly } from './restart-only.js';

const providers = `
providers:
  - name: a
    base_url: https://api.anthropic.com
    api_key: sk-ant-api03-test-key-0123456789
`;

describe('keepRestartOnly', () => {
  it('keeps the running state store and reports that changing it needs a restart', () => {
    const running = parseConfig(providers);
    const next = parseConfig(`state: { store: redis, url: "redis://127.0.0.1:6379" }\n${providers}`);
    const { config, kept } = keepRestartOnly(next, running);
    expect(kept).toEqual(['state']);
    expect(config.state).toEqual(running.state);
  });

  it('reports nothing when the state store is unchanged', () => {
    const running = parseConfig(`state: { store: redis, url: "redis://127.0.0.1:6379" }\n${providers}`);
    const next = parseConfig(`state: { store: redis, url: "redis://127.0.0.1:6379" }\n${providers}`);
    expect(keepRestartOnly(next, running).kept).toEqual([]);
  });
});
