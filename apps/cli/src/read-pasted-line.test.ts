import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readPastedLine } from './read-pasted-line.js';

describe('readPastedLine', () => {
  it('resolves the first line and leaves the rest unread', async () => {
    const input = new PassThrough();
    const line = readPastedLine(input);
    input.write('code#sta');
    input.write('te\nmore\n');
    expect(await line).toBe('code#state');
  });

  it('resolves undefined when the input ends before a line', async () => {
    const input = new PassThrough();
    const line = readPastedLine(input);
    input.end();
    expect(await line).toBeUndefined();
  });

  it('takes a last line without a newline', async () => {
    const input = new PassThrough();
    const line = readPastedLine(input);
    input.end('code#state');
    expect(await line).toBe('code#state');
  });
});
