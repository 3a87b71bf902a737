import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'ingest',
    // A `pnpm build` emits compiled tests into dist/; only the sources are tests.
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
