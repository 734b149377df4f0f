// Runs the unit suite with vitest and ends with one line `N passed, N failed`, read from vitest's JSON
// reporter (CI reads that line). Exits with vitest's exit code. Extra arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const report = join(tmpdir(), `kirchhoff-vitest-${process.pid}.json`);
const vitest = join(dirname(fileURLToPath(import.meta.url)), '../node_modules/vitest/vitest.mjs');
const run = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
  // A file that fails to load reports no tests: count it as a failure rather than hide it.
  failed += results.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
  rmSync(report);
} else {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status ?? 1);
