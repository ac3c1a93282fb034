// A student answers from two devices while a teacher watches live; one device goes
// offline, queues 50 ops and replays them out of order, twice. The final state must equal
// in-order delivery, and the history must hold no duplicate.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { openEventStream } from '../../scripts/lib/sse-reader.mjs';
import { mintToken } from '../../scripts/lib/jwt.mjs';
import { DEMO_USERS } from '../../scripts/lib/demo-users.mjs';
import { apiUrl, clientFor } from './support.ts';
import { createExam, createStudents, ownerSql } from './fixtures.ts';

type Op = Record<string, unknown> & { op_id: string; seq: number };

/** Sends one batch through attempt-sync with supabase-js, as a device would. */
async function sync(client: SupabaseClient, attemptId: string, clientId: string, ops: Op[]) {
  const { data, error } = await client.functions.invoke('attempt-sync', { body: { attemptId, clientId, ops } });
  if (error) throw new Error(`attempt-sync failed: ${await error.context?.text?.()}`);
  return data as { results: { status: string; version?: number }[]; status: string; remainingMs: number };
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

describe('two devices, a teacher watching, and an offline queue replayed out of order', () => {
  let questionIds: string[];
  let examId: string;
  let students: Awaited<ReturnType<typeof createStudents>>;
  const teacherToken = mintToken({ role: 'authenticated', sub: DEMO_USERS[1].id, email: DEMO_USERS[1].email });
  const abort = new AbortController();

  beforeAll(async () => {
    ({ examId, questionIds } = await createExam({ questions: 40 }));
    students = await createStudents(2);
  });
  afterAll(async () => {
    abort.abort();
    await ownerSql.end();
  });

  /** Answers all 40 questions, alternating devices, then returns the attempt id. */
  async function answerFromTwoDevices(token: string, watch?: (attemptId: string) => Promise<void>) {
    const client = clientFor(undefined, token);
    const { data: attempt, error } = await client.rpc('start_attempt', { p_exam_id: examId });
    expect(error).toBeNull();
    await watch?.(attempt.id);
    for (const [i, questionId] of questionIds.entries()) {
      const device = i % 2 === 0 ? 'laptop' : 'phone';
      const outcome = await sync(client, attempt.id, device, [
        { op_id: randomUUID(), seq: i, type: 'answer', question_id: questionId, value: 'b', base_version: 0 },
      ]);
      expect(outcome.results[0].status).toBe('applied');
    }
    return { client, attemptId: attempt.id as string };
  }

  /** 50 ops a device made offline: answers (some over the other device's) and flags. */
  function offlineQueue(): Op[] {
    return Array.from({ length: 50 }, (_, seq) => {
      const questionId = questionIds[(seq * 7) % 12];
      return seq % 5 === 4
        ? { op_id: randomUUID(), seq: 100 + seq, type: seq % 10 === 4 ? 'flag' : 'unflag', question_id: questionId }
        : { op_id: randomUUID(), seq: 100 + seq, type: 'answer', question_id: questionId,
            value: ['a', 'b', 'c', 'd'][seq % 4], base_version: 1 };
    });
  }

  async function finalState(client: SupabaseClient, attemptId: string) {
    const { data, error } = await client.rpc('get_attempt_state', { p_attempt_id: attemptId });
    expect(error).toBeNull();
    const answers = Object.fromEntries(
      (data.answers as { question_id: string; value: unknown }[]).map((a) => [questionIds.indexOf(a.question_id), a.value]),
    );
    const flags = (data.flags as string[]).map((id) => questionIds.indexOf(id)).sort((a, b) => a - b);
    return { answers, flags };
  }

  it('ends in the state of in-order delivery, with the teacher seeing every save and no duplicate history', async () => {
    const seen = new Set<string>();
    const eventIds: number[] = [];
    const watched = await answerFromTwoDevices(students[0].token, (attemptId) =>
      openEventStream(`${apiUrl}/functions/v1/attempt-events?topic=attempt:${attemptId}&access_token=${teacherToken}`, {
        signal: abort.signal,
        onEvent: (event) => {
          if (event.id) eventIds.push(Number(event.id));
          if (event.event !== 'ops_applied') return;
          for (const answer of JSON.parse(event.data).payload.answers) seen.add(answer.question_id);
        },
      }));
    await expect.poll(() => seen.size, { timeout: 10_000 }).toBe(40);

    // The laptop went offline and queued 50 ops; it replays them shuffled, in batches, twice.
    const queue = offlineQueue();
    const firstReplay = shuffled(queue);
    for (let i = 0; i < firstReplay.length; i += 10) {
      const outcome = await sync(watched.client, watched.attemptId, 'laptop', firstReplay.slice(i, i + 10));
      expect(outcome.results.every((result) => result.status !== 'duplicate')).toBe(true);
    }
    const secondReplay = await sync(watched.client, watched.attemptId, 'laptop', shuffled(queue));
    expect(secondReplay.results.map((result) => result.status)).toEqual(Array(50).fill('duplicate'));

    // The same work delivered in order, on another student's attempt.
    const reference = await answerFromTwoDevices(students[1].token);
    await sync(reference.client, reference.attemptId, 'laptop', queue.map((op) => ({ ...op, op_id: randomUUID() })));

    expect(await finalState(watched.client, watched.attemptId)).toEqual(await finalState(reference.client, reference.attemptId));
    const duplicates = await ownerSql`select op_id, source, count(*) from public.question_attempt_history
      where attempt_id = ${watched.attemptId} group by op_id, source having count(*) > 1`;
    expect(duplicates).toHaveLength(0);
    expect(new Set(eventIds).size).toBe(eventIds.length);
  });
});
