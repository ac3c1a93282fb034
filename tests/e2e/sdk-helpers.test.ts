// The SDK's collaboration helpers against the real stack: a mentor room (history, a live
// message from the other side, an idempotent send, the read pointer) and the notification
// feed (a teacher's message arrives live, unread counts, mark all read).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExamClient } from '../../client/src/index.ts';
import { DEMO_ACADEMY_ID, DEMO_USERS } from '../../scripts/lib/demo-users.mjs';
import { clientFor } from './support.ts';
import { createStudents, ownerSql } from './fixtures.ts';

const teacher = DEMO_USERS.find((user) => user.key === 'teacher')!;

describe('the SDK helpers for chat and notifications', () => {
  let student: Awaited<ReturnType<typeof createStudents>>[number];
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    [student] = await createStudents(1);
  });
  afterAll(async () => {
    for (const close of closers) close();
    await ownerSql.end();
  });

  const examClient = (supabase: ReturnType<typeof clientFor>) =>
    createExamClient({ supabase, events: 'sse', pageLifecycle: false });

  it('a room loads its history, shows the other side live, sends once per client id and moves the read pointer', async () => {
    const studentSupabase = clientFor(undefined, student.token);
    const { data: room, error } = await studentSupabase.rpc('open_mentor_room',
      { p_academy_id: DEMO_ACADEMY_ID, p_teacher_id: teacher.id });
    expect(error).toBeNull();
    const teacherSupabase = clientFor('teacher');
    await teacherSupabase.rpc('send_message', { p_room_id: room.id, p_body: 'Welcome!', p_client_msg_id: randomUUID() });

    const chat = await examClient(studentSupabase).chat.open(room.id);
    closers.push(() => chat.close());
    expect(chat.getState().messages.map((m) => m.body)).toEqual(['Welcome!']);

    await teacherSupabase.rpc('send_message', { p_room_id: room.id, p_body: 'Any questions?', p_client_msg_id: randomUUID() });
    await expect.poll(() => chat.getState().messages.map((m) => m.body), { timeout: 10_000 })
      .toContain('Any questions?');

    const clientMsgId = randomUUID();
    const sent = await chat.send('Yes, about osmosis', { clientMsgId });
    const again = await chat.send('Yes, about osmosis', { clientMsgId });
    expect(again.id).toBe(sent.id);
    const { count } = await teacherSupabase.from('chat_messages').select('id', { count: 'exact', head: true })
      .eq('room_id', room.id).eq('body', 'Yes, about osmosis');
    expect(count).toBe(1);

    await chat.markRead();
    const { data: rooms } = await studentSupabase.rpc('get_my_rooms');
    expect(rooms.find((r: { room_id: string }) => r.room_id === room.id)?.unread_count).toBe(0);
  });

  it('the notification feed hears a teacher\'s message live and marks everything read', async () => {
    const studentSupabase = clientFor(undefined, student.token);
    // clientFor() signs in with the accessToken option, which has no auth session to ask.
    const feed = await examClient(studentSupabase).notifications.open({ userId: student.id });
    closers.push(() => feed.close());
    const before = feed.getState().data?.unread.total ?? 0;

    const { error } = await clientFor('teacher').rpc('send_notification', {
      p_audience: 'student', p_target_id: student.id, p_title: 'Revision session at 5', p_priority: 'high',
    });
    expect(error).toBeNull();
    await expect.poll(() => feed.getState().data?.items.map((n) => n.title), { timeout: 10_000 })
      .toContain('Revision session at 5');
    expect(feed.getState().data?.unread.total).toBe(before + 1);

    await feed.markAllRead();
    await expect.poll(() => feed.getState().data?.unread.total, { timeout: 10_000 }).toBe(0);
  });
});
