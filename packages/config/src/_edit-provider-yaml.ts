import { isAlias, isCollection, isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { canonicalJson } from './_canonical-json.js';
import { parseYamlSource, type YamlSource } from './_yaml-document.js';
import { ConfigError } from './config-error.js';
import { providerSchema } from './schema/provider-schema.js';

/** The provider fields an admin may change at runtime and write back. */
export interface ProviderPatch {
  /** `providers[].weight`, an integer >= 1. */
  weight?: number;
  /** `providers[].priority`, an integer >= 0. */
  priority?: number;
  /** `providers[].enabled`; at least one provider must stay enabled. */
  enabled?: boolean;
}

const patchKeys = ['weight', 'priority', 'enabled'] as const;

/**
 * Applies `patch` to the provider named `provider` in the YAML `text` by splicing only the changed values into the
 * text at the positions the yaml document reports: every other byte (comments, their alignment, quoting, blank
 * lines, key order) stays as it was. A present key has its value replaced in place; an absent one is added as one line
 * of the provider's mapping (one entry of a flow mapping), after the nearest key that precedes it in the schema.
 * The result is parsed again and must differ from the original only in those values.
 *
 * @throws {ConfigError} `CCB_CONFIG_YAML`, `CCB_CONFIG_INVALID` (a value the schema refuses, or no provider left
 *   enabled), `CCB_CONFIG_PERSIST_UNKNOWN_PROVIDER`, `CCB_CONFIG_PERSIST_UNSUPPORTED`.
 */
export function editProviderYaml(
  text: string,
  provider: string,
  patch: ProviderPatch,
  source?: string,
): string {
  const yaml = parseYamlSource(text, source);
  const unsupported = (message: string) =>
    new ConfigError({
      code: 'CCB_CONFIG_PERSIST_UNSUPPORTED',
      source,
      issues: [{ path: 'providers', message }],
    });
  const providers = yaml.document.get('providers', true);
  if (!isSeq(providers) || !providers.items.every((item) => isMap(item))) {
    throw unsupported(
      'is not a plain YAML list of mappings (an alias, a scalar, or an entry that is not a mapping), so a change cannot be written back; edit the file by hand',
    );
  }
  const items = providers.items as YAMLMap[];
  const index = items.findIndex((item) => String(scalarValue(item.get('name', true))) === provider);
  const map = items[index];
  if (map === undefined) {
    const names = items.map((item) => String(scalarValue(item.get('name', true)))).join(', ');
    throw new ConfigError({
      code: 'CCB_CONFIG_PERSIST_UNKNOWN_PROVIDER',
      source,
      issues: [
        { path: 'providers', message: `has no provider named ${JSON.stringify(provider)} (names: ${names})` },
      ],
    });
  }
  const values = validatedPatch(patch, index, source);
  const edits = values.map(([key, value], order) => ({
    ...editFor(yaml, text, map, key, value, unsupported),
    order,
  }));
  // Splice from the end of the text backwards so earlier offsets stay valid; two insertions at one offset go in
  // reverse, so they read in schema order.
  let edited = text;
  for (const edit of edits.sort((left, right) => right.at - left.at || right.order - left.order)) {
    edited = edited.slice(0, edit.at) + edit.insert + edited.slice(edit.end);
  }
  checkOnlyPatched(yaml, edited, index, values, source, unsupported);
  return edited;
}

function scalarValue(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

/** The patch's values in schema order, each checked by the schema, as `CCB_CONFIG_INVALID` when refused. */
function validatedPatch(
  patch: ProviderPatch,
  index: number,
  source: string | undefined,
): [string, unknown][] {
  const values: [string, unknown][] = [];
  const issues = [];
  for (const key of patchKeys) {
    if (patch[key] === undefined) continue;
    const result = providerSchema.shape[key].safeParse(patch[key]);
    if (result.success) values.push([key, result.data]);
    else {
      const message = result.error.issues[0]?.message ?? 'is not valid';
      issues.push({
        path: `providers[${index}].${key}`,
        message: `${message} (got ${JSON.stringify(patch[key])})`,
      });
    }
  }
  if (issues.length > 0) throw new ConfigError({ code: 'CCB_CONFIG_INVALID', source, issues });
  return values;
}

function editFor(
  yaml: YamlSource,
  text: string,
  map: YAMLMap,
  key: string,
  value: unknown,
  unsupported: (message: string) => ConfigError,
): { at: number; end: number; insert: string } {
  const literal = String(value);
  const pair = map.items.find((item) => scalarValue(item.key) === key);
  if (pair !== undefined) {
    const node = pair.value;
    if (node === null || (isScalar(node) && node.range?.[0] === node.range?.[1])) {
      // `weight:` with nothing after it (maybe a comment): the value goes right after the colon.
      const colon = text.indexOf(':', (pair.key as Node).range?.[1] ?? 0);
      return { at: colon + 1, end: colon + 1, insert: ` ${literal}` };
    }
    if (!(isScalar(node) || isAlias(node)) || node.range === undefined || node.range === null) {
      throw unsupported(`${key} of this provider is not a plain value; edit the file by hand`);
    }
    if (isScalar(node) && node.anchor !== undefined) {
      throw unsupported(
        `${key} of this provider carries the anchor &${node.anchor}, which others may share; edit the file by hand`,
      );
    }
    const [start, end] = node.range;
    // A block scalar (`|`) ends with its line break: keep it.
    return { at: start, end, insert: text.slice(start, end).endsWith('\n') ? `${literal}\n` : literal };
  }
  const after = precedingPair(map, key);
  if (map.flow === true) {
    const end = (after.value as Node | null)?.range?.[1] ?? (after.key as Node).range?.[1] ?? 0;
    return { at: end, end, insert: `, ${key}: ${literal}` };
  }
  const lineEnd = endOfLine(text, lastOffset(after));
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const firstKey = map.items[0]?.key as Node | undefined;
  const column = yaml.lineCounter.linePos(firstKey?.range?.[0] ?? 0).col - 1;
  const line = `${' '.repeat(column)}${key}: ${literal}`;
  return lineEnd === text.length && !text.endsWith('\n')
    ? { at: lineEnd, end: lineEnd, insert: `${newline}${line}` }
    : { at: lineEnd, end: lineEnd, insert: `${line}${newline}` };
}

/** The pair a new `key` goes after: the last one present among the keys before it in the schema, else the last. */
function precedingPair(map: YAMLMap, key: string): Pair {
  const schemaKeys = Object.keys(providerSchema.shape);
  const earlier = new Set(schemaKeys.slice(0, schemaKeys.indexOf(key)));
  let found: Pair | undefined;
  for (const pair of map.items) if (earlier.has(String(scalarValue(pair.key)))) found = pair;
  return found ?? (map.items.at(-1) as Pair);
}

/** Where the text of a pair ends: the end of its deepest last value (a nested mapping's range runs on past blank lines). */
function lastOffset(pair: Pair): number {
  let node: unknown = pair.value ?? pair.key;
  for (let depth = 0; depth < 64 && isCollection(node) && node.items.length > 0; depth++) {
    const last = node.items.at(-1);
    node = isMap(node) ? ((last as Pair).value ?? (last as Pair).key) : last;
  }
  return (node as Node).range?.[1] ?? 0;
}

/** The offset just past the line break ending the line that holds `offset` (or the end of the text). */
function endOfLine(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const lineBreak = text.indexOf('\n', offset);
  return lineBreak === -1 ? text.length : lineBreak + 1;
}

/** Parses the edited text and insists that it reads as the original with only the patched values changed. */
function checkOnlyPatched(
  original: YamlSource,
  edited: string,
  index: number,
  values: readonly [string, unknown][],
  source: string | undefined,
  unsupported: (message: string) => ConfigError,
): void {
  const expected = original.document.toJS() as { providers: Record<string, unknown>[] };
  const provider = expected.providers[index] as Record<string, unknown>;
  for (const [key, value] of values) provider[key] = value;
  let actual: unknown;
  try {
    actual = parseYamlSource(edited, source).document.toJS();
  } catch {
    actual = undefined;
  }
  if (canonicalJson(actual) !== canonicalJson(expected)) {
    throw unsupported(
      'cannot be changed in place without changing other values (anchors, tags or unusual layout); edit the file by hand',
    );
  }
  if (expected.providers.every((entry) => entry?.enabled === false)) {
    throw new ConfigError({
      code: 'CCB_CONFIG_INVALID',
      source,
      issues: [
        {
          path: `providers[${index}].enabled`,
          message: 'would leave no provider enabled; at least one must be',
        },
      ],
    });
  }
}
