import { containerEndModuleBase64 } from './_container-end-module.js';

/** The module's exports (src/wasm/container-end.wat). */
interface ContainerEndExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  begin(maxDepth: number): void;
  scan(from: number, to: number): number;
}

/** The part of the WebAssembly API used here (Node's types declare the namespace without it). */
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object) => { readonly exports: unknown };
}

/** The module's memory layout (see the .wat): the stack, the window, slack, then the scan area and its slack. */
const stackInBytes = 1_024;
const windowAt = 1_024;
/** Every window but a value's last is a multiple of 64 bytes. */
const windowInBytes = 65_536;
const slackInBytes = 64;
const areaAt = windowAt + windowInBytes + slackInBytes;
const pageInBytes = 65_536;
/**
 * The first window is small: most values handed over end within a few kilobytes, and copying a whole window for
 * them would cost more than the walk it saves.
 */
const firstWindowInBytes = 4_096;

interface LoadedModule {
  readonly exports: ContainerEndExports;
  /** The window as bytes; made again whenever the memory grew (growing detaches the old views). */
  window: Buffer;
}

/** `undefined`: not tried yet; `null`: unavailable here (no WebAssembly or no SIMD, e.g. `node --jitless`). */
let instance: LoadedModule | null | undefined;

function load(): LoadedModule | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    const module = new api.Module(Buffer.from(containerEndModuleBase64, 'base64'));
    const exports = new api.Instance(module).exports as ContainerEndExports;
    return { exports, window: windowOf(exports) };
  } catch {
    return null;
  }
}

function loaded(): LoadedModule | null {
  if (instance === undefined) instance = load();
  return instance;
}

function windowOf(exports: ContainerEndExports): Buffer {
  return Buffer.from(exports.memory.buffer, windowAt, windowInBytes);
}

/**
 * Runs `read` over the bytes of `pieces` (`length` in all), assembled in one copy inside the module's memory, where
 * the SIMD walk reads them in place instead of copying them window by window, and gives back what it returned;
 * `undefined` when WebAssembly SIMD is not available, or the memory cannot grow that far, for the caller to assemble
 * them itself. The buffer `read` gets
 * is reused by the next call (and emptied if the memory grows): `read` must return what it needs (strings, numbers,
 * spans) and keep no view of it.
 */
export function readInScanArea<T>(
  pieces: readonly Buffer[],
  length: number,
  read: (bytes: Buffer) => T,
): { readonly result: T } | undefined {
  const module = loaded();
  if (module === null) return undefined;
  const { memory } = module.exports;
  const needed = areaAt + length + slackInBytes;
  if (memory.buffer.byteLength < needed) {
    try {
      memory.grow(Math.ceil((needed - memory.buffer.byteLength) / pageInBytes));
    } catch {
      return undefined; // out of address space or memory: the caller's own buffer will do
    }
    module.window = windowOf(module.exports);
  }
  const area = Buffer.from(memory.buffer, areaAt, length);
  let offset = 0;
  for (const piece of pieces) offset += piece.copy(area, offset);
  return { result: read(area) };
}

/**
 * Objects and arrays longer than this are worth the SIMD walk: it costs a call (and, outside the scan area, a copy)
 * but then covers 64 bytes in the time the JavaScript walk takes for a few.
 */
export const simdAfterBytes = 256;

/**
 * Whether `body` lies in the scan area (handed over by {@link readInScanArea}), where the SIMD walk reads it in
 * place: a call per value, no copy.
 */
export function isInScanArea(body: Buffer): boolean {
  return (
    instance !== undefined &&
    instance !== null &&
    body.buffer === instance.exports.memory.buffer &&
    body.byteOffset >= areaAt
  );
}

/**
 * The index just past the object or array starting at `start` in `body`, -1 when it is not closed or its brackets
 * do not match or nest `maxDepth` deep (as the JavaScript walk counts), and `undefined` when WebAssembly SIMD is not
 * available, for the caller to walk the value itself. A body handed over by {@link readInScanArea} is walked where it is; any other
 * is copied into the module's window a window at a time. Synchronous and not re-entrant, like every scan.
 */
export function endOfContainerSimd(body: Buffer, start: number, maxDepth: number): number | undefined {
  const module = loaded();
  if (module === null || maxDepth > stackInBytes) return undefined;
  const { exports } = module;
  exports.begin(maxDepth);
  if (body.buffer === exports.memory.buffer && body.byteOffset >= areaAt) {
    const end = exports.scan(body.byteOffset + start, body.byteOffset + body.length);
    return end >= 0 ? end - body.byteOffset : -1;
  }
  const { window } = module;
  let offset = start;
  let size = firstWindowInBytes;
  while (offset < body.length) {
    const length = Math.min(size, body.length - offset);
    body.copy(window, 0, offset, offset + length);
    const end = exports.scan(windowAt, windowAt + length);
    if (end >= 0) return offset + end - windowAt;
    if (end === -2) return -1;
    offset += length;
    size = windowInBytes;
  }
  return -1;
}
