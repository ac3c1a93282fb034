// A browser app on another origin, driven by headless Chromium (Debian's `chromium` with
// puppeteer-core): the page loads supabase-js from its own static server, signs in
// through the Auth stand-in, calls get_attempt_state, reads from('exams'), saves through
// functions.invoke('attempt-sync') and receives the save as an SSE event, every request
// crossing origins (so every preflight and exposed header is exercised).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_EXAM_ID, DEMO_PASSWORD } from '../../scripts/lib/demo-users.mjs';
import { anonKey, apiUrl } from '../e2e/support';
import { launchChromium } from './support';

const bundle = path.resolve('node_modules/@supabase/supabase-js/dist/umd/supabase.js');

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>examsync browser check</title>
<script src="/supabase.js"></script></head><body><pre id="log"></pre></body></html>`;

let server: http.Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    if (request.url === '/supabase.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      fs.createReadStream(bundle).pipe(response);
    } else {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(PAGE);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

it('a page on another origin signs in, reads, saves and receives the SSE event', async () => {
  const page = await browser.newPage();
  const failures: string[] = [];
  page.on('requestfailed', (request) => failures.push(`${request.method()} ${request.url()} ${request.failure()?.errorText}`));
  await page.goto(origin);
  expect(new URL(page.url()).origin).not.toBe(new URL(apiUrl).origin);

  const result = await page.evaluate(async ({ apiUrl, anonKey, examId, password }) => {
    const { createClient } = (window as unknown as { supabase: typeof import('@supabase/supabase-js') }).supabase;
    const supabase = createClient(apiUrl, anonKey);
    const signIn = await supabase.auth.signInWithPassword({ email: 'student2@northwind.test', password });
    if (signIn.error) throw new Error(`sign-in: ${signIn.error.message}`);
    const token = signIn.data.session!.access_token;

    const started = await supabase.rpc('start_attempt', { p_exam_id: examId, p_mode: 'practice' });
    if (started.error) throw new Error(`start_attempt: ${started.error.message}`);
    const attemptId = (started.data as { id: string }).id;
    const state = await supabase.rpc('get_attempt_state', { p_attempt_id: attemptId });
    if (state.error) throw new Error(`get_attempt_state: ${state.error.message}`);
    const exams = await supabase.from('exams').select('id, title', { count: 'exact' }).eq('id', examId);
    if (exams.error) throw new Error(`exams: ${exams.error.message}`);
    const questionId = (state.data as { questions: { id: string }[] }).questions[0]!.id;

    const source = new EventSource(`${apiUrl}/functions/v1/attempt-events?topic=attempt:${attemptId}&access_token=${token}`);
    const ready = new Promise<string>((resolve, reject) => {
      source.addEventListener('ready', (event) => resolve((event as MessageEvent).lastEventId));
      source.onerror = () => reject(new Error('the event stream failed'));
    });
    const applied = new Promise<{ event: string; lastEventId: string }>((resolve) => {
      source.addEventListener('ops_applied', (event) =>
        resolve({ event: JSON.parse((event as MessageEvent).data).event, lastEventId: (event as MessageEvent).lastEventId }));
    });
    const readyId = await ready;
    const saved = await supabase.functions.invoke('attempt-sync', {
      body: {
        attemptId, clientId: 'browser',
        ops: [{ op_id: crypto.randomUUID(), seq: 1, type: 'answer', question_id: questionId, value: 'b', base_version: 0 }],
      },
    });
    if (saved.error) throw new Error(`attempt-sync: ${await saved.error.context.text()}`);
    const event = await applied;
    source.close();
    return {
      signedIn: signIn.data.user!.email,
      stateHasExam: Boolean((state.data as { exam?: unknown }).exam),
      exams: exams.data,
      count: exams.count,
      saved: (saved.data as { results: { status: string }[] }).results[0]!.status,
      readyId,
      event,
    };
  }, { apiUrl, anonKey, examId: DEMO_EXAM_ID, password: DEMO_PASSWORD });

  expect(failures).toEqual([]);
  expect(result.signedIn).toBe('student2@northwind.test');
  expect(result.stateHasExam).toBe(true);
  expect(result.exams).toEqual([{ id: DEMO_EXAM_ID, title: 'Foundations of Physiology' }]);
  expect(result.count).toBe(1);
  expect(result.saved).toMatch(/applied|ok/);
  expect(Number(result.readyId)).toBeGreaterThanOrEqual(0);
  expect(result.event.event).toBe('ops_applied');
  expect(Number(result.event.lastEventId)).toBeGreaterThan(Number(result.readyId));
  await page.close();
}, 60_000);
