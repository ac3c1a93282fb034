// Reading pass/fail totals out of each test runner's output.
import fs from 'node:fs';

/** A runner that failed without reporting a failed test still counts one failure. */
function atLeastOneFailure(counts, code) {
  return code !== 0 && counts.failed === 0 ? { ...counts, failed: 1 } : counts;
}

/**
 * Counts TAP assertions in pg_prove's verbose output.
 * @param {string} output @param {number} code
 * @example countTap('ok 1 - a\nnot ok 2 - b', 1) // { passed: 1, failed: 1 }
 */
export function countTap(output, code) {
  const passed = output.match(/^\s*ok \d+/gm)?.length ?? 0;
  const failed = output.match(/^\s*not ok \d+/gm)?.length ?? 0;
  return atLeastOneFailure({ passed, failed }, code);
}

/**
 * Reads `deno test`'s summary line (`ok | 12 passed | 0 failed`).
 * @param {string} output @param {number} code
 */
export function countDenoTest(output, code) {
  const summary = [...output.matchAll(/(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g)].at(-1);
  const counts = summary ? { passed: Number(summary[1]), failed: Number(summary[2]) } : { passed: 0, failed: 0 };
  return atLeastOneFailure(counts, code);
}

/**
 * Reads vitest's JSON report: failed tests plus files that failed to load.
 * @param {string} reportFile @param {number} code
 */
export function countVitest(reportFile, code) {
  const counts = { passed: 0, failed: 0 };
  if (fs.existsSync(reportFile)) {
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
    // A file that failed to load has no test results of its own: count it once.
    const brokenFiles = (report.testResults ?? [])
      .filter((file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0).length;
    counts.passed = report.numPassedTests;
    counts.failed = report.numFailedTests + brokenFiles;
  }
  return atLeastOneFailure(counts, code);
}
