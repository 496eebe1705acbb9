import { createInterface } from 'node:readline';

/**
 * Reads one line from `input` (a terminal or a pipe: tests and scripts pipe the code in) and stops reading.
 * Resolves `undefined` when the input ends before a line arrives (Ctrl-D, an empty pipe).
 */
export function readPastedLine(input: NodeJS.ReadableStream = process.stdin): Promise<string | undefined> {
  return new Promise((resolve) => {
    const lines = createInterface({ input, terminal: false });
    let answered = false;
    lines.once('line', (line) => {
      answered = true;
      lines.close();
      resolve(line);
    });
    lines.once('close', () => {
      if (!answered) resolve(undefined);
    });
  });
}
