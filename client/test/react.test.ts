// The hook is a thin useSyncExternalStore over the session's subscribe/getState; React
// is an optional peer dependency not installed here, so a stand-in records the call.
import { describe, expect, it, vi } from 'vitest';

const calls: { subscribe: (cb: () => void) => () => void; getSnapshot: () => unknown }[] = [];
vi.mock('react', () => ({
  useSyncExternalStore: (subscribe: (cb: () => void) => () => void, getSnapshot: () => unknown) => {
    calls.push({ subscribe, getSnapshot });
    return getSnapshot();
  },
}));

const { useExamAttempt } = await import('../src/react.ts');
const { createExamClient } = await import('../src/client.ts');
const { memoryStore } = await import('../src/stores.ts');
const { FakeClock, FakeNetwork, FakeServer, questionIds } = await import('./fakes.ts');

describe('useExamAttempt()', () => {
  it('reads the session store and re-renders on its changes', async () => {
    const clock = new FakeClock();
    const server = new FakeServer(clock, questionIds(2));
    const exam = createExamClient({ supabase: server.supabase(), functionsUrl: 'http://fake/functions/v1',
      fetch: new FakeNetwork(server, clock).fetch(), store: memoryStore(), scheduler: clock.scheduler(), events: 'none', pageLifecycle: false });
    const session = await exam.open(server.attemptId);
    expect(useExamAttempt(null)).toMatchObject({ pendingChanges: 0, session: null });
    const rendered = useExamAttempt(session);
    expect(rendered).toMatchObject({ connected: false, pendingChanges: 0, session });
    let renders = 0;
    calls.at(-1)!.subscribe(() => (renders += 1));
    await session.answer(server.questionIds[0]!, 'a');
    expect(renders).toBeGreaterThan(0);
    expect(useExamAttempt(session)).toMatchObject({ pendingChanges: 1, answers: { [server.questionIds[0]!]: 'a' } });
    expect(calls.at(-1)!.getSnapshot()).toBe(calls.at(-1)!.getSnapshot());
  });
});
