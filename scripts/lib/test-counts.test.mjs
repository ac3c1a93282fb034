import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countDenoTest, countTap, countVitest } from './test-counts.mjs';

describe('countTap()', () => {
  it('counts passing and failing assertions of every file', () => {
    const output = 'tests/db/a.sql ..\n1..3\nok 1 - a\nnot ok 2 - b\n  ok 3 - c\nFailed 1/3';
    expect(countTap(output, 1)).toEqual({ passed: 2, failed: 1 });
  });

  it('counts a failure when pg_prove fails without a failing assertion', () => {
    expect(countTap('ok 1 - a\nBad plan.', 1)).toEqual({ passed: 1, failed: 1 });
  });
});

describe('countDenoTest()', () => {
  it('reads the summary line', () => {
    expect(countDenoTest('ok | 12 passed (3 steps) | 2 failed (1s)', 1)).toEqual({ passed: 12, failed: 2 });
  });

  it('counts a failure when deno test dies before its summary', () => {
    expect(countDenoTest('error: Module not found', 1)).toEqual({ passed: 0, failed: 1 });
  });
});

describe('countVitest()', () => {
  it('reads the JSON report and counts files that failed to load once', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'counts-')), 'report.json');
    fs.writeFileSync(file, JSON.stringify({
      numPassedTests: 4,
      numFailedTests: 1,
      testResults: [
        { status: 'failed', assertionResults: [{ status: 'failed' }, { status: 'passed' }] },
        { status: 'failed', assertionResults: [] },
      ],
    }));
    expect(countVitest(file, 1)).toEqual({ passed: 4, failed: 2 });
  });

  it('counts a failure when there is no report', () => {
    expect(countVitest('/nonexistent/report.json', 1)).toEqual({ passed: 0, failed: 1 });
  });
});
