import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from '../src/backoff.ts';
import { createServerClock } from '../src/clock.ts';
import { subscribeTopic, type TopicEvent } from '../src/events.ts';
import { fileStore } from '../src/stores.ts';
import { opIndexOf } from '../src/transport.ts';
import { toAttemptSnapshot } from '../src/attempt-state.ts';
import { FakeClock, settle } from './fakes.ts';

describe('backoffDelay()', () => {
  it('draws uniformly below min(maxMs, baseMs × 2^n) and honours Retry-After', () => {
    expect(backoffDelay(0, { random: () => 0.999 })).toBe(499);
    expect(backoffDelay(4, { baseMs: 100, random: () => 0.5 })).toBe(800);
    expect(backoffDelay(20, { maxMs: 30_000, random: () => 0.5 })).toBe(15_000);
    expect(backoffDelay(0, { random: () => 0 }, 2000)).toBe(2000);
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter('later', 0)).toBeUndefined();
  });
});

describe('createServerClock()', () => {
  it('takes the offset of the shortest round trip', () => {
    let now = 0;
    const clock = createServerClock(() => now);
    clock.sample({ sentAt: 0, receivedAt: 400, serverTime: 10_300 }); // offset 10,100 ± 200
    clock.sample({ sentAt: 1000, receivedAt: 1020, serverTime: 11_010 }); // offset 10,000 ± 10
    clock.sample({ sentAt: 2000, receivedAt: 2900, serverTime: 13_000 });
    expect(clock.offsetMs()).toBe(10_000);
    now = 5000;
    expect(clock.now()).toBe(15_000);
  });
});

describe('opIndexOf()', () => {
  const ops = [{ op_id: 'a' }, { op_id: 'b' }, { op_id: 'c' }];
  it('finds the op a 400 names by op_id, 1-based op_index or a zod path', () => {
    expect(opIndexOf({ code: 'x', message: '', details: { op_id: 'c', op_index: 1 } }, ops)).toBe(2);
    expect(opIndexOf({ code: 'x', message: '', details: { op_index: 2 } }, ops)).toBe(1);
    expect(opIndexOf({ code: 'x', message: '', details: [{ path: ['ops', 0, 'value'] }] }, ops)).toBe(0);
    expect(opIndexOf({ code: 'x', message: '' }, ops)).toBeUndefined();
  });
});

describe('fileStore()', () => {
  it('keeps a queue document in a file, replaced whole', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'examsync-store-'));
    const store = fileStore(dir);
    expect(await store.load('examsync:attempt:1')).toBeUndefined();
    await store.save('examsync:attempt:1', { version: 2, clients: { c: { nextSeq: 3 } }, ops: [] });
    await store.save('examsync:attempt:1', { version: 2, clients: { c: { nextSeq: 4 } }, ops: [] });
    expect(await fileStore(dir).load('examsync:attempt:1')).toEqual({ version: 2, clients: { c: { nextSeq: 4 } }, ops: [] });
    expect(fs.readdirSync(dir)).toHaveLength(1);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('toAttemptSnapshot()', () => {
  it('reads get_attempt_state by field name', () => {
    const snapshot = toAttemptSnapshot({ attempt: { id: 'a', status: 'in_progress', deadline_at: '2026-01-01T00:00:00Z', paused_at: null },
      answers: [{ question_id: 'q', value: 'b', version: 2, extra: 1 }], flags: ['q'], open_conflicts: [], server_now: '2026-01-01T00:00:00Z',
      remaining_ms: 5, last_event_id: 9 });
    expect(snapshot).toMatchObject({ answers: [{ questionId: 'q', value: 'b', version: 2 }], flags: ['q'], remainingMs: 5, lastEventId: 9 });
  });
});

describe('subscribeTopic() over SSE', () => {
  it('reconnects after the stream ends, sending the last event id', async () => {
    const clock = new FakeClock();
    const requests: (string | undefined)[] = [];
    const streams = [
      'id: 5\nevent: ops_applied\ndata: {"id":5,"event":"ops_applied","payload":{"a":1}}\n\n: keep-alive\n\nevent: reconnect\ndata: {"reason":"max_lifetime"}\n\n',
      'id: 6\nevent: time_extended\ndata: {"id":6,"event":"time_extended","payload":{"seconds":60}}\n\n',
    ];
    const fetch = async (_url: string, init?: RequestInit) => {
      requests.push((init?.headers as Record<string, string>)['last-event-id']);
      const text = streams.shift();
      if (text === undefined) return new Promise<Response>(() => {});
      return new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    };
    const events: TopicEvent[] = [];
    const status: boolean[] = [];
    const subscription = subscribeTopic({ supabase: {} as never, fetch, functionsUrl: 'http://fake', topic: 'attempt:1', mode: 'auto',
      lastEventId: 4, scheduler: clock.scheduler(), onEvent: (e) => events.push(e), onStatus: (c) => status.push(c) });
    await clock.advance(0);
    await clock.advance(40_000);
    await settle();
    subscription.close();
    expect(subscription.transport).toBe('sse');
    expect(requests).toEqual(['4', '5', '6']);
    expect(events).toEqual([{ id: 5, event: 'ops_applied', payload: { a: 1 } }, { id: 6, event: 'time_extended', payload: { seconds: 60 } }]);
    expect(status.slice(0, 2)).toEqual([true, false]);
  });
});
