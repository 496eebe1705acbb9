import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  // tsup keeps dependencies external but would bundle an optional one: the demo's mock must stay a package of its own.
  external: ['@ccb/mock-upstream'],
});
