import { cp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig } from 'tsup';

const require = createRequire(import.meta.url);

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  // tsup keeps dependencies external but would bundle an optional one: the demo's mock must stay a package of its own.
  external: ['@ccb/mock-upstream'],
  // The dashboard is a private workspace package: the CLI ships its built files in dist/ui and serves them at /ui.
  async onSuccess() {
    const dashboard = join(dirname(require.resolve('@ccb/dashboard/package.json')), 'dist');
    await cp(dashboard, 'dist/ui', { recursive: true });
  },
});
