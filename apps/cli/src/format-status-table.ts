/** The `/readyz` body as `ccb status` reads it. */
export interface ReadinessBody {
  readonly status: string;
  readonly providers: readonly {
    readonly name: string;
    readonly enabled: boolean;
    readonly usable: boolean;
    readonly state: string;
    readonly cooling_down_until: string | null;
    readonly reason: string | null;
    readonly deprioritized: boolean;
    readonly consecutive_failures: number;
    readonly in_flight: number;
    readonly last_error: { kind: string; status: number | null; at: string | null } | null;
    readonly budget?: { requests?: { remaining?: number | null; limit?: number | null } | null } | null;
  }[];
}

/** A plain aligned table of provider health, one row per provider. */
export function formatStatusTable(body: ReadinessBody): string {
  const header = [
    'provider',
    'state',
    'usable',
    'in-flight',
    'failures',
    'cooling until',
    'reason',
    'last error',
  ];
  const rows = body.providers.map((provider) => [
    provider.name,
    provider.enabled ? provider.state : 'disabled',
    provider.usable ? (provider.deprioritized ? 'yes (last)' : 'yes') : 'no',
    String(provider.in_flight),
    String(provider.consecutive_failures),
    provider.cooling_down_until ?? '-',
    provider.reason ?? '-',
    provider.last_error === null
      ? '-'
      : `${provider.last_error.kind}${provider.last_error.status === null ? '' : ` ${provider.last_error.status}`}`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] as number))
      .join('  ')
      .trimEnd();
  return `${[`ccb: ${body.status}`, line(header), ...rows.map(line)].join('\n')}\n`;
}
