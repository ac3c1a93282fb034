// A teacher runs a live exam for a class of 30: they join by code, answer through
// attempt-sync, the teacher's dashboard stream sees joins and progress, and the teacher
// pauses, resumes, extends one student, removes one and ends the session.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream } from '../../scripts/lib/sse-reader.mjs';
import { DEMO_USERS } from '../../scripts/lib/demo-users.mjs';
import { mintToken } from '../../scripts/lib/jwt.mjs';
import { apiUrl, clientFor } from './support.ts';
import { createExam, createStudents, ownerSql } from './fixtures.ts';
import { SessionDashboardSchema } from '../../types/sync.ts';

const CLASS_SIZE = 30;

describe('a live session of 30 students', () => {
  const teacherToken = mintToken({ role: 'authenticated', sub: DEMO_USERS[1].id, email: DEMO_USERS[1].email });
  const teacher = clientFor('teacher');
  const abort = new AbortController();
  const events: { event: string; data: Record<string, unknown> }[] = [];
  let examId: string;
  let questionIds: string[];
  let students: Awaited<ReturnType<typeof createStudents>>;

  beforeAll(async () => {
    ({ examId, questionIds } = await createExam({ questions: 10, published: false }));
    students = await createStudents(CLASS_SIZE);
  });
  afterAll(async () => {
    abort.abort();
    await ownerSql.end();
  });

  async function rpc<T>(client: ReturnType<typeof clientFor>, fn: string, args: Record<string, unknown>): Promise<T> {
    const { data, error } = await client.rpc(fn, args);
    if (error) throw new Error(`${fn} failed: ${error.code} ${error.message}`);
    return data as T;
  }

  async function save(token: string, attemptId: string, ops: Record<string, unknown>[]) {
    const client = clientFor(undefined, token);
    return client.functions.invoke('attempt-sync', { body: { attemptId, clientId: 'tablet', ops } });
  }

  it('ends with every attempt graded and dashboard totals matching the database', async () => {
    const session = await rpc<{ id: string; join_code: string }>(teacher, 'create_exam_session', {
      p_exam_id: examId, p_title: 'Friday quiz', p_duration_seconds: 1200,
    });
    await openEventStream(`${apiUrl}/functions/v1/attempt-events?topic=session:${session.id}&access_token=${teacherToken}`, {
      signal: abort.signal,
      onEvent: (event) => events.push({ event: event.event, data: JSON.parse(event.data || '{}').payload ?? {} }),
    });

    // The class joins by code and waits in the lobby; the teacher admits everyone and launches.
    await Promise.all(students.map((student) =>
      rpc(clientFor(undefined, student.token), 'join_exam_session', { p_join_code: session.join_code.toLowerCase() })));
    await expect.poll(() => events.filter((e) => e.event === 'participant_joined').length, { timeout: 10_000 })
      .toBe(CLASS_SIZE);
    await rpc(teacher, 'admit_session_participants', { p_session_id: session.id });
    const launched = await rpc<{ status: string; deadline_at: string }>(teacher, 'launch_exam_session', { p_session_id: session.id });
    expect(launched.status).toBe('active');

    // Every student finds their attempt and answers through attempt-sync.
    const attempts = await Promise.all(students.map(async (student) => {
      const [open] = await rpc<{ attempt_id: string; deadline_at: string }[]>(clientFor(undefined, student.token), 'get_active_session_state', {});
      expect(open.deadline_at).toBe(launched.deadline_at);
      return open.attempt_id;
    }));
    await Promise.all(students.map(async (student, i) => {
      const ops = questionIds.slice(0, 5 + (i % 5)).map((questionId, q) => ({
        op_id: randomUUID(), seq: q, type: 'answer', question_id: questionId, value: q % 2 === 0 ? 'a' : 'b', base_version: 0,
      }));
      const { error } = await save(student.token, attempts[i], ops);
      expect(error).toBeNull();
    }));
    await expect.poll(() => new Set(events.filter((e) => e.event === 'progress').map((e) => e.data.user_id)).size,
      { timeout: 10_000 }).toBe(CLASS_SIZE);

    // Pause: saves are refused; resume; one student gets five more minutes; one is removed.
    await rpc(teacher, 'pause_exam_session', { p_session_id: session.id });
    const paused = await save(students[0].token, attempts[0], [
      { op_id: randomUUID(), type: 'flag', question_id: questionIds[0] }]);
    expect(paused.error?.context?.status).toBe(409);
    expect(await paused.error?.context?.json()).toMatchObject({ code: 'attempt_paused' });
    await rpc(teacher, 'resume_exam_session', { p_session_id: session.id });
    const extended = await rpc<{ deadline_at: string; extension_seconds: number }>(teacher, 'extend_participant_time', {
      p_session_id: session.id, p_user_id: students[1].id, p_seconds: 300, p_reason: 'Extra time accommodation',
    });
    expect(extended.extension_seconds).toBe(300);
    await rpc(teacher, 'remove_session_participant', {
      p_session_id: session.id, p_user_id: students[2].id, p_reason: 'Left the room',
    });
    const ended = await rpc<{ status: string }>(teacher, 'end_exam_session', { p_session_id: session.id });
    expect(ended.status).toBe('ended');

    const [graded] = await ownerSql<{ total: number; graded: number }[]>`
      select count(*)::integer as total, count(*) filter (where status = 'submitted' and score is not null)::integer as graded
      from public.exam_attempts where session_id = ${session.id}`;
    expect(graded).toEqual({ total: CLASS_SIZE, graded: CLASS_SIZE });
    const dashboard = SessionDashboardSchema.parse(await rpc<unknown>(teacher, 'get_session_dashboard',
      { p_session_id: session.id }));
    const [counts] = await ownerSql<Record<string, number>[]>`
      select count(*) filter (where status not in ('removed', 'banned'))::integer as joined,
        count(*) filter (where status = 'submitted')::integer as submitted,
        count(*) filter (where status in ('removed', 'banned'))::integer as removed
      from public.exam_session_participants where session_id = ${session.id}`;
    expect(dashboard.totals).toMatchObject({ ...counts, active: 0 });
    expect(counts).toEqual({ joined: CLASS_SIZE - 1, submitted: CLASS_SIZE - 1, removed: 1 });
    expect(dashboard.participants).toHaveLength(CLASS_SIZE);
    await expect.poll(() => events.some((e) => e.event === 'session_status' && e.data.status === 'ended'),
      { timeout: 10_000 }).toBe(true);
  });
  it("announces a student's last save soon after its one-second window, with nothing saved after it", async () => {
    const [student] = await createStudents(1);
    const session = await rpc<{ id: string; join_code: string }>(teacher, 'create_exam_session', {
      p_exam_id: examId, p_title: 'Trailing progress', p_duration_seconds: 1200,
    });
    const progress: Record<string, unknown>[] = [];
    await openEventStream(`${apiUrl}/functions/v1/attempt-events?topic=session:${session.id}&access_token=${teacherToken}`, {
      signal: abort.signal,
      onEvent: (event) => {
        if (event.event === 'progress') progress.push(JSON.parse(event.data).payload);
      },
    });
    await rpc(clientFor(undefined, student.token), 'join_exam_session', { p_join_code: session.join_code });
    await rpc(teacher, 'admit_session_participants', { p_session_id: session.id });
    await rpc(teacher, 'launch_exam_session', { p_session_id: session.id });
    const [open] = await rpc<{ attempt_id: string }[]>(clientFor(undefined, student.token), 'get_active_session_state', {});

    // Two saves inside one second: the first is announced at once, the second waits for
    // the window to close; nothing else happens, and the hub announces it.
    for (const [seq, questionId] of questionIds.slice(0, 2).entries()) {
      const { error } = await save(student.token, open.attempt_id, [
        { op_id: randomUUID(), seq, type: 'answer', question_id: questionId, value: 'a', base_version: 0 },
      ]);
      expect(error).toBeNull();
    }
    await expect.poll(() => progress.at(-1)?.answered, { timeout: 5_000 }).toBe(2);
    expect(progress.filter((event) => event.user_id === student.id).map((event) => event.answered)).toEqual([1, 2]);
  });
});
