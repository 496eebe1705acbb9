import { describe, expect, it } from 'vitest';
import { type CpuProfile, summarizeCpuProfile } from './summarize-cpu-profile.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

describe('summarizeCpuProfile', () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)') },
      { id: 2, callFrame: frame('handle', 'file:///repo/packages/proxy/dist/index.js', 9) },
      {
        id: 3,
        callFrame: frame('', 'file:///repo/node_modules/.pnpm/undici@7/node_modules/undici/lib/a.js', 0),
      },
      { id: 4, callFrame: frame('(idle)') },
      // The same function reached through another path: merged with node 2.
      { id: 5, callFrame: frame('handle', 'file:///repo/packages/proxy/dist/index.js', 9) },
    ],
    samples: [2, 3, 4, 5, 2],
    timeDeltas: [0, 3000, 1000, 5000, 3000],
  };

  it('charges each sample the time until the next one, merges by location and ignores idle time', () => {
    const hot = summarizeCpuProfile(profile);
    expect(hot[0]).toEqual({
      functionName: 'handle',
      location: 'packages/proxy/dist/index.js:10',
      selfTimeInMs: 6,
      share: 6 / 7,
    });
    expect(hot[1]).toMatchObject({
      functionName: '(anonymous)',
      location: 'undici/lib/a.js:1',
      selfTimeInMs: 1,
    });
    expect(hot.some((entry) => entry.functionName === '(idle)')).toBe(false);
  });

  it('returns at most `limit` functions', () => {
    expect(summarizeCpuProfile(profile, 1)).toHaveLength(1);
  });
});
