// The README's client snippet runs as written: copied out of README.md (the ```js block
// after `<!-- readme-snippet -->`) and run with Node against the local stack.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { anonKey, apiUrl } from './support';

const ROOT = path.resolve(import.meta.dirname, '../..');

it("README.md's client snippet signs in, reads, saves and signs out against the local stack", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const match = /<!-- readme-snippet -->\s*```js\n([\s\S]*?)```/.exec(readme);
  expect(match, 'README.md has a snippet marked <!-- readme-snippet -->').toBeTruthy();
  // Inside the checkout, so `@supabase/supabase-js` and `ws` resolve from node_modules.
  const dir = path.join(ROOT, '.local');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `readme-snippet-${process.pid}.mjs`);
  fs.writeFileSync(file, match![1]!);
  try {
    const run = spawnSync(process.execPath, [file], {
      env: { ...process.env, SUPABASE_URL: apiUrl, SUPABASE_ANON_KEY: anonKey },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('exam: Foundations of Physiology');
    expect(run.stdout).toMatch(/saved: (applied|duplicate)/);
    expect(run.stdout).toContain('stream: true');
  } finally {
    fs.rmSync(file, { force: true });
  }
});
