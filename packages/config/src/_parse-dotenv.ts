/** The variables of a `.env` file, plus one problem per line that could not be read. */
export interface DotenvContent {
  values: Record<string, string>;
  problems: Array<{ line: number; message: string }>;
}

const assignment = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/;
const doubleQuoteEscapes: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '"': '"',
  '\\': '\\',
  $: '$',
};

/**
 * Parses simple dotenv syntax: `KEY=VALUE`, an optional `export ` prefix, `#` comments (whole lines, or after
 * whitespace in an unquoted value), blank lines, 'single quotes' taken literally and "double quotes" with
 * `\n`, `\r`, `\t`, `\"`, `\\` escapes. Values span one line. No interpolation: `.env` values are data.
 */
export function parseDotenv(text: string): DotenvContent {
  const values: Record<string, string> = {};
  const problems: DotenvContent['problems'] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = assignment.exec(line);
    if (match === null) {
      problems.push({ line: index + 1, message: 'expected KEY=VALUE' });
      continue;
    }
    const [, key = '', rawValue = ''] = match;
    const value = parseValue(rawValue);
    if (value === undefined)
      problems.push({ line: index + 1, message: `${key}: unterminated or malformed quoted value` });
    else values[key] = value;
  }
  return { values, problems };
}

function parseValue(raw: string): string | undefined {
  const quote = raw[0];
  if (quote !== '"' && quote !== "'") {
    const comment = raw.search(/\s#/);
    return (comment === -1 ? raw : raw.slice(0, comment)).trim();
  }
  let value = '';
  for (let index = 1; index < raw.length; index++) {
    const char = raw[index] ?? '';
    if (char === quote) {
      const rest = raw.slice(index + 1).trim();
      return rest === '' || rest.startsWith('#') ? value : undefined;
    }
    if (quote === '"' && char === '\\' && index + 1 < raw.length) {
      const escaped = raw[index + 1] ?? '';
      value += doubleQuoteEscapes[escaped] ?? `\\${escaped}`;
      index++;
    } else value += char;
  }
  return undefined;
}
