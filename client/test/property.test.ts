// No op lost, none applied twice, none sent again once acknowledged: thousands of
// random fault schedules (dropped requests, lost answers, hangs, 5xx with
// Retry-After, 429, going offline, page crashes and reloads, poison ops a 400 names),
// each from its own seed, so a failure prints the seed that reproduces it.
import { describe, expect, it } from 'vitest';
import { createExamClient } from '../src/client.ts';
import { memoryStore, type QueueStore } from '../src/stores.ts';
import type { AttemptSession } from '../src/session.ts';
import { FakeClock, FakeLocks, FakeNetwork, FakeServer, type Fault, questionIds, rng, uuidFrom } from './fakes.ts';

export const PROPERTY_SEED = 0x5eed_0014;
export const PROPERTY_SCHEDULES = Number(process.env.EXAMSYNC_PROPERTY_SCHEDULES ?? 2000);

const FAULTS: [Fault, number][] = [
  ['ok', 0.45], ['slow', 0.05], ['drop-before', 0.12], ['drop-after', 0.12], ['hang', 0.06], ['503', 0.1], ['429', 0.05], ['500', 0.05],
];

function pick(random: () => number): Fault {
  let roll = random();
  for (const [fault, weight] of FAULTS) {
    if ((roll -= weight) < 0) return fault;
  }
  return 'ok';
}

async function runSchedule(seed: number): Promise<string | undefined> {
  const random = rng(seed);
  const Q = questionIds(4);
  const clock = new FakeClock();
  const server = new FakeServer(clock, Q);
  let healed = false;
  const network = new FakeNetwork(server, clock, () => (healed ? 'ok' : pick(random)));
  const shared = memoryStore();
  const locks = new FakeLocks();
  const dead = new Set<number>();
  // Each page's view of the one store: a crashed page writes nothing more.
  const storeOf = (page: number): QueueStore => ({
    load: (key) => shared.load(key),
    save: async (key, value) => {
      if (!dead.has(page)) await shared.save(key, value);
    },
  });
  const made: string[] = [];
  const poisoned = new Set<string>();
  let owner = 0;
  let session: AttemptSession;
  const open = async () => {
    owner += 1;
    const exam = createExamClient({
      supabase: server.supabase(), functionsUrl: 'http://fake/functions/v1', fetch: network.fetch(owner), store: storeOf(owner),
      locks: locks.page(owner),
      scheduler: clock.scheduler(owner), random, uuid: uuidFrom(random), events: 'none', pageLifecycle: false,
      autoSaveIntervalMs: 1000 + Math.floor(random() * 5000), maxBatchOps: 1 + Math.floor(random() * 8),
      requestTimeoutMs: 2000, backoff: { baseMs: 200, maxMs: 5000 },
    });
    session = await exam.open(server.attemptId);
  };
  await open();
  const steps = 10 + Math.floor(random() * 30);
  for (let step = 0; step < steps; step += 1) {
    const roll = random();
    const q = Q[Math.floor(random() * Q.length)]!;
    if (roll < 0.5) {
      const poison = random() < 0.03;
      const id = await session!.answer(q, poison ? 'x\u0000' : ['a', 'b', 'c', 'd'][Math.floor(random() * 4)]!);
      made.push(id);
      if (poison) poisoned.add(id);
    } else if (roll < 0.62) {
      made.push(await (random() < 0.5 ? session!.flag(q) : session!.unflag(q)));
    } else if (roll < 0.67) {
      made.push(await session!.goTo(q));
    } else if (roll < 0.72) {
      void session!.flush();
    } else if (roll < 0.77) {
      network.offline = !network.offline;
    } else if (roll < 0.82) {
      // The page crashes (in-flight requests may still be applied) and is opened again.
      dead.add(owner);
      clock.kill(owner);
      network.kill(owner);
      locks.kill(owner);
      await open();
    } else {
      await clock.advance(Math.floor(random() * 8000));
    }
  }
  // The network heals; everything must arrive.
  healed = true;
  network.offline = false;
  for (let i = 0; i < 200 && session!.getState().pendingChanges > 0; i += 1) await clock.advance(1000);
  await clock.advance(3000);

  const state = session!.getState();
  if (state.pendingChanges !== 0) return `seed ${seed}: ${state.pendingChanges} ops never acknowledged`;
  for (const id of made) {
    const count = server.applied.get(id) ?? 0;
    if (poisoned.has(id) ? count !== 0 : count !== 1) return `seed ${seed}: op ${id} applied ${count} times`;
  }
  if (server.applied.size !== made.length - poisoned.size) return `seed ${seed}: the server applied ops nobody made`;
  for (const [index, request] of network.log.entries()) {
    for (const op of request.ops) {
      // A page that got the acknowledgement never sends the op again. (A page that crashed
      // between the answer and storing it may: the server answers duplicate.)
      const acked = network.delivered.get(op.op_id);
      if (acked !== undefined && acked.index < index && acked.owner === request.owner) {
        return `seed ${seed}: op ${op.op_id} sent again after its acknowledgement`;
      }
    }
  }
  const seqs = network.log.flatMap((r) => r.ops.map((op) => op.seq!));
  const firstSends = [...new Map(network.log.flatMap((r) => r.ops.map((op) => [op.op_id, op.seq!] as const))).values()];
  if (seqs.some((s) => !Number.isInteger(s)) || new Set(firstSends).size !== firstSends.length) {
    return `seed ${seed}: two ops share a seq`;
  }
  for (const [questionId, answer] of server.answers) {
    if (state.answers[questionId] !== answer.value) return `seed ${seed}: the device shows another answer for ${questionId}`;
  }
  return undefined;
}

describe('the offline queue under random faults', () => {
  it(`loses no op and applies none twice over ${PROPERTY_SCHEDULES} fault schedules (seed ${PROPERTY_SEED})`, async () => {
    const failures: string[] = [];
    for (let i = 0; i < PROPERTY_SCHEDULES; i += 1) {
      const failure = await runSchedule(PROPERTY_SEED + i);
      if (failure) failures.push(failure);
      if (failures.length >= 5) break;
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
