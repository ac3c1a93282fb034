// The demo pages in headless Chromium (Debian's, with puppeteer-core), served from a port
// of their own: a student joins a live session by code, the teacher admits and launches;
// the teacher's table shows the student's progress within a second of the save; the
// network is cut, the student answers and flags more and reloads, the network returns and
// every change is saved exactly once (the database says so), while a second tab of the
// same student sees the changes live; a pause freezes the student's timer and refuses saves
// with a visible message. Screenshots of both pages go to .local/screenshots/ (and to
// docs/screenshots/ with UPDATE_SCREENSHOTS=1).
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXAM_ID } from '../../scripts/lib/demo-users.mjs';
import { anonKey, apiUrl, clientFor } from '../e2e/support';
import { createStudents, ownerSql } from '../e2e/fixtures';
import { launchChromium, serveDemo } from './support';

export const SCREENSHOTS = path.resolve('.local/screenshots');
const Q = (n: number) => `00000000-0000-4000-8000-0000000e900${n}`;

let demo: Awaited<ReturnType<typeof serveDemo>>;
let origin: string;
let browser: Browser;
let studentContext: BrowserContext;
let student: { id: string; email: string };
let session: { id: string; join_code: string };
let teacherPage: Page;
let tab1: Page;
let tab2: Page;
let attemptId: string;

beforeAll(async () => {
  demo = await serveDemo({ url: apiUrl, anonKey });
  origin = demo.origin;
  browser = await launchChromium({ defaultViewport: { width: 1280, height: 900 } });
  studentContext = await browser.createBrowserContext();
  [student] = await createStudents(1);
  await ownerSql`update auth.users set encrypted_password = extensions.crypt('password', extensions.gen_salt('bf')),
    email_confirmed_at = now() where id = ${student.id}`;
  const created = await clientFor('teacher').rpc('create_exam_session', {
    p_exam_id: DEMO_EXAM_ID, p_title: 'Browser check', p_duration_seconds: 1200,
  });
  if (created.error) throw new Error(created.error.message);
  session = created.data;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await clientFor('teacher').rpc('end_exam_session', { p_session_id: session?.id });
  await browser?.close();
  await demo?.close();
  await ownerSql.end();
});

async function screenshot(page: Page, name: string) {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    fs.mkdirSync('docs/screenshots', { recursive: true });
    fs.copyFileSync(file, path.join('docs/screenshots', `${name}.png`));
  }
}

const text = (page: Page, selector: string) => page.$eval(selector, (element) => element.textContent ?? '');
const waitText = (page: Page, selector: string, pattern: RegExp, timeout = 10_000) =>
  page.waitForFunction((s, source) => new RegExp(source).test(document.querySelector(s)?.textContent ?? ''),
    { timeout, polling: 50 }, selector, pattern.source);
// Polls (a checkbox's checked state changes no attribute, so a mutation observer never sees it).
const waitFor = (page: Page, selector: string, timeout = 10_000) =>
  page.waitForFunction((s) => document.querySelector(s) !== null, { timeout, polling: 50 }, selector);
const question = (n: number) => `li[data-question-id="${Q(n)}"]`;

function watchErrors(page: Page, name: string) {
  page.on('pageerror', (error) => console.error(`${name}: ${error.message}`));
}

describe('the demo pages', () => {
  it('a student joins by code, the teacher launches, and sees the first save within a second', async () => {
    teacherPage = await browser.newPage();
    watchErrors(teacherPage, 'teacher');
    await teacherPage.goto(`${origin}/teacher.html?email=teacher@northwind.test&password=password&session=${session.id}`);
    await waitText(teacherPage, '#join-code', new RegExp(session.join_code));

    tab1 = await studentContext.newPage();
    watchErrors(tab1, 'tab1');
    await tab1.goto(`${origin}/student.html?email=${student.email}&password=password`);
    await tab1.waitForSelector('#join input[name=code]', { visible: true });
    await tab1.type('#join input[name=code]', session.join_code);
    await tab1.click('#join button[type=submit]');
    await tab1.waitForSelector('#lobby', { visible: true });

    await teacherPage.waitForSelector(`tr[data-user-id="${student.id}"]`);
    await teacherPage.bringToFront();
    await teacherPage.click('#admit');
    await waitText(teacherPage, `tr[data-user-id="${student.id}"] .status`, /admitted/);
    await teacherPage.click('#launch');
    await tab1.waitForSelector('#questions li', { visible: true, timeout: 15_000 });
    attemptId = new URL(tab1.url()).searchParams.get('attempt')!;
    expect(attemptId).toMatch(/^[0-9a-f-]{36}$/);

    await tab1.bringToFront();
    await tab1.click(`${question(1)} input[value=b]`);
    await waitText(tab1, '#sync', /^Saved$/);
    const saved = Date.now();
    await waitText(teacherPage, `tr[data-user-id="${student.id}"] .answered`, /1\/6/, 5_000);
    expect(Date.now() - saved).toBeLessThan(1000);
  }, 60_000);

  it('offline changes survive a reload and are saved exactly once; a second tab sees them live', async () => {
    tab2 = await studentContext.newPage();
    watchErrors(tab2, 'tab2');
    await tab2.goto(`${origin}/student.html?attempt=${attemptId}`);
    await waitFor(tab2, `${question(1)} input[value=b]:checked`);

    await tab1.bringToFront(); // a background tab's clicks wait for frames it never draws
    await tab1.setOfflineMode(true);
    await tab1.click(`${question(2)} input[value=a]`);
    await tab1.click(`${question(2)} input[value=c]`);
    await tab1.click(`${question(3)} input[value=true]`);
    await tab1.click(`${question(1)} .flag`);
    await waitText(tab1, '#sync', /^Offline: \d+ changes queued$/);
    await screenshot(tab1, 'student-offline');

    // The page reloads while the API is still unreachable (only the demo's own origin answers).
    const api = new URL(apiUrl).origin;
    await tab1.setRequestInterception(true);
    const block = (request: import('puppeteer-core').HTTPRequest) =>
      request.url().startsWith(api) ? request.abort('internetdisconnected') : request.continue();
    tab1.on('request', block);
    await tab1.setOfflineMode(false);
    await tab1.reload();
    await waitText(tab1, '#sync', /^Offline: \d+ changes queued$/);

    // The network returns.
    tab1.off('request', block);
    await tab1.setRequestInterception(false);
    await waitFor(tab1, `${question(3)} input[value=true]:checked`, 15_000);
    await waitText(tab1, '#sync', /^Saved$/, 15_000);

    const answers = await ownerSql<{ question_id: string; value: unknown; version: number }[]>`
      select question_id, value, version from public.attempt_answers where attempt_id = ${attemptId} order by question_id`;
    expect(answers).toEqual([
      { question_id: Q(1), value: 'b', version: 1 },
      { question_id: Q(2), value: ['a', 'c'], version: 2 },
      { question_id: Q(3), value: true, version: 1 },
    ]);
    const [history] = await ownerSql<{ rows: number; ops: number }[]>`
      select count(*)::integer as rows, count(distinct op_id)::integer as ops
      from public.question_attempt_history where attempt_id = ${attemptId} and source = 'save'`;
    expect(history).toEqual({ rows: 4, ops: 4 });
    const flags = await ownerSql`select question_id from public.attempt_flags where attempt_id = ${attemptId} and flagged`;
    expect(flags.map((row) => row.question_id)).toEqual([Q(1)]);

    // The second tab saw all of it over its event stream.
    await waitFor(tab2, `${question(2)} input[value=c]:checked`, 5_000);
    await waitFor(tab2, `${question(3)} input[value=true]:checked`);
    await waitFor(tab2, `${question(1)} .flag[aria-pressed=true]`);
    await waitText(teacherPage, `tr[data-user-id="${student.id}"] .answered`, /3\/6/);
    await waitText(teacherPage, `tr[data-user-id="${student.id}"] .flagged`, /^1$/);
    await screenshot(tab1, 'student');
    await teacherPage.bringToFront();
    await screenshot(teacherPage, 'teacher');
  }, 60_000);

  it('a pause freezes the student\'s timer and refuses saves with a visible message', async () => {
    await teacherPage.bringToFront();
    await teacherPage.click('#pause');
    await tab1.bringToFront();
    await waitText(tab1, '#notice', /paused the exam/);
    await waitFor(tab1, '#timer[data-paused=true]');
    await new Promise((resolve) => setTimeout(resolve, 300)); // the timer's next tick shows the frozen time
    const frozen = await text(tab1, '#timer');
    await new Promise((resolve) => setTimeout(resolve, 2200));
    expect(await text(tab1, '#timer')).toBe(frozen);

    await tab1.click('#sections button:nth-child(2)');
    await tab1.waitForSelector(`${question(4)} input`, { visible: true });
    await tab1.type(`${question(4)} input`, '120');
    await waitText(tab1, '#sync', /^Paused: \d+ changes? kept on this device$/);
    await waitText(tab1, '#notice', /saving is refused/);
    const stored = await ownerSql`select 1 from public.attempt_answers where attempt_id = ${attemptId} and question_id = ${Q(4)}`;
    expect(stored).toHaveLength(0);
    await screenshot(tab1, 'student-paused');
    await teacherPage.bringToFront();
    await waitText(teacherPage, '#session-status', /paused/);
    await screenshot(teacherPage, 'teacher-paused');
  }, 30_000);
});
