import { compileModelGlob, type ModelMatcher } from '@ccb/protocol';
import { invalidProviderError } from './provider-error.js';

/** Maps a requested model name to the upstream one; `undefined` means send the request as is. */
export type ModelMapper = (model: string) => string | undefined;

/** A `modelMap` key with wildcards, compiled once. */
interface GlobRule {
  readonly matches: ModelMatcher;
  readonly target: string;
}

const mapNothing: ModelMapper = () => undefined;

/**
 * Builds the per-request model lookup of a provider's `modelMap`. Keys without wildcards match exactly (one Map
 * lookup); keys with `*` or `?` are model globs (`*` any run, `?` one character, as in `models`), tried after the
 * exact keys in map order, first match wins. A mapping to the same name returns `undefined` so the proxy skips the rewrite.
 * @throws ProviderError `CCB_PROVIDER_INVALID` for empty keys or non-string / empty targets
 */
export function createModelMapper(
  modelMap: Readonly<Record<string, string>> | undefined,
  providerName: string,
): ModelMapper {
  if (modelMap === undefined) return mapNothing;
  if (typeof modelMap !== 'object' || modelMap === null) {
    throw invalidProviderError(providerName, 'modelMap must be an object of model names to model names.');
  }
  const exact = new Map<string, string>();
  const globs: GlobRule[] = [];
  for (const [pattern, target] of Object.entries(modelMap)) {
    if (pattern === '')
      throw invalidProviderError(providerName, 'modelMap has an empty model name as a key.');
    if (typeof target !== 'string' || target === '') {
      throw invalidProviderError(
        providerName,
        `modelMap["${pattern}"] must be a non-empty model name to send upstream.`,
      );
    }
    if (pattern.includes('*') || pattern.includes('?'))
      globs.push({ matches: compileModelGlob(pattern), target });
    else exact.set(pattern, target);
  }
  if (exact.size === 0 && globs.length === 0) return mapNothing;

  return (model) => {
    let target = exact.get(model);
    if (target === undefined) {
      for (const glob of globs) {
        if (glob.matches(model)) {
          target = glob.target;
          break;
        }
      }
    }
    return target === model ? undefined : target;
  };
}
