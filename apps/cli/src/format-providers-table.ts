/** The part of `GET /admin/providers` the table shows. */
export interface ProvidersAnswer {
  readonly providers: readonly {
    readonly name: string;
    readonly state: string;
    readonly effective: { readonly weight: number; readonly priority: number };
    readonly overrides: Readonly<Record<string, unknown>>;
    readonly health: { readonly circuit: string; readonly reason: string | null };
    readonly in_flight: number;
    readonly recent: {
      readonly requests: number;
      readonly error_rate: number;
      readonly latency_ms_p50: number | null;
    };
    readonly spend_today_usd: number | null;
  }[];
}

/** One line per provider: state, weight and priority (marked `*` when overridden at run time), health, load, spend. */
export function formatProvidersTable(answer: ProvidersAnswer): string {
  const header = ['NAME', 'STATE', 'WEIGHT', 'PRIO', 'CIRCUIT', 'IN FLIGHT', 'ERR%', 'P50 MS', 'TODAY $'];
  const rows = answer.providers.map((provider) => {
    const mark = (field: string) => (Object.hasOwn(provider.overrides, field) ? '*' : '');
    return [
      provider.name,
      provider.state,
      `${provider.effective.weight}${mark('weight')}`,
      `${provider.effective.priority}${mark('priority')}`,
      provider.health.reason === null
        ? provider.health.circuit
        : `${provider.health.circuit} (${provider.health.reason})`,
      String(provider.in_flight),
      provider.recent.requests === 0 ? '-' : (provider.recent.error_rate * 100).toFixed(1),
      provider.recent.latency_ms_p50 === null ? '-' : String(Math.round(provider.recent.latency_ms_p50)),
      provider.spend_today_usd === null ? '-' : provider.spend_today_usd.toFixed(2),
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] as number))
      .join('  ')
      .trimEnd();
  const overridden = answer.providers.some((provider) => Object.keys(provider.overrides).length > 0);
  return `${[line(header), ...rows.map(line)].join('\n')}\n${overridden ? '* overridden at run time (ccb providers enable, or PATCH with ?persist=true)\n' : ''}`;
}
