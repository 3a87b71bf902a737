import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'chaos', testTimeout: 240_000, hookTimeout: 180_000, fileParallelism: false },
});
