import { describe, expect, it } from 'vitest';
import { pinnedCommand, planCpuPinning } from './cpu-pinning.js';

describe('planCpuPinning', () => {
  it('gives the measured proxy the upper half of the CPUs and the load side the rest', () => {
    expect(planCpuPinning(2)).toEqual({ load: '0', target: '1' });
    expect(planCpuPinning(3)).toEqual({ load: '0-1', target: '2' });
    expect(planCpuPinning(4)).toEqual({ load: '0-1', target: '2-3' });
    expect(planCpuPinning(16)).toEqual({ load: '0-7', target: '8-15' });
  });

  it('leaves a single CPU unpinned: there is nothing to split', () => {
    expect(planCpuPinning(1)).toBeUndefined();
    expect(planCpuPinning(0)).toBeUndefined();
  });
});

describe('pinnedCommand', () => {
  it('runs node itself when unpinned, and through taskset on the target CPUs when pinned', () => {
    expect(pinnedCommand(undefined, '/usr/bin/node', ['a.js', '--x'])).toEqual({
      command: '/usr/bin/node',
      args: ['a.js', '--x'],
    });
    expect(pinnedCommand({ load: '0', target: '1' }, '/usr/bin/node', ['a.js'])).toEqual({
      command: 'taskset',
      args: ['-c', '1', '/usr/bin/node', 'a.js'],
    });
  });
});
