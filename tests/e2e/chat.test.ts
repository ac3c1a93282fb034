// Two students and their mentor chat in a study group room, as client apps do: RPCs
// through supabase-js, events over the attempt-events SSE stream. One student goes
// offline and resends (no duplicate), read receipts move unread counts, typing reaches
// the others and is never replayed, and a 61st message in a minute gets 429.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream } from '../../scripts/lib/sse-reader.mjs';
import { DEMO_ACADEMY_ID, DEMO_USERS } from '../../scripts/lib/demo-users.mjs';
import { mintToken } from '../../scripts/lib/jwt.mjs';
import { apiUrl, clientFor } from './support.ts';
import { createStudents, ownerSql } from './fixtures.ts';

type Received = { id?: string; event: string; data: Record<string, unknown> };

describe('a study group chat of two students and a mentor', () => {
  const mentor = DEMO_USERS[1];
  const mentorToken = mintToken({ role: 'authenticated', sub: mentor.id, email: mentor.email });
  const abort = new AbortController();
  let students: Awaited<ReturnType<typeof createStudents>>;
  let roomId: string;

  beforeAll(async () => {
    students = await createStudents(2);
    roomId = randomUUID();
    await ownerSql`insert into public.chat_rooms (id, academy_id, kind, title, created_by)
      values (${roomId}, ${DEMO_ACADEMY_ID}, 'study_group', 'Chemistry group', ${mentor.id})`;
    await ownerSql`insert into public.chat_room_members (room_id, user_id, role)
      values (${roomId}, ${mentor.id}, 'moderator'), (${roomId}, ${students[0].id}, 'member'),
        (${roomId}, ${students[1].id}, 'member')`;
  });
  afterAll(async () => {
    abort.abort();
    await ownerSql`delete from public.chat_rooms where id = ${roomId}`;
    await ownerSql.end();
  });

  async function listen(token: string, headers: Record<string, string> = {}): Promise<Received[]> {
    const received: Received[] = [];
    await openEventStream(`${apiUrl}/functions/v1/attempt-events?topic=room:${roomId}&access_token=${token}`, {
      signal: abort.signal,
      headers,
      onEvent: (event) => received.push({ id: event.id, event: event.event, data: JSON.parse(event.data || '{}') }),
    });
    return received;
  }

  async function rpc<T>(token: string, fn: string, args: Record<string, unknown>): Promise<T> {
    const { data, error } = await clientFor(undefined, token).rpc(fn, args);
    if (error) throw new Error(`${fn} failed: ${error.code} ${error.message}`);
    return data as T;
  }

  const bodies = (events: Received[]) =>
    events.filter((e) => e.event === 'message_created').map((e) => (e.data.payload as { body: string }).body);

  it('delivers messages once, moves unread counts, shows typing and limits senders to 60 a minute', async () => {
    const [ana, ben] = students;
    const mentorEvents = await listen(mentorToken);
    const benEvents = await listen(ben.token);

    // Ana writes; then, offline, her app queues a message and resends it twice when back.
    await rpc(ana.token, 'send_message', { p_room_id: roomId, p_body: 'Who has the lab notes?', p_client_msg_id: randomUUID() });
    const queued = randomUUID();
    const first = await rpc<{ id: number }>(ana.token, 'send_message',
      { p_room_id: roomId, p_body: 'I can share mine <script>', p_client_msg_id: queued });
    const resent = await Promise.all([1, 2].map(() => rpc<{ id: number }>(ana.token, 'send_message',
      { p_room_id: roomId, p_body: 'I can share mine <script>', p_client_msg_id: queued })));
    expect(resent.map((m) => m.id)).toEqual([first.id, first.id]);
    await expect.poll(() => bodies(benEvents), { timeout: 10_000 })
      .toEqual(['Who has the lab notes?', 'I can share mine <script>']);
    await expect.poll(() => bodies(mentorEvents).length).toBe(2);
    const history = await rpc<{ body: string }[]>(ben.token, 'list_room_messages', { p_room_id: roomId });
    expect(history.map((m) => m.body)).toEqual(['I can share mine <script>', 'Who has the lab notes?']);

    // Read receipts: the mentor has two unread, reads them, and Ben hears it.
    const before = await rpc<{ room_id: string; unread_count: number; total_unread: number }[]>(mentorToken, 'get_my_rooms', {});
    expect(before.find((r) => r.room_id === roomId)?.unread_count).toBe(2);
    await rpc(mentorToken, 'mark_room_read', { p_room_id: roomId, p_up_to_message_id: first.id });
    const after = await rpc<{ room_id: string; unread_count: number }[]>(mentorToken, 'get_my_rooms', {});
    expect(after.find((r) => r.room_id === roomId)?.unread_count).toBe(0);
    await expect.poll(() => benEvents.find((e) => e.event === 'message_read')?.data.payload)
      .toEqual({ room_id: roomId, user_id: mentor.id, last_read_message_id: first.id });

    // Typing reaches the others without an id, and a reconnect from the start never replays it.
    expect(await rpc<boolean>(ana.token, 'send_typing', { p_room_id: roomId })).toBe(true);
    await expect.poll(() => benEvents.find((e) => e.event === 'typing')).toMatchObject({
      id: undefined,
      data: { topic: `room:${roomId}`, payload: { user_id: ana.id } },
    });
    expect(mentorEvents.some((e) => e.event === 'typing')).toBe(true);
    const replayed = await listen(ben.token, { 'last-event-id': '0' });
    await expect.poll(() => bodies(replayed).length).toBe(2);
    expect(replayed.some((e) => e.event === 'typing')).toBe(false);
    expect(replayed.every((e) => e.id !== undefined)).toBe(true);

    // Ana has sent 2 messages this minute: 58 more pass, the 61st is refused with 429.
    for (let i = 3; i <= 60; i++) {
      await rpc(ana.token, 'send_message', { p_room_id: roomId, p_body: `Note ${i}`, p_client_msg_id: randomUUID() });
    }
    const refused = await clientFor(undefined, ana.token).rpc('send_message',
      { p_room_id: roomId, p_body: 'One too many', p_client_msg_id: randomUUID() });
    expect(refused.status).toBe(429);
    expect(refused.error?.code).toBe('rate_limited');
    expect(Number(refused.error?.hint)).toBeGreaterThan(0);
    await expect.poll(() => bodies(benEvents).length, { timeout: 10_000 }).toBe(60);
  });
});
