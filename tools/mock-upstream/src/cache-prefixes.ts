import { createHash } from 'node:crypto';
import { canonicalJson, canonicalTextBlockJson } from './canonical-json.js';
import { cacheControlOf, forEachPromptBlock } from './prompt-blocks.js';

/** A prompt prefix the cache may hold: everything from the first block up to one block boundary. */
export interface CachePrefix {
  /** Hash of the model and the prefix's blocks (base64 SHA-256). */
  readonly key: string;
  /** Estimated tokens of the prefix: the sum over its blocks of ⌈canonical JSON bytes / 4⌉. */
  readonly tokens: number;
  /** True when the prefix ends at a block carrying `cache_control` (only those are written). */
  readonly breakpoint: boolean;
  /** True for a breakpoint whose `cache_control` asks for `ttl: "1h"`. */
  readonly longTtl: boolean;
}

function isLongTtl(cacheControl: unknown): boolean {
  return (cacheControl as { ttl?: unknown }).ttl === '1h';
}

/**
 * The prefixes of a Messages request the prompt cache looks up, shortest first; empty without any
 * breakpoint, and the last one always ends at the last breakpoint. Besides each breakpoint it lists
 * the `lookbackBlocks` block boundaries before it, as the API also checks for hits there ("up to
 * about 20 blocks before your explicit breakpoint", prompt-caching docs).
 *
 * One running SHA-256 goes over the blocks; a candidate's key is a copy of it finalised at that
 * boundary, so no prefix is hashed twice and blocks after the last breakpoint are never serialised.
 * The model seeds the hash because caches are per model.
 */
export function listCachePrefixes(
  body: Record<string, unknown>,
  model: string,
  lookbackBlocks: number,
): CachePrefix[] {
  const breakpoints: number[] = [];
  forEachPromptBlock(body, (block, _tag, index) => {
    if (cacheControlOf(block) !== undefined) breakpoints.push(index);
    return true;
  });
  const prefixes: CachePrefix[] = [];
  if (breakpoints.length === 0) return prefixes;

  const hash = createHash('sha256').update(model).update('\n');
  let tokens = 0;
  let nextBreakpoint = 0;
  forEachPromptBlock(body, (block, tag, index) => {
    const json =
      typeof block === 'string' ? canonicalTextBlockJson(block) : canonicalJson(block, 'cache_control');
    tokens += Math.ceil(Buffer.byteLength(json) / 4);
    // Canonical JSON has no raw newline or NUL, so these separators keep block boundaries unambiguous.
    hash.update(tag).update('\0').update(json).update('\n');
    const breakpointIndex = breakpoints[nextBreakpoint] as number;
    if (index === breakpointIndex) {
      const longTtl = isLongTtl(cacheControlOf(block));
      prefixes.push({ key: hash.copy().digest('base64'), tokens, breakpoint: true, longTtl });
      nextBreakpoint++;
      return nextBreakpoint < breakpoints.length;
    }
    if (breakpointIndex - index <= lookbackBlocks) {
      prefixes.push({ key: hash.copy().digest('base64'), tokens, breakpoint: false, longTtl: false });
    }
    return true;
  });
  return prefixes;
}
