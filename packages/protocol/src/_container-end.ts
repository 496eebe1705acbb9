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
 * A buffer of `length` bytes inside the module's memory, for a caller that assembles a body there (one copy of its
 * pieces) so that the walk reads it in place instead of copying it window by window. Valid only until the next call
 * (anywhere in the process: the memory may grow, which empties every earlier view); read it synchronously and keep
 * nothing of it. `undefined` when WebAssembly SIMD is not available.
 */
export function scanArea(length: number): Buffer | undefined {
  const module = loaded();
  if (module === null) return undefined;
  const { memory } = module.exports;
  const needed = areaAt + length + slackInBytes;
  if (memory.buffer.byteLength < needed) {
    memory.grow(Math.ceil((needed - memory.buffer.byteLength) / pageInBytes));
    module.window = windowOf(module.exports);
  }
  return Buffer.from(memory.buffer, areaAt, length);
}

/**
 * The index just past the object or array starting at `start` in `body`, -1 when it is not closed or its brackets
 * do not match or nest `maxDepth` deep (as the JavaScript walk counts), and `undefined` when WebAssembly SIMD is not
 * available, for the caller to walk the value itself. A body in the {@link scanArea} is walked where it is; any other
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
