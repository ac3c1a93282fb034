// Test data a scenario needs beyond the seed, written as the database owner (what an
// admin tool or a migration would do). Shared by the client scenarios, the
// fault-injection tests and the chaos harness.
import { randomUUID } from 'node:crypto';
import { DEMO_ACADEMY_ID } from './demo-users.mjs';
import { mintToken } from './jwt.mjs';
import { callRpc } from './rest-rpc.mjs';

/**
 * A published exam of the demo academy with `questions` single-choice questions (options
 * a–d, key "a"), returning its id and question ids in order.
 * @param {import('postgres').Sql} ownerSql
 * @param {{ questions: number, published?: boolean, conflictStrategy?: 'merge' | 'local' | 'server' }} options
 * @returns {Promise<{ examId: string, questionIds: string[] }>}
 */
export async function createExam(ownerSql, options) {
  const examId = randomUUID();
  const sectionId = randomUUID();
  await ownerSql.begin(async (sql) => {
    await sql`insert into public.exams (id, academy_id, title, published, duration_seconds, conflict_strategy)
      values (${examId}, ${DEMO_ACADEMY_ID}, ${`Scenario ${examId.slice(0, 8)}`}, ${options.published ?? true}, 3600,
        ${options.conflictStrategy ?? 'merge'})`;
    await sql`insert into public.exam_sections (id, exam_id, position, title) values (${sectionId}, ${examId}, 0, 'All')`;
    await sql`insert into public.questions (exam_id, section_id, position, type, prompt, options)
      select ${examId}, ${sectionId}, q, 'single_choice', 'Question ' || q,
        '[{"id":"a","text":"A"},{"id":"b","text":"B"},{"id":"c","text":"C"},{"id":"d","text":"D"}]'
      from generate_series(0, ${options.questions - 1}) as q`;
    await sql`insert into private.question_keys (question_id, correct)
      select id, '"a"' from public.questions where exam_id = ${examId}`;
  });
  const rows = await ownerSql`select id from public.questions where exam_id = ${examId} order by position`;
  return { examId, questionIds: rows.map((row) => row.id) };
}

/**
 * `count` new students of the demo academy, each with an access token.
 * @param {import('postgres').Sql} ownerSql @param {number} count
 * @returns {Promise<{ id: string, email: string, token: string }[]>}
 */
export async function createStudents(ownerSql, count) {
  const students = Array.from({ length: count }, (_, i) => {
    const id = randomUUID();
    return { id, email: `student-${id.slice(0, 8)}-${i}@scenario.test` };
  });
  await ownerSql.begin(async (sql) => {
    for (const student of students) {
      await sql`insert into auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
        values (${student.id}, 'authenticated', 'authenticated', ${student.email}, '{}',
          ${sql.json({ display_name: student.email.split('@')[0] })}, now(), now())`;
      await sql`insert into public.academy_members (academy_id, user_id, role) values (${DEMO_ACADEMY_ID}, ${student.id}, 'student')`;
    }
  });
  return students.map((student) => ({
    ...student,
    token: mintToken({ role: 'authenticated', sub: student.id, email: student.email, expiresInSeconds: 3600 }),
  }));
}

/**
 * Starts (or resumes) the token holder's attempt at an exam through the stack's REST RPC
 * endpoint, as supabase.rpc('start_attempt') does; resolves with the attempt id.
 * @param {string} apiUrl @param {string} token @param {string} examId
 * @returns {Promise<string>}
 */
export async function startAttempt(apiUrl, token, examId) {
  return (await callRpc(apiUrl, token, 'start_attempt', { p_exam_id: examId })).id;
}
