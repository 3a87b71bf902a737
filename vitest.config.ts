import { defineConfig } from 'vitest/config';

// One vitest run over every workspace: unit, integration (real nats-server) and e2e tests.
// Projects do not inherit test options from here: each project's vitest.config.ts sets its own
// timeouts (integration tests start real processes; a loaded CI machine needs seconds).
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
  },
});
