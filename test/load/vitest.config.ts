import { defineProject } from 'vitest/config';

// Load tests drive the whole stack on a shared 2-core machine: one file at a time.
export default defineProject({
  test: {
    name: 'load',
    // A `pnpm build` emits compiled tests into dist/; only the sources are tests.
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 900_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
