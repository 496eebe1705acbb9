import { defineConfig } from 'tsup';

export default defineConfig({
  // main is the bench; the other two run as their own processes, spawned by it from dist/.
  entry: ['src/main.ts', 'src/mock-process.ts', 'src/node-pipe.ts'],
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
});
