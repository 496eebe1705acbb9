import { Writable } from 'node:stream';

/** A writable that collects what a logger writes and can wait for a line. */
export interface LineSink extends Writable {
  readonly text: () => string;
  readonly lines: () => string[];
  /** Resolves with the first line containing `fragment`, now or when it is written. */
  readonly waitFor: (fragment: string) => Promise<string>;
  isTTY?: boolean;
}

export function createLineSink(options: { isTTY?: boolean } = {}): LineSink {
  const chunks: string[] = [];
  const waiters: { fragment: string; resolve: (line: string) => void }[] = [];
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '');
  const settle = () => {
    for (const waiter of [...waiters]) {
      const line = lines().find((candidate) => candidate.includes(waiter.fragment));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      settle();
      callback();
    },
  }) as LineSink;
  Object.assign(sink, {
    text: () => chunks.join(''),
    lines,
    waitFor: (fragment: string) =>
      new Promise<string>((resolve) => {
        waiters.push({ fragment, resolve });
        settle();
      }),
  });
  if (options.isTTY !== undefined) sink.isTTY = options.isTTY;
  return sink;
}
