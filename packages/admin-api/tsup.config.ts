import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { defineConfig } from 'tsup';

const require = createRequire(import.meta.url);

/**
 * The viewers' files, copied into dist/assets (with their licences) so that installing the package never installs
 * their packages: redoc alone would bring some 80 MB of React and friends that its bundle does not need.
 */
const vendored: readonly [specifier: string, name: string][] = [
  ['swagger-ui-dist/swagger-ui.css', 'swagger-ui.css'],
  ['swagger-ui-dist/swagger-ui-bundle.js', 'swagger-ui-bundle.js'],
  ['swagger-ui-dist/LICENSE', 'swagger-ui.LICENSE'],
  ['redoc/bundles/redoc.standalone.js', 'redoc.standalone.js'],
  ['redoc/LICENSE', 'redoc.LICENSE'],
];

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  async onSuccess() {
    await mkdir('dist/assets', { recursive: true });
    for (const [specifier, name] of vendored)
      await copyFile(require.resolve(specifier), `dist/assets/${name}`);
  },
});
