import { defineConfig } from 'vitest/config';

// One vitest run over every workspace: unit, integration (real nats-server) and e2e tests.
export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'services/*',
      'test/e2e',
      'test/chaos',
      'test/load',
      'test/browser',
      'test/deploy',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: [],
  },
});
