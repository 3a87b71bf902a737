import { defineProject } from 'vitest/config';

// Deployment checks without a cluster: manifests, kustomize, promtool, nats-server with the shipped config.
export default defineProject({
  test: {
    name: 'deploy',
    // A `pnpm build` emits compiled tests into dist/; only the sources are tests.
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
