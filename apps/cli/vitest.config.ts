import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Most tests here start the real CLI as a child process (about a second each on an idle 2-core machine); the
    // default 5 s would fail them on a loaded one, while a hang still fails within this bound.
    testTimeout: 30_000,
  },
});
