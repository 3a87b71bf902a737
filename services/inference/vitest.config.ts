import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'inference',
    // A `pnpm build` emits compiled tests into dist/; only the sources are tests.
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
