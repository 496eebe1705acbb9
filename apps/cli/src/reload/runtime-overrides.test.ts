import { describe, expect, it } from 'vitest';
import { RuntimeOverrides } from './runtime-overrides.js';

const configured = { weight: 1, priority: 1, enabled: true };

describe('runtime overrides', () => {
  it('gives only the routing fields, overridden where an operator changed them', () => {
    const overrides = new RuntimeOverrides();
    const provider = { ...configured, name: 'a', api_key: 'sk-secret-0123456789' };
    expect(overrides.effective('a', provider)).toEqual(configured);
    overrides.set('a', { weight: 4 });
    expect(overrides.effective('a', provider)).toEqual({ weight: 4, priority: 1, enabled: true });
    overrides.set('a', { draining: true });
    expect(overrides.effective('a', provider)).toEqual({ weight: 4, priority: 1, enabled: false });
    overrides.set('a', { draining: undefined, weight: undefined });
    expect(overrides.of('a')).toEqual({});
  });

  it('drops, on a reload, the overrides of removed providers and of fields the file changed', () => {
    const overrides = new RuntimeOverrides();
    overrides.set('a', { weight: 4, enabled: false });
    overrides.set('b', { priority: 3 });
    overrides.set('gone', { weight: 2 });
    const trial = overrides.clone();
    trial.reconcile(
      new Map([
        ['a', configured],
        ['b', configured],
        ['gone', configured],
      ]),
      new Map([
        ['a', { ...configured, weight: 2 }],
        ['b', configured],
      ]),
    );
    expect(overrides.of('gone')).toEqual({ weight: 2 });
    overrides.adopt(trial);
    expect(overrides.of('a')).toEqual({ enabled: false });
    expect(overrides.of('b')).toEqual({ priority: 3 });
    expect(overrides.of('gone')).toEqual({});
  });
});
