/** How a test engine is started. */
export interface EngineOptions {
  /**
   * The engine's scheduling niceness (`nice -n`), 0 to 19. A benchmark runs its engines at 19: they stand for servers
   * on other hosts, so on a small machine they must not take CPU from the process being measured. Default 0.
   */
  readonly niceness?: number;
}

/** `command` and `args`, run through `nice -n` when a niceness is given. */
export function niced(
  niceness: number | undefined,
  command: string,
  args: readonly string[],
): [string, string[]] {
  if (niceness === undefined || niceness === 0) return [command, [...args]];
  return ['nice', ['-n', String(niceness), command, ...args]];
}
