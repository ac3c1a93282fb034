// Phase 3: a live session of S students answering through attempt-sync while T teacher
// dashboards stream the session topic and poll get_session_dashboard.
import { randomUUID } from 'node:crypto';
import { saveAnswers, sleep, watch } from './load.mjs';
import { callRpc } from '../lib/rest-rpc.mjs';
import { latencySummary } from './stats.mjs';

/**
 * @param {{ apiUrl: string, examId: string, teacherToken: string, students: import('./load.mjs').Student[],
 *   teachers: number, seconds: number, intervalMs: number }} options
 */
export async function runSessionPhase({ apiUrl, examId, teacherToken, students, teachers, seconds, intervalMs }) {
  const session = await callRpc(apiUrl, teacherToken, 'create_exam_session', {
    p_exam_id: examId, p_title: `Bench session ${randomUUID().slice(0, 8)}`, p_duration_seconds: 3600,
  });
  for (let i = 0; i < students.length; i += 50) {
    await Promise.all(students.slice(i, i + 50).map((s) =>
      callRpc(apiUrl, s.token, 'join_exam_session', { p_join_code: session.join_code })));
  }
  await callRpc(apiUrl, teacherToken, 'admit_session_participants', { p_session_id: session.id });
  await callRpc(apiUrl, teacherToken, 'launch_exam_session', { p_session_id: session.id });
  const participants = await Promise.all(students.map(async (s) => {
    const open = await callRpc(apiUrl, s.token, 'get_active_session_state', {});
    return { ...s, attemptId: open.find((attempt) => attempt.attempt_id !== s.attemptId).attempt_id };
  }));

  const abort = new AbortController();
  const byUser = new Map(participants.map((s) => [s.userId, s]));
  const sentAt = new Map(); // student n -> [send times of saves not yet seen by teacher 0]
  const deliveryMs = [];
  let progressEvents = 0;
  await watch(
    Array.from({ length: teachers }, () =>
      `${apiUrl}/functions/v1/attempt-events?topic=session:${session.id}&access_token=${teacherToken}`),
    abort.signal,
    (index, event, at) => {
      if (event.event !== 'progress') return;
      progressEvents += 1;
      if (index !== 0) return;
      const student = byUser.get(JSON.parse(event.data).payload.user_id);
      const pending = student && sentAt.get(student.n);
      if (pending?.length) {
        deliveryMs.push(at - pending[0]);
        sentAt.set(student.n, []);
      }
    },
  );

  const dashboardMs = [];
  const polling = (async () => {
    while (!abort.signal.aborted) {
      await Promise.all(Array.from({ length: teachers }, async () => {
        const started = performance.now();
        await callRpc(apiUrl, teacherToken, 'get_session_dashboard', { p_session_id: session.id });
        dashboardMs.push(performance.now() - started);
      }));
      await sleep(2000);
    }
  })();
  const startedAt = performance.now();
  const saves = await saveAnswers({
    apiUrl, students: participants, seconds, intervalMs,
    onSent: (student, at) => sentAt.set(student.n, [...(sentAt.get(student.n) ?? []), at]),
  });
  await sleep(1000);
  const elapsed = (performance.now() - startedAt) / 1000;
  abort.abort();
  await polling;
  await callRpc(apiUrl, teacherToken, 'end_exam_session', { p_session_id: session.id });
  return {
    students: students.length,
    teacherStreams: teachers,
    seconds,
    batchesPerSecond: Math.round((saves.batches / saves.elapsedSeconds) * 10) / 10,
    saveLatencyMs: latencySummary(saves.latencyMs),
    errors: saves.errors,
    errorCodes: saves.errorCodes,
    progressEventsDeliveredPerSecond: Math.round((progressEvents / elapsed) * 10) / 10,
    dashboardRpcMs: latencySummary(dashboardMs),
    saveToTeacherStreamMs: latencySummary(deliveryMs),
  };
}
