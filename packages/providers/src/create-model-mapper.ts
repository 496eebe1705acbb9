import { invalidProviderError } from './provider-error.js';

/** Maps a requested model name to the upstream one; `undefined` means send the request as is. */
export type ModelMapper = (model: string) => string | undefined;

/** A `*` glob split at its stars, precomputed so matching allocates nothing. */
interface GlobRule {
  readonly prefix: string;
  readonly suffix: string;
  /** The literal parts between the first and the last star, in order. */
  readonly middles: readonly string[];
  /** Sum of all literal parts: shorter names cannot match. */
  readonly minLength: number;
  readonly target: string;
}

const mapNothing: ModelMapper = () => undefined;

/**
 * Builds the per-request model lookup of a provider's `modelMap`. Keys without `*` match exactly (one Map
 * lookup); keys with `*` are globs where `*` matches any run of characters, tried after the exact keys in map
 * order, first match wins. A mapping to the same name returns `undefined` so the proxy skips the rewrite.
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
    if (pattern.includes('*')) globs.push(compileGlob(pattern, target));
    else exact.set(pattern, target);
  }
  if (exact.size === 0 && globs.length === 0) return mapNothing;

  return (model) => {
    let target = exact.get(model);
    if (target === undefined) {
      for (const glob of globs) {
        if (matchesGlob(glob, model)) {
          target = glob.target;
          break;
        }
      }
    }
    return target === model ? undefined : target;
  };
}

function compileGlob(pattern: string, target: string): GlobRule {
  const parts = pattern.split('*');
  return {
    prefix: parts[0] ?? '',
    suffix: parts[parts.length - 1] ?? '',
    middles: parts.slice(1, -1).filter((part) => part !== ''),
    minLength: parts.reduce((length, part) => length + part.length, 0),
    target,
  };
}

/**
 * Star-only globs need no backtracking: anchor the prefix and suffix, then take each middle part at its
 * leftmost position, which leaves the most room for the parts after it.
 */
function matchesGlob(glob: GlobRule, model: string): boolean {
  if (model.length < glob.minLength || !model.startsWith(glob.prefix) || !model.endsWith(glob.suffix)) {
    return false;
  }
  let index = glob.prefix.length;
  const limit = model.length - glob.suffix.length;
  for (const middle of glob.middles) {
    const found = model.indexOf(middle, index);
    if (found === -1 || found + middle.length > limit) return false;
    index = found + middle.length;
  }
  return true;
}
