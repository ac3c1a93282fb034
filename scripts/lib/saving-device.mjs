// A student's device saving answers through attempt-sync as a client SDK does: an
// offline queue whose ops keep their op ids across retries, so a batch whose answer
// was lost (a 503, a dropped connection, a timeout) is sent again unchanged. Every
// response is recorded, and verifyOps() checks in the database that nothing
// acknowledged was lost or applied twice. Used by the fault-injection tests and
// `npm run chaos`.
import { randomUUID } from 'node:crypto';

/**
 * @typedef {{ status: number, at: number, ms: number, code?: string, json: boolean, retryAfter?: string }} SyncResponse
 * status 0: no HTTP answer (connection refused or reset, or the client's timeout); `at`: the
 * performance.now() the request was sent at, `ms`: how long its answer took.
 */

/**
 * @param {{ apiUrl: string, token: string, attemptId: string, clientId: string, questionIds: string[],
 *   timeoutMs?: number, maxBatch?: number }} options
 */
export function createSavingDevice({ apiUrl, token, attemptId, clientId, questionIds, timeoutMs = 10_000, maxBatch = 50 }) {
  /** Ops made and not yet acknowledged, oldest first. */
  const queue = [];
  /** @type {Map<string, object>} acknowledged ops by op id */
  const acknowledged = new Map();
  /** @type {SyncResponse[]} */
  const responses = [];
  const versions = new Map(questionIds.map((id) => [id, 0]));
  let seq = 0;

  return {
    attemptId,
    queue,
    acknowledged,
    responses,

    /** Queues an answer (an option a–d) to the next question, round robin, as a student's click would. */
    answer() {
      const questionId = questionIds[seq % questionIds.length];
      queue.push({ op_id: randomUUID(), seq, type: 'answer', question_id: questionId, value: ['a', 'b', 'c', 'd'][seq % 4],
        base_version: versions.get(questionId) });
      seq += 1;
    },

    /** Sends the oldest queued ops as one batch; resolves with the HTTP status (0: none). */
    async flush() {
      if (queue.length === 0) return 200;
      const batch = queue.slice(0, maxBatch);
      const started = performance.now();
      /** @type {SyncResponse} */
      const record = { status: 0, at: started, ms: 0, json: false };
      let body;
      try {
        const response = await fetch(`${apiUrl}/functions/v1/attempt-sync`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ attemptId, clientId, ops: batch }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        record.status = response.status;
        record.retryAfter = response.headers.get('retry-after') ?? undefined;
        const text = await response.text();
        try {
          body = JSON.parse(text);
          record.json = true;
          record.code = body.code;
        } catch {
          // not JSON: the test says so
        }
      } catch (error) {
        record.code = error instanceof Error ? error.name : String(error);
      }
      record.ms = performance.now() - started;
      responses.push(record);
      if (record.status === 200) {
        body.results.forEach((result, i) => {
          const op = batch[i];
          acknowledged.set(op.op_id, op);
          if (typeof result.version === 'number') versions.set(op.question_id, result.version);
        });
        queue.splice(0, batch.length);
      }
      return record.status;
    },
  };
}

/**
 * Checks the devices' acknowledged ops against the database: each must have its
 * idempotency record (else it was lost) and at most one saved history row (else it was
 * applied twice).
 * @param {import('postgres').Sql} ownerSql
 * @param {ReturnType<typeof createSavingDevice>[]} devices
 * @returns {Promise<{ acknowledged: number, lost: number, duplicated: number }>}
 */
export async function verifyOps(ownerSql, devices) {
  const attemptIds = [...new Set(devices.map((device) => device.attemptId))];
  // An op's idempotency record: its applied_ops row, or for a clean save its history row.
  const recorded = await ownerSql`
    select a.op_id::text as op_id,
      (select count(*) from public.question_attempt_history as h
       where h.attempt_id = a.attempt_id and h.op_id = a.op_id and h.source = 'save')::int as saves
    from (
      select o.attempt_id, o.op_id from private.applied_ops as o where o.attempt_id = any(${attemptIds}::uuid[])
      union
      select h.attempt_id, h.op_id from public.question_attempt_history as h
      where h.attempt_id = any(${attemptIds}::uuid[]) and h.source = 'save' and h.op_id is not null
    ) as a
  `;
  const saves = new Map(recorded.map((row) => [row.op_id, row.saves]));
  let acknowledged = 0;
  let lost = 0;
  let duplicated = 0;
  for (const device of devices) {
    for (const opId of device.acknowledged.keys()) {
      acknowledged += 1;
      if (!saves.has(opId)) lost += 1;
      else if (saves.get(opId) > 1) duplicated += 1;
    }
  }
  return { acknowledged, lost, duplicated };
}
