// The README's useChat client (demo/src/tutor-chat.tsx, quoted verbatim in the README)
// in headless Chromium: React, @ai-sdk/react's useChat and the AI SDK's
// DefaultChatTransport, unchanged, against the ai-tutor function of a functions server of
// this test's own whose provider is a local OpenAI-compatible stub. The answer streams in
// and is stored.
import fs from 'node:fs';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTutorStub } from '../../scripts/bench/tutor-phase.mjs';
import { DEMO_USERS } from '../../scripts/lib/demo-users.mjs';
import { startFunctions, stopProcess } from '../../scripts/lib/stack.mjs';
import { anonKey, apiUrl } from '../e2e/support';
import { ownerSql } from '../e2e/fixtures';
import { launchChromium, serveDemo } from './support';

const student = DEMO_USERS.find((user) => user.key === 'student2')!;

let stub: Awaited<ReturnType<typeof startTutorStub>>;
let functions: Awaited<ReturnType<typeof startFunctions>>;
let functionsUrl: string;
let demo: Awaited<ReturnType<typeof serveDemo>>;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  stub = await startTutorStub({ firstTokenDelayMs: 50, tokenDelayMs: 20, tokens: 12 });
  // Below the stack's API port: the fault suite takes the port two below it.
  const port = Number(new URL(apiUrl).port) - 3;
  functionsUrl = `http://127.0.0.1:${port}`;
  functions = await startFunctions({
    port, dbUrl: process.env.SUPABASE_DB_URL!, quiet: true,
    signingKey: JSON.parse(process.env.AUTH_SIGNING_KEY!),
    env: { AI_TUTOR_PROVIDER: 'openai-compatible', AI_TUTOR_COMPATIBLE_BASE_URL: stub.baseUrl, AI_TUTOR_MODEL: 'stub' },
  });
  demo = await serveDemo({ url: functionsUrl, anonKey });
  origin = demo.origin;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  await stopProcess(functions);
  await stub?.close();
  await ownerSql.end();
});

describe("the README's useChat tutor client", () => {
  it('is the code the README quotes', () => {
    const source = fs.readFileSync('demo/src/tutor-chat.tsx', 'utf8');
    const quoted = source.split('// <readme-tutor>\n')[1]!.split('// </readme-tutor>')[0]!;
    expect(fs.readFileSync('README.md', 'utf8')).toContain(quoted.trim());
  });

  it('streams an answer from the ai-tutor function into the page and stores it', async () => {
    const page = await browser.newPage();
    const conversation = `readme-${Date.now()}`;
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${origin}/tutor-react.html?email=${student.email}&conversation=${conversation}`);
    await page.waitForSelector('input[aria-label="Ask the tutor"]', { timeout: 20_000 });
    await page.type('input[aria-label="Ask the tutor"]', 'How should I revise for a physiology exam?');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.querySelector('[data-role=assistant]')?.textContent?.includes('t11'),
      { timeout: 20_000 });
    const answer = await page.$eval('[data-role=assistant]', (element) => element.textContent);
    expect(answer).toBe(Array.from({ length: 12 }, (_, i) => `t${i} `).join(''));
    expect(errors).toEqual([]);
    await expect.poll(async () => (await ownerSql`
      select m.role::text, m.status::text from public.tutor_messages as m
      join public.tutor_conversations as c on c.id = m.conversation_id
      where c.user_id = ${student.id} and c.id = ${conversation} order by m.created_at`)
      .map((row) => `${row.role}:${row.status}`), { timeout: 10_000 }).toEqual(['user:complete', 'assistant:complete']);
    await page.close();
  }, 60_000);
});
