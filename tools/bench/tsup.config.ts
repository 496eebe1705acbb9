import { defineConfig } from 'tsup';

export default defineConfig({
  // main is the bench; the mock and node-pipe run as their own processes, spawned by it from dist/, and the loop
  // probe is preloaded into each of them (and into ccb).
  entry: ['src/main.ts', 'src/mock-process.ts', 'src/node-pipe.ts', 'src/loop-probe.ts'],
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
});
