// Shared by build-wasm.mjs and the test that checks the committed module against its source.
import { fileURLToPath } from 'node:url';
import initWabt from 'wabt';

export const containerEndModuleSource = fileURLToPath(
  new URL('../src/wasm/container-end.wat', import.meta.url),
);

/** The WebAssembly binary of a text-format module (SIMD on), without names or debug sections. */
export async function compileWat(text) {
  const wabt = await initWabt();
  const module = wabt.parseWat('container-end.wat', text, { simd: true });
  try {
    module.validate();
    return module.toBinary({ write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}
