// The functions server under database faults, over real HTTP: a terminated backend, a
// restart with 50 SSE streams open, and a 10 s outage under load. Each proves: the server
// stays alive, every answer during the fault is a 503 JSON within 5 s, service is back
// within 2 s of the database, streams resume with no gap and no duplicate, and every
// acknowledged op is in the database exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExam, createStudents, startAttempt } from '../../scripts/lib/scenario-data.mjs';
import { createSavingDevice, verifyOps } from '../../scripts/lib/saving-device.mjs';
import { followEventStream } from '../../scripts/lib/sse-reader.mjs';
import { database, ownerSql, sleep, startServer, waitFor } from './support.ts';

type Device = ReturnType<typeof createSavingDevice>;

let server: Awaited<ReturnType<typeof startServer>>;
let examId: string;
let questionIds: string[];

beforeAll(async () => {
  server = await startServer();
  ({ examId, questionIds } = await createExam(ownerSql, { questions: 60 }));
});
afterAll(async () => {
  await server?.stop();
  await ownerSql.end();
});

/** `count` students, each with an attempt and a device saving to it. */
async function devices(count: number): Promise<(Device & { token: string })[]> {
  const students = await createStudents(ownerSql, count);
  return Promise.all(students.map(async (student, i) => {
    const attemptId = await startAttempt(server.url, student.token, examId);
    const device = createSavingDevice({ apiUrl: server.url, token: student.token, attemptId, clientId: `device-${i}`,
      questionIds, timeoutMs: 8000 });
    return Object.assign(device, { token: student.token });
  }));
}

/** Every device answers and flushes every `intervalMs` until the returned stop() is awaited. */
function saveContinuously(all: Device[], intervalMs = 200) {
  let running = true;
  const loops = all.map(async (device) => {
    while (running) {
      device.answer();
      await device.flush();
      await sleep(intervalMs);
    }
  });
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

/** Flushes every queue until empty (the database is back). */
async function drain(all: Device[]) {
  await waitFor(async () => {
    await Promise.all(all.map((device) => device.flush()));
    return all.every((device) => device.queue.length === 0);
  }, 20_000, 'every queue to drain');
}

/** How long after `since` (performance.now() ms) the first save sent after it succeeded. */
function recoveryMs(all: Device[], since: number): number {
  const successes = all.flatMap((device) => device.responses)
    .filter((r) => r.status === 200 && r.at >= since)
    .map((r) => r.at + r.ms);
  return Math.min(...successes) - since;
}

/** Every answer that was not a success: a 503 database_unavailable in JSON with Retry-After, within 5 s. */
function expectOnlyHonestFailures(all: Device[]) {
  const failures = all.flatMap((device) => device.responses.filter((r) => r.status !== 200));
  for (const failure of failures) {
    expect(failure, JSON.stringify(failure)).toMatchObject({ status: 503, json: true, code: 'database_unavailable' });
    expect(failure.retryAfter).toBeDefined();
    expect(failure.ms).toBeLessThan(5000);
  }
  return failures.length;
}

async function expectServerServing() {
  expect(server.child.exitCode).toBeNull();
  const response = await fetch(`${server.url}/functions/v1/health`);
  expect(response.status).toBe(200);
}

describe('the functions server under database faults', () => {
  it('answers 503 for a save whose backend is terminated, and applies its retry once', async () => {
    const [device] = await devices(1);
    device.answer();
    // Hold the attempt's row so the save waits inside its transaction, then kill its backend.
    const held = ownerSql.begin(async (sql) => {
      await sql`select id from public.exam_attempts where id = ${device.attemptId} for update`;
      const saving = device.flush();
      let pids: { pid: number }[] = [];
      await waitFor(async () => {
        pids = await sql`select pid from pg_catalog.pg_stat_activity
          where application_name = 'examsync-functions' and wait_event_type = 'Lock'`;
        return pids.length > 0;
      }, 10_000, 'the save to wait for the row lock');
      await sql`select pg_catalog.pg_terminate_backend(${pids[0].pid})`;
      return saving;
    });
    expect(await held).toBe(503);
    expect(device.queue).toHaveLength(1);
    expect(await device.flush()).toBe(200);
    expectOnlyHonestFailures([device]);
    expect(await verifyOps(ownerSql, [device])).toEqual({ acknowledged: 1, lost: 0, duplicated: 0 });
    await expectServerServing();
  });

  it('keeps 50 SSE streams whole and every save across a restart of Postgres', async () => {
    const all = await devices(10);
    const abort = new AbortController();
    // Five streams on each student's attempt topic, following it as EventSource does.
    const streams = all.flatMap((device) => Array.from({ length: 5 }, () => {
      const ids: number[] = [];
      const topic = `attempt:${device.attemptId}`;
      const url = `${server.url}/functions/v1/attempt-events?topic=${topic}&access_token=${device.token}`;
      const state = followEventStream(url, { signal: abort.signal, onEvent: (event) => {
        if (event.id) ids.push(Number(event.id));
      } });
      return { topic, ids, state };
    }));
    await waitFor(() => streams.every((stream) => stream.state.opened > 0), 20_000, 'every stream to open');
    const stop = saveContinuously(all);
    await waitFor(() => streams.every((stream) => stream.ids.length > 0), 20_000, 'every stream to get events');

    database.restart();
    const back = performance.now();
    await sleep(3000);
    await stop();
    await drain(all);

    expect(recoveryMs(all, back)).toBeLessThan(2000);
    expectOnlyHonestFailures(all);
    const outcome = await verifyOps(ownerSql, all);
    expect(outcome).toMatchObject({ lost: 0, duplicated: 0 });
    // Each stream holds every event of its topic from its first one on, once each, in order.
    await sleep(1000);
    for (const stream of streams) {
      const rows = await ownerSql`select id from public.outbox_events
        where topic = ${stream.topic} and id >= ${stream.ids[0]} order by id`;
      expect(stream.ids).toEqual(rows.map((row) => Number(row.id)));
    }
    abort.abort();
    await expectServerServing();
  });

  it('answers every save with a quick 503 while Postgres is down for 10 s, then serves within 2 s', async () => {
    const all = await devices(10);
    const stop = saveContinuously(all);
    await sleep(1000);

    database.stop();
    const downSince = performance.now();
    const healthStarted = performance.now();
    const health = await fetch(`${server.url}/functions/v1/health`);
    const healthMs = performance.now() - healthStarted;
    await sleep(10_000 - (performance.now() - downSince));
    database.start();
    const back = performance.now();
    await sleep(3000);
    await stop();
    await drain(all);

    expect(health.status).toBe(503);
    expect(healthMs).toBeLessThan(5000);
    expect(expectOnlyHonestFailures(all)).toBeGreaterThan(10);
    expect(recoveryMs(all, back)).toBeLessThan(2000);
    expect(await verifyOps(ownerSql, all)).toMatchObject({ lost: 0, duplicated: 0 });
    await expectServerServing();
  });
});
