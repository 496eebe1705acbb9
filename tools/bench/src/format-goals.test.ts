import { describe, expect, it } from 'vitest';
import { formatGoals } from './format-goals.js';

describe('formatGoals', () => {
  it('prints one line per check and shouts only the missed ones', () => {
    const lines = formatGoals([
      {
        goal: 'ccb RPS vs node-pipe',
        scenario: 'nonstream-c1',
        measured: '90%',
        limit: '≥ 85%',
        status: 'met',
      },
      {
        goal: 'ccb RPS vs node-pipe',
        scenario: 'nonstream-c50',
        measured: '80%',
        limit: '≥ 85%',
        status: 'missed',
      },
      {
        goal: 'peak RSS',
        scenario: 'stream-c1000',
        measured: 'needs it',
        limit: '< 256 MiB',
        status: 'not measured',
      },
    ]).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2]?.split(/ {2,}/)).toEqual(['met', 'ccb RPS vs node-pipe', 'nonstream-c1', '90%', '≥ 85%']);
    expect(lines[3]).toMatch(/^MISSED/);
    expect(lines[4]).toMatch(/^n\/a/);
  });
});
