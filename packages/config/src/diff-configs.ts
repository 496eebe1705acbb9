import { type DiffContext, type DiffScope, diffValues } from './_diff-walk.js';
import { forEachSecret } from './_for-each-secret.js';
import { formatPath } from './_format-path.js';
import type { ConfigChange } from './config-change.js';
import { configSecrets, redactedValue } from './redact-config.js';
import { type Config, configSchema } from './schema/config-schema.js';
import { type ProviderConfig, providerSchema } from './schema/provider-schema.js';

/** Secrets too short to scrub from ordinary words without mangling them; the walk never shows a secret anyway. */
const minScrubbedLength = 8;

const wholeFile: DiffScope = { at: [], describe: (relative, what) => `${formatPath(relative)}: ${what}` };

/**
 * What changed from `before` to `after`, section by section in the schema's order, every value of every section
 * compared: scalars as `server.port: 8080 -> 9090`, providers by name (`provider c added`, `provider d removed`,
 * `provider b: weight 1 -> 3`, fields in the schema's order), lists of named entries by name (`routing.rules: rule
 * "bg" changed (providers)`), other lists by counts or as `[a] -> [a, b]`, and a change of order where order matters.
 * Secrets (see `configSecretFields`) only ever read `added`, `removed` or `changed`, and lists of keys only count
 * (`auth.admin_key: 1 key added`). Empty when the two are equal.
 */
export function diffConfigs(before: Config, after: Config): ConfigChange[] {
  const secretFields = new WeakMap<object, Set<PropertyKey>>();
  for (const config of [before, after]) {
    forEachSecret(config, (holder, field) => {
      const fields = secretFields.get(holder) ?? new Set<PropertyKey>();
      fields.add(field);
      secretFields.set(holder, fields);
    });
  }
  const context: DiffContext = {
    isSecret: (holder, field) =>
      field === undefined ? secretFields.has(holder) : secretFields.get(holder)?.has(field) === true,
    changes: [],
  };
  for (const [section, schema] of Object.entries(configSchema.shape)) {
    const key = section as keyof Config;
    if (key === 'providers') diffProviders(context, before.providers, after.providers);
    else diffValues(context, wholeFile, [key], before[key], after[key], schema);
  }
  return scrubbed(context.changes, [...configSecrets(before), ...configSecrets(after)]);
}

function diffProviders(
  context: DiffContext,
  before: readonly ProviderConfig[],
  after: readonly ProviderConfig[],
): void {
  const beforeByName = new Map(before.map((provider) => [provider.name, provider]));
  const afterNames = new Set(after.map((provider) => provider.name));
  for (const provider of after) {
    const { name } = provider;
    const at = ['providers', name];
    const old = beforeByName.get(name);
    if (old === undefined) {
      context.changes.push({ path: formatPath(at), summary: `provider ${name} added` });
      continue;
    }
    const scope: DiffScope = {
      at,
      describe: (relative, what) => `provider ${name}: ${formatPath(relative)} ${what}`,
    };
    diffValues(context, scope, [], old, provider, providerSchema);
  }
  for (const { name } of before) {
    if (!afterNames.has(name)) {
      context.changes.push({ path: formatPath(['providers', name]), summary: `provider ${name} removed` });
    }
  }
  // The priority strategy and ties follow the configuration's order.
  const kept = (providers: readonly ProviderConfig[], other: { has(name: string): boolean }) =>
    providers.map((provider) => provider.name).filter((name) => other.has(name));
  const keptBefore = kept(before, afterNames);
  const keptAfter = kept(after, beforeByName);
  if (keptBefore.join('\n') !== keptAfter.join('\n')) {
    context.changes.push({
      path: 'providers',
      summary: `providers: order changed (${keptBefore.join(', ')} -> ${keptAfter.join(', ')})`,
    });
  }
}

/**
 * A last guard: a secret that also sits in a field not known as secret (a key pasted into a URL path) is cut out.
 * The walk itself never shows a secret field.
 */
function scrubbed(changes: readonly ConfigChange[], secrets: readonly string[]): ConfigChange[] {
  // Longest first, so a secret holding another is cut out whole.
  const long = secrets
    .filter((secret) => secret.length >= minScrubbedLength)
    .sort((left, right) => right.length - left.length);
  if (long.length === 0) return [...changes];
  const scrub = (text: string) =>
    long.reduce((result, secret) => result.replaceAll(secret, redactedValue), text);
  return changes.map((change) => ({ path: scrub(change.path), summary: scrub(change.summary) }));
}
