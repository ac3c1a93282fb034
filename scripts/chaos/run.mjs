// `npm run chaos`: students save through attempt-sync with offline queues (the same op ids
// on every retry) while the harness kill -9s Postgres, then the functions server, again
// and again. Postgres comes back by crash recovery; the functions server is started again
// by the same supervisor `npm run dev` uses. Prints acknowledged, lost and duplicated ops,
// the time each fault took to recover from, and every response by status; exits non-zero
// when an acknowledged op was lost or applied twice, or an answer took longer than 5 s.
// Options (environment): CHAOS_CLIENTS=20 CHAOS_CYCLES=3 CHAOS_INTERVAL_MS=200
// CHAOS_DOWN_MS=2000 CHAOS_CALM_MS=3000
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { CHAOS_PORTS, LOCAL_DIR, localDbUrl } from '../lib/config.mjs';
import { cluster } from '../lib/cluster.mjs';
import { ensurePrerequisites } from '../lib/prerequisites.mjs';
import { createSavingDevice, verifyOps } from '../lib/saving-device.mjs';
import { createExam, createStudents, startAttempt } from '../lib/scenario-data.mjs';
import { buildDatabase, superviseFunctions } from '../lib/stack.mjs';
import { loadSeed } from '../lib/database.mjs';
import { percentile } from '../bench/stats.mjs';

const setting = (name, fallback) => Number(process.env[name] ?? fallback);
const options = {
  clients: setting('CHAOS_CLIENTS', 20),
  cycles: setting('CHAOS_CYCLES', 3),
  intervalMs: setting('CHAOS_INTERVAL_MS', 200),
  downMs: setting('CHAOS_DOWN_MS', 2000),
  calmMs: setting('CHAOS_CALM_MS', 3000),
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const apiUrl = `http://127.0.0.1:${CHAOS_PORTS.api}`;
const url = localDbUrl(CHAOS_PORTS.db);

/** Milliseconds from `since` until a save sent after it succeeded. */
async function recoveryFrom(devices, since) {
  const deadline = since + 60_000;
  for (;;) {
    const first = devices.flatMap((device) => device.responses)
      .filter((r) => r.status === 200 && r.at >= since)
      .map((r) => r.at + r.ms - since);
    if (first.length > 0) return Math.round(Math.min(...first));
    if (performance.now() > deadline) return Infinity;
    await sleep(20);
  }
}

ensurePrerequisites();
// Durable like `npm run dev` (fsync on), so every kill is followed by real crash recovery.
const db = cluster({ dir: path.join(LOCAL_DIR, 'chaos'), port: CHAOS_PORTS.db, durable: true });
let functions;
let ownerSql;
try {
  db.destroy();
  db.init();
  db.start();
  buildDatabase({ url, superuserUrl: localDbUrl(CHAOS_PORTS.db, 'supabase_admin') });
  loadSeed(url);
  ownerSql = postgres(url, { max: 2, onnotice: () => {} });
  const restarts = [];
  functions = await superviseFunctions({ port: CHAOS_PORTS.api, dbUrl: url, quiet: true,
    onRestart: (info) => restarts.push(info.restartMs) });

  const { examId, questionIds } = await createExam(ownerSql, { questions: 100 });
  const students = await createStudents(ownerSql, options.clients);
  const devices = await Promise.all(students.map(async (student, i) => createSavingDevice({
    apiUrl, token: student.token, attemptId: await startAttempt(apiUrl, student.token, examId),
    clientId: `chaos-${i}`, questionIds, timeoutMs: 10_000 })));

  let running = true;
  const loops = devices.map(async (device) => {
    while (running) {
      device.answer();
      await device.flush();
      await sleep(options.intervalMs);
    }
  });

  console.log(`# ${options.clients} students saving every ${options.intervalMs} ms; ${options.cycles} cycles of kill -9`);
  const recoveries = { postgres: [], functions: [] };
  for (let cycle = 1; cycle <= options.cycles; cycle += 1) {
    await sleep(options.calmMs);
    db.kill();
    const killedAt = performance.now();
    await sleep(options.downMs);
    db.start();
    const back = performance.now();
    recoveries.postgres.push(await recoveryFrom(devices, back));
    console.log(`  cycle ${cycle}: Postgres down ${Math.round(back - killedAt)} ms, saves again ${recoveries.postgres.at(-1)} ms after it was back`);

    await sleep(options.calmMs);
    const pid = functions.child.pid;
    const restartsBefore = restarts.length;
    process.kill(pid, 'SIGKILL');
    const killed = performance.now();
    while (restarts.length === restartsBefore) await sleep(20);
    recoveries.functions.push(await recoveryFrom(devices, killed));
    console.log(`  cycle ${cycle}: functions server restarted in ${restarts.at(-1)} ms, saves again ${recoveries.functions.at(-1)} ms after the kill`);
  }
  await sleep(options.calmMs);
  running = false;
  await Promise.all(loops);
  for (let round = 0; round < 100 && devices.some((device) => device.queue.length > 0); round += 1) {
    await Promise.all(devices.map((device) => device.flush()));
  }

  const responses = devices.flatMap((device) => device.responses);
  const byStatus = {};
  for (const response of responses) {
    const key = response.status === 0 ? `no answer (${response.code})` : `${response.status}${response.code ? ` ${response.code}` : ''}`;
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  }
  const outcome = await verifyOps(ownerSql, devices);
  const durations = responses.map((response) => response.ms);
  const results = {
    machine: `${os.cpus().length} × ${os.cpus()[0].model}`,
    options,
    ...outcome,
    unsent: devices.reduce((sum, device) => sum + device.queue.length, 0),
    responses: byStatus,
    answerMs: { p50: Math.round(percentile(durations, 50)), p99: Math.round(percentile(durations, 99)),
      max: Math.round(Math.max(0, ...durations)) },
    recoveryMs: recoveries,
    functionsRestartMs: restarts,
    functionsRestartsBesideKills: restarts.length - options.cycles,
  };
  console.log(JSON.stringify(results, null, 2));
  const ok = outcome.lost === 0 && outcome.duplicated === 0 && results.unsent === 0 && results.answerMs.max <= 5000 &&
    results.functionsRestartsBesideKills === 0;
  console.log(ok ? 'chaos: every acknowledged op is in the database exactly once' : 'chaos: FAILED');
  process.exitCode = ok ? 0 : 1;
} finally {
  await functions?.stop();
  await ownerSql?.end();
  db.destroy();
}
