import { describe, expect, it } from 'vitest';
import { createExamClient } from '../src/client.ts';
import { memoryStore, type QueueStore } from '../src/stores.ts';
import type { AttemptSessionOptions } from '../src/session.ts';
import { FakeClock, FakeLocks, FakeNetwork, FakeServer, type Fault, questionIds, rng, uuidFrom } from './fakes.ts';

const Q = questionIds(5);

function setup(options: { faults?: () => Fault; store?: QueueStore; seed?: number } = {}) {
  const clock = new FakeClock();
  const server = new FakeServer(clock, Q);
  const network = new FakeNetwork(server, clock, options.faults);
  const store = options.store ?? memoryStore();
  const random = rng(options.seed ?? 1);
  const locks = new FakeLocks();
  let owner = 0;
  const open = async (sessionOptions: AttemptSessionOptions = {}) => {
    owner += 1;
    const exam = createExamClient({
      supabase: server.supabase(), functionsUrl: 'http://fake/functions/v1', fetch: network.fetch(owner), store,
      locks: locks.page(owner), scheduler: clock.scheduler(owner), random, uuid: uuidFrom(random), events: 'none', pageLifecycle: false,
      ...sessionOptions,
    });
    return { session: await exam.open(server.attemptId), owner };
  };
  return { clock, server, network, store, locks, open };
}

describe('AttemptSession batching', () => {
  it('applies at once, then sends every op of the interval in one batch after autoSaveIntervalMs', async () => {
    const { clock, network, server, open } = setup();
    const { session } = await open();
    await session.answer(Q[0]!, 'a');
    await session.flag(Q[1]!);
    await session.answer(Q[2]!, 'c');
    expect(session.getState()).toMatchObject({ pendingChanges: 3, answers: { [Q[0]!]: 'a', [Q[2]!]: 'c' }, flags: [Q[1]] });
    await clock.advance(4999);
    expect(network.log).toHaveLength(0);
    await clock.advance(1);
    expect(network.log).toHaveLength(1);
    expect(network.log[0]!.ops.map((op) => op.type)).toEqual(['answer', 'flag', 'answer']);
    expect(network.log[0]!.ops.map((op) => op.seq)).toEqual([0, 1, 2]);
    expect(session.getState()).toMatchObject({ pendingChanges: 0, syncing: false, error: null });
    expect(session.getState().lastSyncedAt?.getTime()).toBe(clock.now);
    expect(server.answers.get(Q[0]!)).toMatchObject({ value: 'a', version: 1 });
    // The next answer edits the version the server gave.
    await session.answer(Q[0]!, 'b');
    await session.flush();
    expect(network.log[1]!.ops[0]).toMatchObject({ base_version: 1, seq: 3 });
  });

  it('sends at once on flush() and honours a custom interval', async () => {
    const { clock, network, open } = setup();
    const { session } = await open({ autoSaveIntervalMs: 1000 });
    await session.answer(Q[0]!, 'a');
    await session.flush();
    expect(network.log).toHaveLength(1);
    await session.answer(Q[1]!, 'b');
    await clock.advance(1000);
    expect(network.log).toHaveLength(2);
  });

  it('splits a long queue into batches of maxBatchOps and drains them back to back', async () => {
    const { network, open } = setup();
    const { session } = await open({ maxBatchOps: 4 });
    for (let i = 0; i < 10; i += 1) await session.answer(Q[i % 5]!, `v${i}`);
    await session.flush();
    expect(network.log.map((r) => r.ops.length)).toEqual([4, 4, 2]);
    expect(session.getState().pendingChanges).toBe(0);
  });
});

describe('AttemptSession retries', () => {
  it('backs off exponentially with full jitter, never sooner than Retry-After', async () => {
    const faults: Fault[] = ['500', '500', '500', '500', '503', 'ok'];
    const { clock, network, open } = setup({ faults: () => faults.shift() ?? 'ok', seed: 7 });
    const { session } = await open({ backoff: { baseMs: 1000, maxMs: 60_000 } });
    const errors: string[] = [];
    session.on('error', (e) => errors.push(e.code));
    await session.answer(Q[0]!, 'a');
    await session.flush();
    const delays: number[] = [];
    while (network.log.length < 6) {
      const [next] = clock.pending();
      delays.push(next!);
      await clock.advance(next!);
    }
    // Retry n waits a uniform draw from [0, 1000 × 2^n), each one different.
    delays.slice(0, 4).forEach((delay, n) => expect(delay).toBeLessThan(1000 * 2 ** n));
    expect(new Set(delays.slice(0, 4)).size).toBe(4);
    // The 503 said Retry-After: 1, and the jittered draw was shorter or not: never under 1 s.
    expect(delays[4]).toBeGreaterThanOrEqual(1000);
    expect(errors).toEqual(['internal', 'internal', 'internal', 'internal', 'database_unavailable']);
    expect(session.getState()).toMatchObject({ pendingChanges: 0, error: null });
  });

  it('drops exactly the op a 400 names and sends the rest', async () => {
    const { server, open } = setup();
    const { session } = await open();
    const errors: { code: string; opId?: string }[] = [];
    session.on('error', (e) => errors.push(e));
    await session.answer(Q[0]!, 'a');
    const poison = await session.answer(Q[1]!, 'bad\u0000');
    await session.answer(Q[2]!, 'c');
    await session.flush();
    expect(errors).toEqual([expect.objectContaining({ code: 'invalid_text', opId: poison, status: 400 })]);
    expect(server.answers.get(Q[0]!)?.value).toBe('a');
    expect(server.answers.get(Q[2]!)?.value).toBe('c');
    expect(server.applied.has(poison)).toBe(false);
    expect(session.getState().pendingChanges).toBe(0);
  });

  it('finds the bad op by halving when a 4xx names none', async () => {
    const { server, network, open } = setup();
    const original = server.sync.bind(server);
    server.sync = (body) => (body.ops.some((op) => op.type === 'flag') ? [422, { code: 'unprocessable', message: 'no' }] : original(body));
    const { session } = await open();
    for (let i = 0; i < 7; i += 1) await session.answer(Q[i % 5]!, `v${i}`);
    const bad = await session.flag(Q[0]!);
    await session.answer(Q[1]!, 'last');
    await session.flush();
    expect(session.getState().pendingChanges).toBe(0);
    expect(server.applied.has(bad)).toBe(false);
    expect(server.applied.size).toBe(8);
    expect(network.log.length).toBeLessThan(12);
  });
});

describe('AttemptSession persistence', () => {
  it('keeps the queue across a reload: the next page sends it, with the same client id and growing seqs', async () => {
    const store = memoryStore();
    const first = setup({ store });
    first.network.offline = true;
    const { session, owner } = await first.open();
    await session.answer(Q[0]!, 'a');
    await session.flag(Q[1]!);
    await first.clock.advance(5000); // fails: offline
    expect(first.network.log).toHaveLength(1);
    const clientId = session.clientId;
    // The page crashes: its timers and requests die with it.
    first.clock.kill(owner);
    first.network.kill(owner);
    first.locks.kill(owner);
    first.network.offline = false;

    const { session: reloaded } = await first.open();
    expect(reloaded.clientId).toBe(clientId);
    expect(reloaded.getState()).toMatchObject({ pendingChanges: 2, answers: { [Q[0]!]: 'a' }, flags: [Q[1]] });
    await reloaded.whenSynced();
    await reloaded.answer(Q[2]!, 'c');
    await reloaded.flush();
    expect(first.server.applied.size).toBe(3);
    expect(first.network.log.at(-1)!.ops[0]!.seq).toBe(2);
  });
});

describe('AttemptSession clock', () => {
  it('estimates the server clock offset from round trips and counts down from the server deadline', async () => {
    const { clock, server, open } = setup({ faults: () => 'slow' });
    server.skewMs = 90_000; // the device is 90 s behind
    server.deadlineAt = clock.now + 600_000;
    const { session } = await open();
    expect(session.clock.offsetMs()).toBe(90_000);
    expect(session.remainingMs()).toBe(600_000);
    await clock.advance(10_000);
    expect(session.remainingMs()).toBe(590_000);
    // A round trip of 3 s (answered at its end; the server stamped it in the middle... of nothing here).
    await session.answer(Q[0]!, 'a');
    const flushed = session.flush();
    await clock.advance(3000);
    await flushed;
    // The slow sample (rtt 3 s) does not replace the exact one.
    expect(session.clock.offsetMs()).toBe(90_000);
    expect(session.clock.uncertaintyMs()).toBe(0);
  });
});

describe('AttemptSession conflicts', () => {
  it('surfaces a conflict with both values and resolves it', async () => {
    const { server, open } = setup();
    server.answers.set(Q[0]!, { value: 'x', version: 1, clientId: 'other', seq: 1 });
    const { session } = await open();
    server.answers.set(Q[0]!, { value: 'y', version: 2, clientId: 'other', seq: 2 }); // another device, meanwhile
    const seen: unknown[] = [];
    session.on('conflict', (c) => seen.push(c));
    await session.answer(Q[0]!, 'mine');
    await session.flush();
    const [conflict] = session.getState().conflicts;
    expect(conflict).toMatchObject({ questionId: Q[0], localValue: 'mine', serverValue: 'y', serverVersion: 2 });
    expect(seen).toHaveLength(1);
    expect(session.getState().answers[Q[0]!]).toBe('y');
    await session.resolveConflict(conflict!.id, 'local');
    expect(session.getState().conflicts).toHaveLength(0);
    expect(session.getState().answers[Q[0]!]).toBe('mine');
    expect(server.answers.get(Q[0]!)?.value).toBe('mine');
  });
});

describe('AttemptSession state', () => {
  it('tells subscribers every change and keeps one state object between changes', async () => {
    const { open } = setup();
    const { session } = await open();
    const states: number[] = [];
    const stop = session.subscribe((s) => states.push(s.pendingChanges));
    expect(session.getState()).toBe(session.getState());
    await session.answer(Q[0]!, 'a');
    await session.flush();
    stop();
    await session.answer(Q[1]!, 'b');
    expect(states[0]).toBe(1);
    expect(states.at(-1)).toBe(0);
    expect(Object.keys(session.getState()).slice(0, 6)).toEqual(['connected', 'syncing', 'lastSyncedAt', 'pendingChanges', 'conflicts', 'error']);
  });
});
