import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'testing',
    // A `pnpm build` emits compiled tests into dist/; only the sources are tests.
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
