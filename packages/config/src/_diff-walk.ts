import type { z } from 'zod';
import { canonicalJson } from './_canonical-json.js';
import { formatPath } from './_format-path.js';
import { formatDuration, formatSize } from './_format-quantity.js';
import { keysInOrder, memberSchema, unitOf } from './_schema-shape.js';
import type { ConfigChange } from './config-change.js';

/** A part of the config whose changes read alike: the whole file, or one provider (`provider b: weight 1 -> 3`). */
export interface DiffScope {
  /** Where the scope sits: `[]`, or `['providers', 'b']`. */
  readonly at: readonly PropertyKey[];
  /** The line for a change at `relative` (below `at`), given what happened (`1 -> 3`, `changed`). */
  readonly describe: (relative: readonly PropertyKey[], what: string) => string;
}

/** What a walk shares: where secrets sit in either config, and the changes found so far. */
export interface DiffContext {
  /** True when `holder[field]` holds a secret; a list with any secret entry is known by `field` `undefined`. */
  readonly isSecret: (holder: object, field?: PropertyKey) => boolean;
  readonly changes: ConfigChange[];
}

type Plain = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Adds to `context.changes` every difference between `before` and `after` at `relative` in `scope`: objects walked
 * key by key in schema order, lists summarised, scalars as `old -> new`. A secret is never shown, only that it was
 * added, removed or changed; a list holding secrets is summarised by counts.
 */
export function diffValues(
  context: DiffContext,
  scope: DiffScope,
  relative: readonly PropertyKey[],
  before: unknown,
  after: unknown,
  schema: z.ZodType | undefined,
): void {
  if (canonicalJson(before) === canonicalJson(after)) return;
  const report = (what: string) =>
    context.changes.push({
      path: formatPath([...scope.at, ...relative]),
      summary: scope.describe(relative, what),
    });
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of keysInOrder(schema, before, after)) {
      const path = [...relative, key];
      if (context.isSecret(before, key) || context.isSecret(after, key)) {
        diffSecret(context, scope, path, before[key], after[key]);
      } else diffValues(context, scope, path, before[key], after[key], memberSchema(schema, key));
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (const what of describeListChange(context, relative, before, after)) report(what);
    return;
  }
  if (before === undefined && typeof after === 'object' && after !== null) report('added');
  else if (after === undefined && typeof before === 'object' && before !== null) report('removed');
  else {
    const unit = unitOf(schema);
    const format = (value: unknown) =>
      typeof value !== 'number' || unit === undefined
        ? show(value)
        : unit === 'milliseconds'
          ? formatDuration(value)
          : formatSize(value);
    report(`${format(before)} -> ${format(after)}`);
  }
}

function diffSecret(
  context: DiffContext,
  scope: DiffScope,
  relative: readonly PropertyKey[],
  before: unknown,
  after: unknown,
): void {
  if (before === after) return;
  const what = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
  context.changes.push({
    path: formatPath([...scope.at, ...relative]),
    summary: scope.describe(relative, what),
  });
}

/** How a list changed, one phrase per change. */
function describeListChange(
  context: DiffContext,
  relative: readonly PropertyKey[],
  before: readonly unknown[],
  after: readonly unknown[],
): string[] {
  if (context.isSecret(before) || context.isSecret(after)) return [countChanges(before, after, 'key')];
  const noun = singular(String(relative.at(-1) ?? 'entry'));
  if (![...before, ...after].every(isPlainObject)) return [`${show(before)} -> ${show(after)}`];
  const identified = identifyEntries(context, before as Plain[], noun);
  const identifiedAfter = identifyEntries(context, after as Plain[], noun);
  if (identified === undefined || identifiedAfter === undefined) return [countChanges(before, after, noun)];
  const phrases: string[] = [];
  for (const [id, entry] of identifiedAfter) {
    const old = identified.get(id);
    if (old === undefined) phrases.push(`${entry.label} added`);
    else if (canonicalJson(old.value) !== canonicalJson(entry.value)) {
      const fields = keysInOrder(undefined, old.value, entry.value).filter(
        (key) => canonicalJson(old.value[key]) !== canonicalJson(entry.value[key]),
      );
      phrases.push(`${entry.label} changed (${fields.join(', ')})`);
    }
  }
  for (const [id, entry] of identified) if (!identifiedAfter.has(id)) phrases.push(`${entry.label} removed`);
  const kept = (entries: Map<string, unknown>, other: Map<string, unknown>) =>
    [...entries.keys()].filter((id) => other.has(id)).join('\n');
  // Order decides which rule matches first: a reordering is a change of its own.
  if (kept(identified, identifiedAfter) !== kept(identifiedAfter, identified)) phrases.push('order changed');
  return phrases;
}

interface IdentifiedEntry {
  readonly label: string;
  readonly value: Plain;
}

/**
 * Entries by what names them (`name`, else the `provider` or client `key` a budget is for), each with a label safe to
 * show (`rule "bg"`, `budget for provider "a"`, `budget for a client key`); `undefined` when some entry has no such
 * field or two share one, and the list can only be counted.
 */
function identifyEntries(
  context: DiffContext,
  entries: readonly Plain[],
  noun: string,
): Map<string, IdentifiedEntry> | undefined {
  const byId = new Map<string, IdentifiedEntry>();
  for (const entry of entries) {
    const { name, provider, key } = entry;
    let id: string;
    let label: string;
    if (typeof name === 'string') [id, label] = [`name:${name}`, `${noun} ${JSON.stringify(name)}`];
    else if (typeof provider === 'string') {
      [id, label] = [`provider:${provider}`, `${noun} for provider ${JSON.stringify(provider)}`];
    } else if (typeof key === 'string') {
      // The id may hold a secret: it is compared, never shown.
      id = `key:${key}`;
      label = context.isSecret(entry, 'key')
        ? `${noun} for a client key`
        : `${noun} for key ${JSON.stringify(key)}`;
    } else return undefined;
    if (byId.has(id)) return undefined;
    byId.set(id, { label, value: entry });
  }
  return byId;
}

/** `1 key added, 2 removed`, or `order changed` when only the order differs: entries compared whole, never shown. */
function countChanges(before: readonly unknown[], after: readonly unknown[], noun: string): string {
  const remaining = new Map<string, number>();
  for (const entry of before)
    remaining.set(canonicalJson(entry), (remaining.get(canonicalJson(entry)) ?? 0) + 1);
  let added = 0;
  for (const entry of after) {
    const count = remaining.get(canonicalJson(entry)) ?? 0;
    if (count === 0) added++;
    else remaining.set(canonicalJson(entry), count - 1);
  }
  const removed = [...remaining.values()].reduce((sum, count) => sum + count, 0);
  if (added === 0 && removed === 0) return 'order changed';
  const plural = (count: number) => `${count} ${noun}${count === 1 ? '' : 's'}`;
  if (removed === 0) return `${plural(added)} added`;
  if (added === 0) return `${plural(removed)} removed`;
  return `${plural(added)} added, ${removed} removed`;
}

function singular(listName: string): string {
  return listName.endsWith('s') ? listName.slice(0, -1) : listName;
}

/** A value as a line of a diff shows it: plain words bare (`weighted`), other strings quoted, lists in brackets. */
export function show(value: unknown): string {
  if (value === undefined) return '(unset)';
  if (typeof value === 'string') return /^[\w./:*?@+-]+$/.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return canonicalJson(value);
  return String(value);
}
