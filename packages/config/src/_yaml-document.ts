import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type Scalar,
  visit,
} from 'yaml';
import { formatPath } from './_format-path.js';
import { ConfigError } from './config-error.js';
import { type Env, expandEnvString } from './expand-env.js';
import type { ConfigIssue } from './format-config-issue.js';

/** A parsed YAML document plus what is needed to turn node offsets into line and column. */
export interface YamlSource {
  document: Document.Parsed;
  lineCounter: LineCounter;
}

/**
 * Parses YAML, throwing `CCB_CONFIG_YAML` with every syntax error (duplicate keys included) located.
 * Pretty errors are off because their multi-line code frames do not fit the one-line issue format.
 */
export function parseYamlSource(text: string, source: string | undefined): YamlSource {
  const lineCounter = new LineCounter();
  // merge: YAML 1.1 `<<: *anchor` keys are the usual way to share provider settings (as in Compose files).
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  if (document.errors.length > 0) {
    const issues = document.errors.map((error): ConfigIssue => {
      const position = lineCounter.linePos(error.pos[0]);
      // The parser's duplicate-key message does not say which key; the source text does.
      const message =
        error.code === 'DUPLICATE_KEY'
          ? `duplicate key ${keyAt(document, error.pos[0])}; each key may appear once per map`
          : error.message;
      return { path: '', message: `invalid YAML: ${message}`, line: position.line, column: position.col };
    });
    throw new ConfigError({ code: 'CCB_CONFIG_YAML', issues, source });
  }
  return { document, lineCounter };
}

/** The key starting at `offset`, quoted, for messages about it; `""` if the parser kept no such key. */
function keyAt(document: Document.Parsed, offset: number): string {
  let key: unknown = '';
  visit(document, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        key = pair.key.value;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return JSON.stringify(String(key));
}

/** The 1-based line and column where `node` starts. */
export function positionOf(source: YamlSource, node: Node): { line: number; column: number } | undefined {
  const offset = node.range?.[0];
  if (offset === undefined) return undefined;
  const position = source.lineCounter.linePos(offset);
  return { line: position.line, column: position.col };
}

/**
 * Finds the node for a config path, or its deepest existing ancestor (where a missing key is reported).
 * With `pointAtKey`, a final map key resolves to the key node rather than its value, which is where an
 * unknown key should be reported.
 */
export function locateNode(
  source: YamlSource,
  path: readonly PropertyKey[],
  pointAtKey = false,
): Node | undefined {
  const root: Node | null = source.document.contents;
  if (root === null) return undefined;
  let current: Node = root;
  for (let index = 0; index < path.length; index++) {
    const segment = path[index];
    if (isAlias(current)) {
      const target: Node | undefined = current.resolve(source.document);
      if (target === undefined) return current;
      current = target;
    }
    let next: unknown;
    if (isMap(current)) {
      const pair = current.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair !== undefined && pointAtKey && index === path.length - 1 && isScalar(pair.key)) {
        return pair.key;
      }
      next = pair?.value;
    } else if (isSeq(current) && typeof segment === 'number') {
      next = current.items[segment];
    }
    if (!isNode(next)) return current;
    current = next;
  }
  return current;
}

/** Path of a scalar from the ancestors `visit` reports, in config notation. */
function pathOf(ancestors: readonly unknown[], node: Scalar): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let index = 0; index < ancestors.length; index++) {
    const ancestor = ancestors[index];
    const child = ancestors[index + 1] ?? node;
    if (isPair(ancestor) && isScalar(ancestor.key)) path.push(String(ancestor.key.value));
    else if (isSeq(ancestor)) path.push(ancestor.items.indexOf(child as Node));
  }
  return path;
}

/** YAML's own resolution of plain scalars, minus `null`, so `port: ${PORT}` types like `port: 8000`. */
function retypePlainScalar(source: YamlSource, text: string): unknown {
  if (text === '') return text;
  for (const tag of source.document.schema.tags) {
    if (!('test' in tag) || tag.test === undefined || !tag.default) continue;
    if (tag.tag === 'tag:yaml.org,2002:null' || !tag.test.test(text)) continue;
    return tag.resolve(text, () => {}, source.document.options);
  }
  return text;
}

/** The top-level key a node sits under (`ancestors` as `visit` reports them: document, root map, pair, …). */
function sectionOf(ancestors: readonly unknown[]): string | undefined {
  const pair = ancestors[2];
  return isPair(pair) && isScalar(pair.key) ? String(pair.key.value) : undefined;
}

/**
 * Expands `${VAR}` references in every string value of the document, in place, before validation so
 * problems keep their line and column. Map keys are names and stay as written. An unquoted scalar is
 * re-typed after expansion the way YAML would have typed the substituted text; quoted ones stay strings.
 * With `section`, only values under that top-level key are expanded (an alias into another section is not).
 */
export function expandEnvInDocument(source: YamlSource, env: Env, section?: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  visit(source.document, {
    Scalar(key, node, ancestors) {
      if (key === 'key' || typeof node.value !== 'string') return;
      if (section !== undefined && sectionOf(ancestors) !== section) return;
      const expansion = expandEnvString(node.value, env);
      if (expansion.problems.length > 0) {
        const path = formatPath(pathOf(ancestors, node));
        const position = positionOf(source, node);
        for (const message of expansion.problems) issues.push({ path, message, ...position });
        return;
      }
      node.value =
        expansion.substituted && node.type === 'PLAIN'
          ? retypePlainScalar(source, expansion.value)
          : expansion.value;
    },
  });
  return issues;
}
