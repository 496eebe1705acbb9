/** Variables available to `${VAR}` references; `undefined` means unset, like a missing key. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The outcome of expanding one string. */
export interface EnvExpansion {
  /** The string with every resolvable reference replaced. */
  value: string;
  /** True when at least one `${…}` reference was substituted (escapes do not count). */
  substituted: boolean;
  /** One message per reference that could not be resolved; empty when all went well. */
  problems: string[];
}

/** A problem found while expanding a whole value, with the path of the string it occurred in. */
export interface EnvExpansionProblem {
  path: PropertyKey[];
  message: string;
}

const referenceBody = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;
const noProblems: string[] = [];

/**
 * Expands `${VAR}` and `${VAR:-default}` in `text` (several per string allowed), following POSIX `:-`:
 * the default applies when the variable is unset or empty, while a plain `${VAR}` set to `""` yields `""`.
 * `$${VAR}` is an escape for the literal text `${VAR}`; any other `$` is left alone.
 */
export function expandEnvString(text: string, env: Env): EnvExpansion {
  let start = text.indexOf('${');
  if (start === -1) return { value: text, substituted: false, problems: noProblems };
  let value = '';
  let cursor = 0;
  let substituted = false;
  const problems: string[] = [];
  while (start !== -1) {
    if (start > cursor && text[start - 1] === '$') {
      value += `${text.slice(cursor, start - 1)}\${`;
      cursor = start + 2;
      start = text.indexOf('${', cursor);
      continue;
    }
    const end = text.indexOf('}', start + 2);
    if (end === -1) {
      problems.push(
        `unterminated reference "${text.slice(start)}": close it with "}" (or write $\${ for a literal \${)`,
      );
      break;
    }
    const body = text.slice(start + 2, end);
    const match = body.includes('${') ? null : referenceBody.exec(body);
    value += text.slice(cursor, start);
    cursor = end + 1;
    if (match === null) {
      problems.push(
        `invalid reference "\${${body}}": write \${NAME} or \${NAME:-default} where NAME is letters, digits and _ (or $\${ for a literal \${)`,
      );
    } else {
      const [, name = '', fallback] = match;
      const variable = env[name];
      if (fallback !== undefined && (variable === undefined || variable === '')) value += fallback;
      else if (variable !== undefined) value += variable;
      else problems.push(`environment variable ${name} is not set (use \${${name}:-default} for a default)`);
      substituted = true;
    }
    start = text.indexOf('${', cursor);
  }
  value += text.slice(cursor);
  return { value, substituted, problems };
}

/**
 * Expands references in every string of a plain value (objects, arrays, scalars), returning a copy.
 * Object keys are left as written: they are names, not values. Problems carry the path of their string.
 */
export function expandEnvInValue(
  input: unknown,
  env: Env,
): { value: unknown; problems: EnvExpansionProblem[] } {
  const problems: EnvExpansionProblem[] = [];
  const visit = (value: unknown, path: PropertyKey[]): unknown => {
    if (typeof value === 'string') {
      const expansion = expandEnvString(value, env);
      for (const message of expansion.problems) problems.push({ path, message });
      return expansion.value;
    }
    if (Array.isArray(value)) return value.map((item, index) => visit(item, [...path, index]));
    if (isPlainObject(value)) {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) copy[key] = visit(item, [...path, key]);
      return copy;
    }
    return value;
  };
  return { value: visit(input, []), problems };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
