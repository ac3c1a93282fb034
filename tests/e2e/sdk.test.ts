// The client SDK against the real functions server `npm test` starts: an offline queue
// (one batch applied whose answer was lost, more ops made offline, the page closed)
// replays through attempt-sync after a reload, and every op is applied exactly once.
// Plus the README's SDK example, run as quoted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExamClient, fileStore, type Fetch } from '../../client/src/index.ts';
import { quickstart } from '../../client/examples/quickstart.ts';
import { apiUrl, clientFor } from './support.ts';
import { createExam, createStudents, ownerSql } from './fixtures.ts';

describe('the client SDK against the real attempt-sync', () => {
  let examId: string;
  let questionIds: string[];
  let students: Awaited<ReturnType<typeof createStudents>>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'examsync-sdk-'));

  beforeAll(async () => {
    ({ examId, questionIds } = await createExam({ questions: 6 }));
    students = await createStudents(2);
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await ownerSql.end();
  });

  it('replays an offline queue after a reload, each op applied exactly once', async () => {
    const supabase = clientFor(undefined, students[0]!.token);
    const { data: attempt, error } = await supabase.rpc('start_attempt', { p_exam_id: examId });
    expect(error).toBeNull();
    const store = fileStore(dir);
    const realFetch = (supabase as unknown as { fetch: Fetch }).fetch;
    let mode: 'online' | 'offline' | 'lose-answers' = 'online';
    const statuses: string[] = [];
    const flaky: Fetch = async (url, init) => {
      if (mode === 'offline') throw new TypeError('fetch failed: offline');
      const response = await realFetch(url, init);
      if (mode === 'lose-answers') {
        await response.text();
        throw new TypeError('fetch failed: connection reset');
      }
      return response;
    };
    const functionsUrl = `${apiUrl}/functions/v1`;
    const options = { supabase, functionsUrl, store, fetch: flaky, events: 'sse' as const, pageLifecycle: false };

    // No live events on the first page: a (re)connected stream flushes at once, which would
    // send the first ops before the answers are made to get lost.
    const first = await createExamClient({ ...options, events: 'none' }).open(attempt.id);
    const made: string[] = [];
    made.push(await first.answer(questionIds[0]!, 'a'), await first.flag(questionIds[1]!));
    mode = 'lose-answers'; // applied by the server, the answer never arrives
    await first.flush();
    expect(first.getState().pendingChanges).toBe(2);
    mode = 'offline';
    made.push(await first.answer(questionIds[2]!, 'c'), await first.answer(questionIds[0]!, 'd'),
      await first.goTo(questionIds[3]!));
    await first.flush();
    expect(first.getState()).toMatchObject({ pendingChanges: 5, error: { code: 'network' } });
    await first.close(); // the page is gone; the queue is in the files

    mode = 'online';
    const second = await createExamClient({
      ...options,
      fetch: async (url, init) => {
        const response = await realFetch(url, init);
        if (url.endsWith('/attempt-sync')) {
          const body = await response.clone().json();
          statuses.push(...body.results.map((r: { status: string }) => r.status));
        }
        return response;
      },
    }).open(attempt.id);
    expect(second.clientId).toBe(first.clientId);
    expect(second.getState().pendingChanges).toBe(5);
    await second.flush();
    expect(second.getState()).toMatchObject({ pendingChanges: 0, error: null });
    expect(statuses).toEqual(['duplicate', 'duplicate', 'applied', 'applied', 'applied']);
    await second.close();

    const applied = await ownerSql`select op_id::text from private.applied_ops where attempt_id = ${attempt.id}`;
    expect(applied.map((r) => r.op_id).sort()).toEqual([...made].sort());
    const history = await ownerSql`
      select op_id::text, count(*)::int as n from public.question_attempt_history
      where attempt_id = ${attempt.id} group by op_id`;
    expect(history.every((r) => r.n === 1)).toBe(true);
    expect(history).toHaveLength(3);
    const { data: state } = await supabase.rpc('get_attempt_state', { p_attempt_id: attempt.id });
    const answers = Object.fromEntries(state.answers.map((a: { question_id: string; value: unknown }) => [a.question_id, a.value]));
    expect(answers).toEqual({ [questionIds[0]!]: 'd', [questionIds[2]!]: 'c' });
    expect(state.flags).toEqual([questionIds[1]]);
    expect(state.attempt.current_question_id).toBe(questionIds[3]);
  });

  it('runs the README example as quoted', async () => {
    const example = fs.readFileSync(path.join(import.meta.dirname, '../../client/examples/quickstart.ts'), 'utf8');
    const region = example.split('// #region quickstart\n')[1]!.split('  // #endregion quickstart')[0]!;
    const snippet = region.replace(/^ {2}/gm, '').trimEnd();
    expect(fs.readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8')).toContain(snippet);

    const supabase = clientFor(undefined, students[1]!.token);
    const { data: attempt } = await supabase.rpc('start_attempt', { p_exam_id: examId });
    const session = await quickstart(supabase, attempt.id, questionIds[0]!);
    try {
      expect(session.getState()).toMatchObject({ pendingChanges: 0, answers: { [questionIds[0]!]: 'b' } });
      const [row] = await ownerSql`select value from public.attempt_answers where attempt_id = ${attempt.id}`;
      expect(row?.value).toBe('b');
    } finally {
      await session.close();
    }
  });
});
