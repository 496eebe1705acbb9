import { describe, expect, it } from 'vitest';
import { parseDotenv } from './_parse-dotenv.js';

describe('parseDotenv', () => {
  it('reads assignments, export prefixes, quotes, comments and blank lines', () => {
    const text = [
      '# a comment',
      '',
      'PLAIN=value',
      'export EXPORTED=yes',
      'SPACED = padded   ',
      'INLINE=kept # dropped',
      'HASH=a#b',
      "SINGLE='literal \\n $X' # comment",
      'DOUBLE="line\\nbreak \\"quoted\\""',
      'EMPTY=',
    ].join('\r\n');
    expect(parseDotenv(text)).toEqual({
      values: {
        PLAIN: 'value',
        EXPORTED: 'yes',
        SPACED: 'padded',
        INLINE: 'kept',
        HASH: 'a#b',
        SINGLE: 'literal \\n $X',
        DOUBLE: 'line\nbreak "quoted"',
        EMPTY: '',
      },
      problems: [],
    });
  });

  it('reports malformed lines with their line numbers', () => {
    expect(parseDotenv('OK=1\nnot an assignment\nQ="open\n').problems).toEqual([
      { line: 2, message: 'expected KEY=VALUE' },
      { line: 3, message: 'Q: unterminated or malformed quoted value' },
    ]);
  });
});
