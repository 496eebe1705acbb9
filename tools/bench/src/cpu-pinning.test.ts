import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowedCpus, parseCpuList, pinnedCommand, planCpuPinning } from './cpu-pinning.js';

describe('parseCpuList', () => {
  it('reads single ids and ranges, in order', () => {
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('0-3,8,10-11\n')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList('5')).toEqual([5]);
  });

  it('gives nothing for text that is not a CPU list', () => {
    expect(parseCpuList('')).toEqual([]);
    expect(parseCpuList('0-1,x')).toEqual([]);
  });
});

describe('allowedCpus', () => {
  it("reads a status file's Cpus_allowed_list, and nothing when there is no file", () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ccb-bench-cpus-')), 'status');
    writeFileSync(path, 'Name:\tnode\nCpus_allowed:\t3\nCpus_allowed_list:\t2,4-5\nMems_allowed:\t1\n');
    expect(allowedCpus(path)).toEqual([2, 4, 5]);
    expect(allowedCpus(`${path}.missing`)).toEqual([]);
  });
});

describe('planCpuPinning', () => {
  it('gives the measured proxies the upper half of the allowed CPUs and the load side the rest', () => {
    expect(planCpuPinning([0, 1])).toEqual({ load: '0', target: '1' });
    expect(planCpuPinning([0, 1, 2])).toEqual({ load: '0,1', target: '2' });
    expect(planCpuPinning([0, 1, 2, 3])).toEqual({ load: '0,1', target: '2,3' });
    // A container's cpuset: only the CPUs it allows.
    expect(planCpuPinning([4, 5, 9, 12])).toEqual({ load: '4,5', target: '9,12' });
  });

  it('leaves a single CPU unpinned: there is nothing to split', () => {
    expect(planCpuPinning([3])).toBeUndefined();
    expect(planCpuPinning([])).toBeUndefined();
  });
});

describe('pinnedCommand', () => {
  it('runs node itself when unpinned, and through taskset on the target CPUs when pinned', () => {
    expect(pinnedCommand({ pinning: undefined, nodePath: '/usr/bin/node', args: ['a.js', '--x'] })).toEqual({
      command: '/usr/bin/node',
      args: ['a.js', '--x'],
    });
    expect(
      pinnedCommand({ pinning: { load: '0', target: '1' }, nodePath: '/usr/bin/node', args: ['a.js'] }),
    ).toEqual({ command: 'taskset', args: ['-c', '1', '/usr/bin/node', 'a.js'] });
  });
});
