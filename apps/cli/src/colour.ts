/** Where output goes and the environment that decides whether it is coloured. */
export interface ColourTarget {
  /** Whether the stream is a terminal (`process.stdout.isTTY`; `undefined` for a pipe or a file). */
  readonly isTTY: boolean | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Whether to colour output, as Node decides for its own (`tty.WriteStream#getColorDepth`): `FORCE_COLOR` wins
 * (`0` or `false` turns colour off, any other value on, even into a pipe); then `NO_COLOR` with any non-empty
 * value (https://no-color.org) and `TERM=dumb` turn it off; otherwise only a terminal gets colour.
 */
export function shouldColour({ isTTY, env }: ColourTarget): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY === true;
}

/** Wraps text in an ANSI colour; foreground only, reset with 39 so a bold or underline around it survives. */
export type Paint = (text: string) => string;

const ansi =
  (code: number): Paint =>
  (text) =>
    `\u001b[${code}m${text}\u001b[39m`;

/** Removes ANSI colour codes, for text coloured by a library that decides on its own (citty's usage). */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is exactly what is being removed.
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** The colours ccb uses: red for what is broken, yellow for what is waiting, green for what is fine. */
export const paint = { red: ansi(31), yellow: ansi(33), green: ansi(32) } as const;
