import { type Paint, paint } from './colour.js';

/** The `/readyz` body as `ccb status` reads it. */
export interface ReadinessBody {
  readonly status: string;
  readonly providers: readonly {
    readonly name: string;
    readonly enabled: boolean;
    readonly usable: boolean;
    /** It succeeded after its last error: requests go through whatever its state says. */
    readonly serving?: boolean;
    readonly state: string;
    readonly cooling_down_until: string | null;
    readonly reason: string | null;
    readonly deprioritized: boolean;
    readonly consecutive_failures: number;
    readonly in_flight: number;
    readonly last_error: { kind: string; status: number | null; at: string | null } | null;
    readonly last_success_at?: string | null;
    readonly budget?: { requests?: { remaining?: number | null; limit?: number | null } | null } | null;
    /** A subscription account's (`auth_type: oauth`) token state; absent for other providers. */
    readonly account?: {
      readonly state: string;
      readonly expires_at: string | null;
      readonly error: string | null;
    };
    /** A Vertex provider's Google access token (`static`, `empty`, `ready`, `failing`); absent for other providers. */
    readonly google_token?: {
      readonly state: string;
      readonly expires_at: string | null;
      readonly error: string | null;
    };
    /** Subscription windows as last reported; `resetAt` in ms epoch. */
    readonly unified?: {
      readonly windows?: Readonly<
        Record<
          string,
          {
            readonly status?: string | null;
            readonly utilization?: number | null;
            readonly resetAt?: number | null;
          }
        >
      >;
    } | null;
  }[];
}

/** Options of {@link formatStatusTable}. */
export interface StatusTableOptions {
  /** Colour an open circuit red and a cooling or half-open provider yellow (decide with `shouldColour`). Default false. */
  readonly colour?: boolean;
}

/** A cell and how to colour it; the colour is applied after padding, so escape codes never skew the columns. */
interface Cell {
  readonly text: string;
  readonly paint?: Paint | undefined;
}

/** A plain aligned table of provider health, one row per provider. */
export function formatStatusTable(body: ReadinessBody, options: StatusTableOptions = {}): string {
  const header = [
    'provider',
    'state',
    'usable',
    'in-flight',
    'failures',
    'cooling until',
    'reason',
    'last error',
  ].map((text): Cell => ({ text }));
  const rows = body.providers.map((provider): Cell[] => {
    const state = provider.enabled ? provider.state : 'disabled';
    return [
      { text: provider.name },
      { text: state, paint: state === 'open' ? paint.red : state === 'half-open' ? paint.yellow : undefined },
      {
        text: provider.usable ? (provider.deprioritized ? 'yes (last)' : 'yes') : 'no',
        paint: provider.usable ? undefined : paint.red,
      },
      { text: String(provider.in_flight) },
      { text: String(provider.consecutive_failures) },
      {
        text: provider.cooling_down_until ?? '-',
        paint: provider.cooling_down_until === null ? undefined : paint.yellow,
      },
      { text: provider.reason ?? '-' },
      {
        text:
          provider.last_error === null
            ? '-'
            : `${provider.last_error.kind}${provider.last_error.status === null ? '' : ` ${provider.last_error.status}`}`,
      },
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.text.length, ...rows.map((row) => (row[column] as Cell).text.length)),
  );
  const line = (cells: readonly Cell[]) =>
    cells
      .map((cell, column) => {
        const padding = ' '.repeat((widths[column] as number) - cell.text.length);
        return `${options.colour === true && cell.paint !== undefined ? cell.paint(cell.text) : cell.text}${padding}`;
      })
      .join('  ')
      .trimEnd();
  const accounts = formatAccounts(body, options);
  const googleTokens = formatGoogleTokens(body, options);
  const windows = formatWindows(body, options);
  return `${[`ccb: ${body.status}`, line(header), ...rows.map(line), ...accounts, ...googleTokens, ...windows].join('\n')}\n`;
}

/**
 * The subscription accounts under the table, one line each (`max: ready, token expires …`); an account that needs a
 * new login is red and says how to give it one.
 */
function formatAccounts(body: ReadinessBody, options: StatusTableOptions): string[] {
  const lines: string[] = [];
  for (const provider of body.providers) {
    const account = provider.account;
    if (account === undefined) continue;
    let text = account.state;
    if (account.state === 'needs_login')
      text += ` (${account.error ?? 'no usable token'}): run \`ccb login ${provider.name}\``;
    else if (account.error !== null) text += ` (last problem: ${account.error})`;
    if (account.expires_at !== null && account.state !== 'needs_login')
      text += `, token expires ${account.expires_at}`;
    const dead = account.state === 'needs_login' || account.state === 'unavailable';
    lines.push(`  ${provider.name}: ${options.colour === true && dead ? paint.red(text) : text}`);
  }
  return lines.length === 0 ? [] : ['', 'subscription accounts:', ...lines];
}

/**
 * The Vertex providers' Google access tokens under the table, one line each (`vertex: ready, token expires …`); a
 * token that cannot be had is red, with what the key file or token endpoint said.
 */
function formatGoogleTokens(body: ReadinessBody, options: StatusTableOptions): string[] {
  const lines: string[] = [];
  for (const provider of body.providers) {
    const token = provider.google_token;
    if (token === undefined) continue;
    let text = token.state;
    if (token.error !== null) text += ` (${token.error})`;
    if (token.expires_at !== null) text += `, token expires ${token.expires_at}`;
    const failing = token.state === 'failing';
    lines.push(`  ${provider.name}: ${options.colour === true && failing ? paint.red(text) : text}`);
  }
  return lines.length === 0 ? [] : ['', 'google access tokens:', ...lines];
}

/**
 * The subscription windows under the table, one line each (`max 5h: 93% used, resets …`), for the providers that
 * reported any: a wide table would not fit a terminal. An exhausted (or rejected) window is red.
 */
function formatWindows(body: ReadinessBody, options: StatusTableOptions): string[] {
  const lines: string[] = [];
  for (const provider of body.providers) {
    const windows = provider.unified?.windows;
    if (windows === undefined || windows === null) continue;
    for (const name of Object.keys(windows)) {
      const window = windows[name];
      if (window === undefined) continue;
      const utilization = window.utilization ?? null;
      const used = utilization === null ? 'usage unknown' : `${Math.round(utilization * 100)}% used`;
      const status = window.status === null || window.status === undefined ? '' : ` (${window.status})`;
      const resetAt = window.resetAt ?? null;
      const reset =
        resetAt === null || !Number.isFinite(resetAt) ? '' : `, resets ${new Date(resetAt).toISOString()}`;
      const text = `${used}${status}${reset}`;
      const exhausted = window.status === 'rejected' || (utilization !== null && utilization >= 1);
      lines.push(
        `  ${provider.name} ${name}: ${options.colour === true && exhausted ? paint.red(text) : text}`,
      );
    }
  }
  return lines.length === 0 ? [] : ['', 'subscription windows:', ...lines];
}
