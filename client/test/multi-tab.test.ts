// Two tabs of one browser with the same attempt share one stored queue document. Each
// tab writes only its own changes, merged into the document as it is (never the whole
// document it read earlier), and holds its own client id, so under any interleaving of
// pushes, acknowledgements and slow writes no tab loses another's unsent ops, and no two
// ops share a (client id, seq).
import { describe, expect, it } from 'vitest';
import { createExamClient } from '../src/client.ts';
import { OpQueue } from '../src/queue.ts';
import { memoryStore, type QueueStore } from '../src/stores.ts';
import { FakeClock, FakeLocks, FakeNetwork, FakeServer, questionIds, rng, settle, uuidFrom } from './fakes.ts';

const KEY = 'examsync:attempt:1';
const Q = questionIds(6);

/** A store with only load and save, each taking a random number of turns: the slowest interleavings. */
function slowStore(random: () => number): QueueStore & { inner: ReturnType<typeof memoryStore> } {
  const inner = memoryStore();
  const turns = async () => {
    for (let i = Math.floor(random() * 4); i > 0; i -= 1) await Promise.resolve();
  };
  return {
    inner,
    load: async (key) => {
      await turns();
      const doc = await inner.load(key);
      await turns();
      return doc;
    },
    save: async (key, value) => {
      await turns();
      await inner.save(key, value);
    },
  };
}

describe('two tabs on one stored queue', () => {
  it('keeps every unsent op of both tabs, with their own client ids, under 300 random interleavings', async () => {
    for (let seed = 1; seed <= 300; seed += 1) {
      const random = rng(seed);
      const store = slowStore(random);
      const locks = new FakeLocks();
      const uuid = uuidFrom(random);
      const [a, b] = await Promise.all([1, 2].map((tab) => OpQueue.open({ store, key: KEY, uuid, locks: locks.page(tab) })));
      expect(a!.clientId).not.toBe(b!.clientId);
      const kept = new Set<string>();
      const writes: Promise<void>[] = [];
      for (let step = 0; step < 20; step += 1) {
        const tab = random() < 0.5 ? a! : b!;
        if (random() < 0.7 || tab.length === 0) {
          const { op, stored } = tab.push({ type: 'flag', question_id: Q[Math.floor(random() * Q.length)]! });
          kept.add(op.op_id);
          writes.push(stored);
        } else {
          // The server acknowledged this tab's oldest op.
          const acked = tab.ops[0]!.op.op_id;
          kept.delete(acked);
          writes.push(tab.remove([acked]));
        }
        if (random() < 0.3) await Promise.resolve();
      }
      await Promise.all(writes);
      const doc = await store.inner.load(KEY);
      const stored = doc?.version === 2 ? doc.ops : [];
      expect(new Set(stored.map(({ op }) => op.op_id)), `seed ${seed}`).toEqual(kept);
      const pairs = stored.map(({ clientId, op }) => `${clientId}/${op.seq}`);
      expect(new Set(pairs).size, `seed ${seed}`).toBe(pairs.length);
    }
  });

  it('a reload takes a free client id back and adopts a closed tab\'s ops, not an open tab\'s', async () => {
    const store = memoryStore();
    const locks = new FakeLocks();
    const a = await OpQueue.open({ store, key: KEY, locks: locks.page(1) });
    const b = await OpQueue.open({ store, key: KEY, locks: locks.page(2) });
    await a.push({ type: 'flag', question_id: Q[0]! }).stored;
    await b.push({ type: 'flag', question_id: Q[1]! }).stored;
    locks.kill(1); // tab 1 crashes; tab 2 stays open
    const reloaded = await OpQueue.open({ store, key: KEY, locks: locks.page(3) });
    expect(reloaded.clientId).toBe(a.clientId);
    expect(reloaded.ops.map(({ op }) => op.question_id)).toEqual([Q[0]]);
    expect(reloaded.push({ type: 'flag', question_id: Q[2]! }).op.seq).toBe(1);
    await b.close();
    const third = await OpQueue.open({ store, key: KEY, locks: locks.page(4) });
    expect(third.clientId).toBe(b.clientId);
    expect(third.peek(10, 10_000)).toMatchObject({ clientId: b.clientId, ops: [{ question_id: Q[1] }] });
  });

  it('upgrades a version 1 document: its ops keep their client id', async () => {
    const store = memoryStore();
    store.data.set(KEY, JSON.stringify({ version: 1, clientId: 'old', nextSeq: 5,
      ops: [{ op: { op_id: 'x', seq: 4, type: 'flag', question_id: Q[0] }, queuedAt: 1 }] }));
    const queue = await OpQueue.open({ store, key: KEY, locks: new FakeLocks().page(1) });
    expect(queue.clientId).toBe('old');
    expect(queue.push({ type: 'flag', question_id: Q[1]! }).op.seq).toBe(5);
  });

  it('two sessions of one attempt answer while offline; every op of both reaches the server exactly once', async () => {
    const clock = new FakeClock();
    const server = new FakeServer(clock, Q);
    const network = new FakeNetwork(server, clock);
    const store = memoryStore();
    const locks = new FakeLocks();
    const random = rng(7);
    const open = (tab: number) => createExamClient({
      supabase: server.supabase(), functionsUrl: 'http://fake/functions/v1', fetch: network.fetch(tab), store,
      locks: locks.page(tab), scheduler: clock.scheduler(tab), random, uuid: uuidFrom(random), events: 'none',
      pageLifecycle: false, autoSaveIntervalMs: 1000,
    }).open(server.attemptId);
    const [one, two] = await Promise.all([open(1), open(2)]);
    network.offline = true;
    const made = await Promise.all([
      one.answer(Q[0]!, 'a'), two.answer(Q[1]!, 'b'), one.flag(Q[2]!), two.flag(Q[3]!), one.answer(Q[4]!, 'c'),
    ]);
    await clock.advance(1500);
    // Tab one is closed while offline; its ops wait in the store for the next page.
    clock.kill(1);
    network.kill(1);
    locks.kill(1);
    network.offline = false;
    const reloaded = await open(3);
    expect(reloaded.getState().pendingChanges).toBe(3);
    await Promise.all([reloaded.flush(), two.flush()]);
    await settle();
    for (const id of made) expect(server.applied.get(id)).toBe(1);
    expect(server.applied.size).toBe(5);
  });
});
