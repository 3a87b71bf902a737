#!/usr/bin/env node
// The whole test suite in one vitest run (unit, integration on a real nats-server, e2e, browser),
// then the totals on a line of their own: "N passed, M failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const report = join('test-results', 'vitest.json');
mkdirSync('test-results', { recursive: true });
rmSync(report, { force: true });

const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
];
const run = spawnSync('pnpm', ['exec', ...args], { stdio: 'inherit', env: process.env });

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed = result.numPassedTests;
  skipped = result.numPendingTests + result.numTodoTests;
  // A test file that fails to load has no failed test in it; count it as one failure.
  const brokenFiles = result.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.length === 0,
  ).length;
  failed = result.numFailedTests + brokenFiles;
} else {
  failed = 1;
}
if (run.status !== 0 && failed === 0) failed = 1;
// Skipped tests (the by-hand soak) are said on a line before, so the last line keeps its exact shape.
if (skipped) console.log(`\n${skipped} skipped (run by hand, e.g. the soak)`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(run.status ?? 1);
