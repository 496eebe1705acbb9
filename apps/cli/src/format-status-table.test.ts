import { describe, expect, it } from 'vitest';
import { stripAnsi } from './colour.js';
import { formatStatusTable, type ReadinessBody } from './format-status-table.js';

const provider = {
  enabled: true,
  usable: true,
  state: 'closed',
  cooling_down_until: null,
  reason: null,
  deprioritized: false,
  consecutive_failures: 0,
  in_flight: 0,
  last_error: null,
};

const body: ReadinessBody = {
  status: 'ready',
  providers: [
    { ...provider, name: 'healthy' },
    {
      ...provider,
      name: 'broken-provider',
      state: 'open',
      usable: false,
      cooling_down_until: '2026-01-01T00:00:30.000Z',
      reason: 'consecutive_failures',
      consecutive_failures: 5,
      last_error: { kind: 'status', status: 503, at: '2026-01-01T00:00:00.000Z' },
    },
    {
      ...provider,
      name: 'limited',
      usable: false,
      cooling_down_until: '2026-01-01T00:01:00.000Z',
      reason: 'rate_limit',
    },
  ],
};

/** Where each column starts in a line: the offsets of runs of two or more spaces' ends. */
function columnStarts(line: string): number[] {
  return [...line.matchAll(/ {2,}(?=\S)/g)].map((match) => (match.index ?? 0) + match[0].length);
}

describe('formatStatusTable', () => {
  it('prints no escape codes unless asked to colour', () => {
    const table = formatStatusTable(body);
    expect(table).not.toContain('\u001b[');
    expect(table).toMatch(/broken-provider\s+open\s+no/);
  });

  it('colours an open circuit red and a cooling provider yellow', () => {
    const table = formatStatusTable(body, { colour: true });
    expect(table).toContain('\u001b[31mopen\u001b[39m');
    expect(table).toContain('\u001b[33m2026-01-01T00:00:30.000Z\u001b[39m');
    expect(table).toContain('\u001b[33m2026-01-01T00:01:00.000Z\u001b[39m');
    expect(table.split('\n').find((line) => line.startsWith('healthy'))).not.toContain('\u001b[');
  });

  it('pads before colouring, so the coloured table lines up exactly as the plain one', () => {
    const plain = formatStatusTable(body);
    const coloured = formatStatusTable(body, { colour: true });
    expect(stripAnsi(coloured)).toBe(plain);
    const [, header, ...rows] = plain.trimEnd().split('\n');
    const starts = columnStarts(header as string);
    for (const row of rows) expect(columnStarts(row).slice(0, 3)).toEqual(starts.slice(0, 3));
  });

  it('lists each subscription window with its utilization and reset under the table', () => {
    const withWindows: ReadinessBody = {
      status: 'ready',
      providers: [
        { ...provider, name: 'key', unified: null },
        {
          ...provider,
          name: 'max',
          usable: false,
          reason: 'unified_window',
          unified: {
            windows: {
              '5h': { status: 'rejected', utilization: 1.01, resetAt: Date.UTC(2026, 11, 6, 13) },
              '7d': { status: null, utilization: 0.42, resetAt: Date.UTC(2026, 11, 10, 9) },
            },
          },
        },
      ],
    };
    const table = formatStatusTable(withWindows);
    expect(
      table.endsWith(
        [
          '',
          'subscription windows:',
          '  max 5h: 101% used (rejected), resets 2026-12-06T13:00:00.000Z',
          '  max 7d: 42% used, resets 2026-12-10T09:00:00.000Z',
          '',
        ].join('\n'),
      ),
    ).toBe(true);
    const coloured = formatStatusTable(withWindows, { colour: true });
    expect(coloured).toContain('\u001b[31m101% used (rejected), resets 2026-12-06T13:00:00.000Z\u001b[39m');
    expect(coloured).not.toContain('\u001b[31m42%');
  });

  it('lists each subscription account’s state, and how to sign in again when it needs to', () => {
    const withAccounts: ReadinessBody = {
      status: 'ready',
      providers: [
        { ...provider, name: 'key' },
        {
          ...provider,
          name: 'max',
          account: { state: 'ready', expires_at: '2026-12-06T15:00:00.000Z', error: null },
        },
        {
          ...provider,
          name: 'pro',
          usable: false,
          account: { state: 'needs_login', expires_at: null, error: 'invalid_grant' },
        },
      ],
    };
    const table = formatStatusTable(withAccounts);
    expect(
      table.endsWith(
        [
          '',
          'subscription accounts:',
          '  max: ready, token expires 2026-12-06T15:00:00.000Z',
          '  pro: needs_login (invalid_grant): run `ccb login pro`',
          '',
        ].join('\n'),
      ),
    ).toBe(true);
    expect(formatStatusTable(withAccounts, { colour: true })).toContain(
      '\u001b[31mneeds_login (invalid_grant): run `ccb login pro`\u001b[39m',
    );
    expect(formatStatusTable(body)).not.toContain('subscription accounts');
  });

  it('adds no window section when no provider reported windows', () => {
    expect(formatStatusTable(body)).not.toContain('subscription windows');
  });
});

describe('formatStatusTable with Vertex providers', () => {
  it('lists each Google access token under the table, a failing one red with what went wrong', () => {
    const vertexBody: ReadinessBody = {
      status: 'ready',
      providers: [
        {
          ...provider,
          name: 'vertex-east',
          google_token: { state: 'ready', expires_at: '2026-01-01T01:00:00.000Z', error: null },
        },
        {
          ...provider,
          name: 'vertex-eu',
          google_token: {
            state: 'failing',
            expires_at: null,
            error: 'vertex-eu: /etc/sa.json does not exist',
          },
        },
      ],
    };
    const text = formatStatusTable(vertexBody, { colour: true });
    expect(stripAnsi(text)).toContain(
      '\ngoogle access tokens:\n  vertex-east: ready, token expires 2026-01-01T01:00:00.000Z\n  vertex-eu: failing (vertex-eu: /etc/sa.json does not exist)\n',
    );
    expect(text).not.toBe(stripAnsi(text));
    expect(formatStatusTable(body)).not.toContain('google access tokens');
  });
});
