import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs: ccb serves the page at /ui (its proxy refuses a trailing slash), possibly behind a reverse
  // proxy that adds a path prefix, so the page names its files `ui/assets/…` and they name each other relatively.
  base: './',
  experimental: {
    renderBuiltUrl: (filename, { hostType }) => (hostType === 'html' ? `ui/${filename}` : { relative: true }),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline module-preload helper: the page's Content-Security-Policy allows scripts from files only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
});
