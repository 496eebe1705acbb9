import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compileWat, containerEndModuleSource } from '../scripts/compile-wat.mjs';
import { seededRandom } from '../test/seeded-random.js';
import { endOfContainerSimd, readInScanArea } from './_container-end.js';
import { containerEndModuleBase64 } from './_container-end-module.js';
import { endOfContainerWalk, maxNestingDepth } from './scan-json.js';

/**
 * Both walks over `body` from `start`, the SIMD one twice: window by window, and in place in the module's scan area
 * (where it must find the same end). The JavaScript walk is the reference.
 */
function bothEnds(body: Buffer, start = 0): { simd: number | undefined; walk: number } {
  const windowed = endOfContainerSimd(body, start, maxNestingDepth);
  // In two pieces, so that assembling them is part of what is checked.
  const split = Math.floor(body.length / 3);
  const inPlace = readInScanArea([body.subarray(0, split), body.subarray(split)], body.length, (area) =>
    endOfContainerSimd(area, start, maxNestingDepth),
  )?.result;
  return {
    simd: windowed === inPlace ? windowed : Number.NaN,
    walk: endOfContainerWalk(body, start, body.length),
  };
}

/** Writes random JSON whose strings are full of what trips a bracket matcher: quotes, backslash runs, brackets. */
class ValueWriter {
  constructor(
    private readonly random: () => number,
    private readonly withBackslashes: boolean,
  ) {}

  private pick<T>(choices: readonly T[]): T {
    return choices[Math.floor(this.random() * choices.length)] as T;
  }

  private string(): string {
    // Mostly short strings, some long enough to cross 64-byte blocks and 4 KiB and 64 KiB windows.
    const roll = this.random();
    const length =
      roll < 0.8
        ? Math.floor(this.random() * 40)
        : roll < 0.97
          ? 500 + Math.floor(this.random() * 5_000)
          : 70_000;
    const pieces = this.withBackslashes
      ? [
          'a',
          'b',
          ' ',
          '{',
          '}',
          '[',
          ']',
          ',',
          ':',
          '\\"',
          '\\\\',
          '\\\\\\"',
          '\\\\\\\\',
          '\\n',
          '\\u005c',
          'é',
        ]
      : ['a', 'b', ' ', '{', '}', '[', ']', ',', ':', 'é'];
    const parts: string[] = [];
    for (let size = 0; size < length; ) {
      // Long runs of one piece put backslash runs and brackets on every block offset.
      const piece = this.pick(pieces);
      const part = this.random() < 0.1 ? piece.repeat(1 + Math.floor(this.random() * 40)) : piece;
      parts.push(part);
      size += part.length;
    }
    return `"${parts.join('')}"`;
  }

  value(depth: number): string {
    const roll = this.random();
    if (depth > 6 || roll < 0.4) return this.string();
    if (roll < 0.5) return this.pick(['true', 'null', '-1.5e3', '42']);
    const count = Math.floor(this.random() * 6);
    if (roll < 0.75) {
      const members = Array.from({ length: count }, () => `${this.string()}:${this.value(depth + 1)}`);
      return `{${members.join(',')}}`;
    }
    return `[${Array.from({ length: count }, () => this.value(depth + 1)).join(', ')}]`;
  }

  container(): string {
    const value = this.value(0);
    return value.startsWith('{') || value.startsWith('[') ? value : `[${value}]`;
  }
}

describe('the SIMD container walk', () => {
  it('is the module compiled from src/wasm/container-end.wat (run scripts/build-wasm.mjs after editing it)', async () => {
    const compiled = await compileWat(await readFile(containerEndModuleSource, 'utf8'));
    expect(Buffer.from(compiled).toString('base64')).toBe(containerEndModuleBase64);
  });

  it('runs here: WebAssembly SIMD is available on every Node ccb supports', () => {
    expect(bothEnds(Buffer.from('[1]')).simd).toBe(3);
  });

  it('reads pieces in a scan area that grows with them, and empties the views it gave before', () => {
    let small: Buffer | undefined;
    const read = readInScanArea([Buffer.from('[1,'), Buffer.from('2]')], 5, (area) => {
      small = area;
      return area.toString();
    });
    expect(read?.result).toBe('[1,2]');
    const large = Buffer.alloc(3_000_000, 0x20);
    large[0] = 0x5b;
    large[2_999_999] = 0x5d;
    const end = readInScanArea(
      [large.subarray(0, 1_000_001), large.subarray(1_000_001)],
      large.length,
      (area) => endOfContainerSimd(area, 0, maxNestingDepth),
    );
    expect(end?.result).toBe(3_000_000);
    // The memory grew: the view kept (against the rule) from the first read is empty now.
    expect(small?.length).toBe(0);
    const deep = Buffer.alloc(1_000, 0x5b);
    expect(
      readInScanArea([deep], deep.length, (area) => endOfContainerSimd(area, 0, maxNestingDepth))?.result,
    ).toBe(-1);
  });

  // Generous timeouts: the values are hundreds of kilobytes, and the suite runs many files at once.
  it('ends every random value where the JavaScript walk and JSON.parse do, wherever it starts', {
    timeout: 60_000,
  }, () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = seededRandom(seed);
      const value = new ValueWriter(random, true).container();
      expect(() => JSON.parse(value), `seed ${seed}`).not.toThrow();
      const prefix = ' '.repeat(Math.floor(random() * 130));
      const body = Buffer.from(`{"x":${prefix}${value},"y":[1]}`);
      const start = 5 + prefix.length;
      const end = start + Buffer.byteLength(value);
      expect(bothEnds(body, start), `seed ${seed}`).toEqual({ simd: end, walk: end });
    }
  });

  it('agrees with the JavaScript walk on truncated and corrupted values', { timeout: 60_000 }, () => {
    let refused = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const random = seededRandom(seed);
      // A corruption can move bytes out of a string, backslashes too: outside a string both walks take a backslash
      // to escape the next byte (no JSON parser accepts one there), so they still agree.
      const value = Buffer.from(new ValueWriter(random, seed % 2 === 0).container());
      const truncated = value.subarray(0, Math.floor(random() * value.length));
      const corrupted = Buffer.from(value);
      for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips--)
        corrupted[Math.floor(random() * corrupted.length)] = '{}[]"\\'.charCodeAt(Math.floor(random() * 6));
      const cases = [truncated, corrupted];
      for (const body of cases) {
        const { simd, walk } = bothEnds(body);
        expect(simd, `seed ${seed}`).toBe(walk);
        if (walk === -1) refused++;
      }
    }
    // The corruptions mostly break the value: both walks refusing it is what was compared.
    expect(refused).toBeGreaterThan(300);
  });

  it('reads a backslash run ending on any block or window boundary', () => {
    for (const boundary of [63, 64, 65, 4_095, 4_096, 4_097, 4_096 + 65_536, 4_096 + 65_537]) {
      for (let run = 1; run <= 6; run++) {
        // `["aaa…\\…"…`: the run's last backslash sits just before `boundary`. An odd run escapes the quote
        // after it, so the string goes on through `]"` to its real end; an even one lets the quote close it.
        const filler = 'a'.repeat(boundary - 2 - run);
        const text = `["${filler}${'\\'.repeat(run)}"${run % 2 === 1 ? ']"' : ''}, "}"]`;
        expect(() => JSON.parse(text)).not.toThrow();
        const body = Buffer.from(text);
        expect(bothEnds(body), `boundary ${boundary}, run ${run}`).toEqual({
          simd: body.length,
          walk: body.length,
        });
      }
    }
  });

  it('skips the brackets of strings that fill whole blocks, and counts those between them', () => {
    // Blocks wholly inside a string make no bracket masks, and blocks without an unescaped quote carry the state
    // over. The strings hold escaped quotes and backslashes and only opening brackets, so a walk that counted any
    // of them would never close the value; real brackets lie between the strings. At every offset within a block,
    // and across the first window (4 KiB).
    const inside = '[[{\\"\\\\'.repeat(40);
    for (const padding of [0, 4_096 - 64]) {
      for (let offset = 0; offset < 64; offset++) {
        const text = `[${' '.repeat(padding + offset)}"${inside}",[{"a":"${inside}"}],"${inside}"]`;
        expect(JSON.parse(text)).toHaveLength(3);
        const body = Buffer.from(text);
        expect(bothEnds(body), `offset ${padding + offset}`).toEqual({
          simd: body.length,
          walk: body.length,
        });
        // One real bracket fewer: the value never closes. Scanned right after `body`, whose last byte (a `]`) is
        // then what lies past this one's end in the module's memory: only the short last block's mask keeps it out.
        const open = Buffer.from(text.slice(0, -1));
        expect(bothEnds(open), `offset ${padding + offset}, unclosed`).toEqual({ simd: -1, walk: -1 });
      }
    }
  });

  it('refuses a value nested as deep as the JavaScript walk refuses, across windows', () => {
    const padding = `"${'p'.repeat(5_000)}",`;
    for (const levels of [maxNestingDepth - 2, maxNestingDepth - 1, maxNestingDepth, maxNestingDepth + 40]) {
      const body = Buffer.from(`[${padding}${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}]`);
      const expected = levels < maxNestingDepth ? body.length : -1;
      expect(bothEnds(body), `${levels} levels`).toEqual({ simd: expected, walk: expected });
    }
  });

  it('refuses mismatched brackets and a value that never closes', () => {
    const long = `"${'x'.repeat(70_000)}"`;
    for (const text of [`[${long}}`, `{"a":[${long}}]`, `[${long}`, `[${long},"]`, `[${long}]]`]) {
      const body = Buffer.from(text);
      const { simd, walk } = bothEnds(body);
      expect(simd, text.slice(-5)).toBe(walk);
    }
    expect(bothEnds(Buffer.from(`[${long}]]`)).simd).toBe(long.length + 2);
    expect(bothEnds(Buffer.from(`[${long}}`)).simd).toBe(-1);
  });
});
