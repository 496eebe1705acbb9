import { describe, expect, it } from 'vitest';
import { type ProviderOverride, RuntimeOverrides } from '../reload/runtime-overrides.js';
import { createOverrideSharing, replacingPatch } from './override-sharing.js';

function recorder() {
  const sent: [string, ProviderOverride | undefined][] = [];
  return {
    sent,
    sink: {
      set: (provider: string, override: ProviderOverride | undefined) => sent.push([provider, override]),
    },
  };
}

describe('createOverrideSharing', () => {
  it('shares only the providers an operator changed here, and a lifted override as undefined', () => {
    const { sent, sink } = recorder();
    const sharing = createOverrideSharing(sink);
    const overrides = new RuntimeOverrides();
    overrides.set('a', { enabled: false });
    sharing.applied(overrides, ['a', 'b']);
    overrides.set('b', { weight: 5 });
    sharing.applied(overrides, ['a', 'b']);
    overrides.set('a', { enabled: undefined });
    sharing.applied(overrides, ['a', 'b']);
    expect(sent).toEqual([
      ['a', { enabled: false }],
      ['b', { weight: 5 }],
      ['a', undefined],
    ]);
  });

  it('does not send back what a reload or a peer put in force', () => {
    const { sent, sink } = recorder();
    const sharing = createOverrideSharing(sink);
    const overrides = new RuntimeOverrides();
    overrides.set('a', { draining: true });
    sharing.adopted(overrides, ['a']);
    sharing.applied(overrides, ['a']);
    expect(sent).toEqual([]);
  });
});

describe('replacingPatch', () => {
  it('replaces an override whole through RuntimeOverrides.set, which merges', () => {
    const overrides = new RuntimeOverrides();
    overrides.set('a', { weight: 3, draining: true });
    overrides.set('a', replacingPatch({ enabled: false }));
    expect(overrides.of('a')).toEqual({ enabled: false });
    overrides.set('a', replacingPatch(undefined));
    expect(overrides.of('a')).toEqual({});
  });
});
