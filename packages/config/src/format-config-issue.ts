/** One problem found in a config, located as precisely as the source allows. */
export interface ConfigIssue {
  /** Path in the config as the user writes it, e.g. `routing.strategy` or `providers[0].api_key`; `''` for the whole document. */
  path: string;
  /** What is wrong and, where possible, how to fix it. */
  message: string;
  /** 1-based line in the source file, when known. */
  line?: number;
  /** 1-based column in the source file, when known. */
  column?: number;
}

/**
 * Formats one issue as `<file>:<line>:<col> <path>: <message>` (the form editors and terminals make
 * clickable), leaving out what is unknown. Without a file, the position follows the path instead:
 * `<path> (line 9, col 14): <message>`.
 */
export function formatConfigIssue(issue: ConfigIssue, source?: string): string {
  const { path, message, line, column = 1 } = issue;
  if (source !== undefined) {
    const location = line === undefined ? source : `${source}:${line}:${column}`;
    return path === '' ? `${location}: ${message}` : `${location} ${path}: ${message}`;
  }
  const position = line === undefined ? '' : `line ${line}, col ${column}`;
  if (path === '') return position === '' ? message : `${position}: ${message}`;
  return position === '' ? `${path}: ${message}` : `${path} (${position}): ${message}`;
}
