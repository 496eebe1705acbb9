import { containerEndModuleBase64 } from './_container-end-module.js';

/** The module's exports (src/wasm/container-end.wat). */
interface ContainerEndExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  begin(maxDepth: number): void;
  scan(length: number): number;
}

/** The part of the WebAssembly API used here (Node's types declare the namespace without it). */
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object) => { readonly exports: unknown };
}

interface LoadedModule {
  readonly exports: ContainerEndExports;
  readonly window: Uint8Array;
}

/** Page 0 of the module's memory: the bytes of one window. Every window but a value's last is a multiple of 64. */
const windowInBytes = 65_536;
/**
 * The first window is small: most values handed here end within a few kilobytes, and copying a whole window for
 * them would cost more than the walk it saves.
 */
const firstWindowInBytes = 4_096;
/** The module keeps its stack of expected closers in 1 KiB. */
const stackInBytes = 1_024;

/** `undefined`: not tried yet; `null`: unavailable here (no WebAssembly or no SIMD, e.g. `node --jitless`). */
let instance: LoadedModule | null | undefined;

function load(): LoadedModule | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    const module = new api.Module(Buffer.from(containerEndModuleBase64, 'base64'));
    const exports = new api.Instance(module).exports as ContainerEndExports;
    // The memory never grows, so this view stays valid.
    return { exports, window: new Uint8Array(exports.memory.buffer, 0, windowInBytes) };
  } catch {
    return null;
  }
}

/**
 * The index just past the object or array starting at `start` in `body`, -1 when it is not closed or its brackets
 * do not match or nest `maxDepth` deep (as the JavaScript walk counts), and `undefined` when WebAssembly SIMD is not
 * available, for the caller to walk the value itself. Synchronous and not re-entrant, like every scan.
 */
export function endOfContainerSimd(body: Buffer, start: number, maxDepth: number): number | undefined {
  if (instance === undefined) instance = load();
  const loaded = instance;
  if (loaded === null || maxDepth > stackInBytes) return undefined;
  const { exports, window } = loaded;
  exports.begin(maxDepth);
  let offset = start;
  let size = firstWindowInBytes;
  while (offset < body.length) {
    const length = Math.min(size, body.length - offset);
    body.copy(window, 0, offset, offset + length);
    const end = exports.scan(length);
    if (end >= 0) return offset + end;
    if (end === -2) return -1;
    offset += length;
    size = windowInBytes;
  }
  return -1;
}
