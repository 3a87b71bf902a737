import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'chaos',
    // A `pnpm build` emits compiled tests into dist/; only the sources are tests.
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 240_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
