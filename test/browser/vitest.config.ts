import { defineProject } from 'vitest/config';

/** The dashboard in Debian's Chromium against the real local stack: one file, run in order. */
export default defineProject({
  test: {
    name: 'browser',
    // A `pnpm build` emits compiled tests into dist/; only the sources are tests.
    exclude: ['**/node_modules/**', '**/dist/**'],
    include: ['**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
