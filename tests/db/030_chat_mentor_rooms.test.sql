-- Chat in a mentor room, by actor: the student who opens it, the teacher she opens it
-- with (its moderator), a second teacher added later, a teacher of the academy who is not
-- in the room, a student of another academy, the student once she has left the academy,
-- and anon. Tables, every message RPC, history, search, read pointers and the room topic.

begin;
select plan(40);

-- East: admin Ada, teachers Tom and Cal, students Sue and Sam. West: student Bea.
select tests.create_academies('030');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom', 'cal');
select tests.add_members('east', 'student', 'sue', 'sam');
select tests.add_members('west', 'student', 'bea');

-- Test-local helper: how many rows of the room in test.room the caller reads: the room,
-- its members, its messages and its outbox events.
create function pg_temp.rows_read() returns integer[]
language sql
set search_path = ''
as $$
  select array[
    (select count(*)::integer from public.chat_rooms as r where r.id = current_setting('test.room')::uuid),
    (select count(*)::integer from public.chat_room_members as m where m.room_id = current_setting('test.room')::uuid),
    (select count(*)::integer from public.chat_messages as m where m.room_id = current_setting('test.room')::uuid),
    (select count(*)::integer from public.outbox_events as o where o.topic = 'room:' || current_setting('test.room'))];
$$;
grant execute on function pg_temp.rows_read() to anon, authenticated;

select tests.rls_enabled('public', 'chat_rooms');
select tests.rls_enabled('public', 'chat_room_members');
select tests.rls_enabled('public', 'chat_messages');

-- ==========================================================================================
-- Student who opens the room (Sue)
-- ==========================================================================================

select tests.authenticate_as('sue');
select from set_config('test.room', (select r.id::text from public.open_mentor_room(
  '10000000-0000-4000-8000-000000000001', tests.get_supabase_uid('tom'), 'Algebra help') as r), true);

select is(
  (select r.id::text from public.open_mentor_room('10000000-0000-4000-8000-000000000001', tests.get_supabase_uid('tom')) as r),
  current_setting('test.room'),
  'A student who opens her mentor room with the same teacher again gets the same room'
);

select results_eq(
  $$ select m.role::text from public.chat_room_members as m where m.room_id = current_setting('test.room')::uuid order by m.role $$,
  array['member', 'moderator'],
  'The student is the room''s member and the teacher its moderator'
);

select is(
  tests.error_of($$ select public.open_mentor_room('10000000-0000-4000-8000-000000000001', tests.get_supabase_uid('sam')) $$),
  'PGRST teacher_not_found',
  'A student cannot open a mentor room with another student (404)'
);

select is(
  tests.error_of($$ select public.open_mentor_room('10000000-0000-4000-8000-000000000002', tests.get_supabase_uid('tom')) $$),
  'PGRST academy_not_found',
  'A student cannot open a mentor room in an academy she does not belong to (404)'
);

select from set_config('test.m1', (select m.id::text from public.send_message(current_setting('test.room')::uuid,
  E'Hello Tom,\n\tI need help with <b>fractions</b>', '00000000-0000-4000-8000-0000000000a1') as m), true);

select is(
  (select m.body from public.chat_messages as m where m.id = current_setting('test.m1')::bigint),
  E'Hello Tom,\n\tI need help with <b>fractions</b>',
  'A message is stored exactly as sent, newline, tab and markup included'
);

select is(
  (select m.id::text || ' ' || m.body from public.send_message(current_setting('test.room')::uuid,
    'A different body', '00000000-0000-4000-8000-0000000000a1') as m),
  current_setting('test.m1') || E' Hello Tom,\n\tI need help with <b>fractions</b>',
  'Sending the same client_msg_id again returns the first message unchanged'
);

select is(
  (select count(*)::integer from public.chat_messages as m where m.room_id = current_setting('test.room')::uuid),
  1,
  'A resent client_msg_id writes no second message'
);

select is(
  array[
    tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, '', gen_random_uuid()) $$),
    tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, repeat('x ', 2000) || 'x', gen_random_uuid()) $$),
    tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, E'bell\x07', gen_random_uuid()) $$),
    tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, E'line\r\nfeed', gen_random_uuid()) $$),
    tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, repeat('x ', 2000), gen_random_uuid()) $$)],
  array['22023 invalid_message_length', '22023 invalid_message_length', '22023 invalid_message_characters',
    '22023 invalid_message_characters', 'no error'],
  'A body must be 1 to 4000 characters without control characters other than newline and tab'
);

select is(
  (select m.last_read_message_id from public.chat_room_members as m
   where m.room_id = current_setting('test.room')::uuid and m.user_id = tests.get_supabase_uid('sue')),
  (select max(m.id) from public.chat_messages as m where m.room_id = current_setting('test.room')::uuid),
  'Posting counts as reading: the sender''s pointer is on her own last message'
);

select is(
  tests.error_of($$ select public.edit_message(current_setting('test.m1')::bigint, E'Hello Tom,\nfractions please') $$),
  'no error',
  'The author edits her message'
);

select ok(
  (select m.edited_at is not null and m.body = E'Hello Tom,\nfractions please' from public.chat_messages as m
   where m.id = current_setting('test.m1')::bigint),
  'An edited message has the new body and an edited_at'
);

-- ==========================================================================================
-- Teacher, the room's moderator (Tom)
-- ==========================================================================================

select tests.authenticate_as('tom');

select is(
  (select r.unread_count::text || '/' || r.total_unread from public.get_my_rooms() as r
   where r.room_id = current_setting('test.room')::uuid),
  '2/2',
  'The teacher has the student''s two messages unread, and two in total'
);

select from set_config('test.m2', (select m.id::text from public.send_message(current_setting('test.room')::uuid,
  'Sure, which exercise?', gen_random_uuid(), current_setting('test.m1')::bigint) as m), true);

select is(
  (select m.reply_to_id::text from public.chat_messages as m where m.id = current_setting('test.m2')::bigint),
  current_setting('test.m1'),
  'The teacher replies to the student''s message'
);

select is(
  tests.error_of($$ select public.edit_message(current_setting('test.m1')::bigint, 'Not mine') $$),
  'PGRST message_not_found',
  'The teacher cannot edit the student''s message (404)'
);

select is(
  (select m.last_read_message_id from public.mark_room_read(current_setting('test.room')::uuid, current_setting('test.m1')::bigint) as m),
  current_setting('test.m2')::bigint,
  'Marking an older message read never moves the pointer back'
);

select is(
  tests.error_of($$ select public.mark_room_read(current_setting('test.room')::uuid, 999999999) $$),
  'PGRST message_not_found',
  'Marking read a message that is not in the room is refused (404)'
);

select is(
  (select array_agg(m.id order by m.id desc) from public.list_room_messages(current_setting('test.room')::uuid, null, null, 2) as m),
  (select array_agg(x.id order by x.id desc) from (select m.id from public.chat_messages as m
    where m.room_id = current_setting('test.room')::uuid order by m.id desc limit 2) as x),
  'History comes newest first, at most the limit'
);

select is(
  (select array_agg(m.id) from public.list_room_messages(current_setting('test.room')::uuid, current_setting('test.m2')::bigint) as m),
  (select array_agg(m.id order by m.id desc) from public.chat_messages as m
   where m.room_id = current_setting('test.room')::uuid and m.id < current_setting('test.m2')::bigint),
  'History before a message id holds only older messages'
);

select is(
  (select array_agg(m.id) from public.list_room_messages(current_setting('test.room')::uuid, null, current_setting('test.m1')::bigint, 1) as m),
  (select array[min(m.id)] from public.chat_messages as m
   where m.room_id = current_setting('test.room')::uuid and m.id > current_setting('test.m1')::bigint),
  'History after a message id starts right after it'
);

select is(
  array[
    tests.error_of($$ select public.list_room_messages(current_setting('test.room')::uuid, null, null, 101) $$),
    tests.error_of($$ select public.list_room_messages(current_setting('test.room')::uuid, 5, 1) $$)],
  array['22023 invalid_limit', '22023 invalid_cursor'],
  'History refuses more than 100 messages a page, and before and after together'
);

select is(
  (select array_agg(m.id) from public.search_room_messages(current_setting('test.room')::uuid, 'FRACTIONS') as m),
  array[current_setting('test.m1')::bigint],
  'Search finds the message with the word, in any case'
);

select is(
  tests.error_of($$ select public.delete_message(current_setting('test.m1')::bigint) $$),
  'no error',
  'The room''s moderator deletes the student''s message'
);

select ok(
  (select m.body is null and m.deleted_at is not null and m.deleted_by = tests.get_supabase_uid('tom')
   from public.chat_messages as m where m.id = current_setting('test.m1')::bigint),
  'A deleted message stays as a tombstone: no body, deleted_at and who deleted it'
);

select is(
  (select array_agg(o.event order by o.id) from public.outbox_events as o where o.topic = 'room:' || current_setting('test.room')),
  array['member_joined', 'member_joined', 'message_created', 'message_created', 'message_edited', 'message_created',
    'message_deleted'],
  'The room topic carries joins, every message, the edit and the deletion (a pointer that did not move sends no receipt)'
);

select lives_ok(
  $$ select public.add_room_members(current_setting('test.room')::uuid, array[tests.get_supabase_uid('cal')]) $$,
  'The moderator adds a second teacher to the mentor room'
);

select is(
  tests.error_of($$ select public.add_room_members(current_setting('test.room')::uuid, array[tests.get_supabase_uid('sam')]) $$),
  'PGRST member_not_found',
  'A student cannot be added to someone else''s mentor room'
);

-- ==========================================================================================
-- Second teacher, added by the moderator (Cal)
-- ==========================================================================================

select tests.authenticate_as('cal');

select is(
  (select r.is_moderator::text || ' ' || r.can_post from public.get_my_rooms() as r where r.room_id = current_setting('test.room')::uuid),
  'true true',
  'The added teacher moderates and posts in the room'
);

-- ==========================================================================================
-- Student of the academy who is not in the room (Sam)
-- ==========================================================================================

select tests.authenticate_as('sam');

select is(pg_temp.rows_read(), array[0, 0, 0, 0], 'A student not in the room reads nothing of it');

select is(
  array[
    tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, 'Hi', gen_random_uuid()) $$),
    tests.error_of($$ select public.list_room_messages(current_setting('test.room')::uuid) $$),
    tests.error_of($$ select public.delete_message(current_setting('test.m2')::bigint) $$),
    tests.error_of($$ select public.mark_room_read(current_setting('test.room')::uuid, current_setting('test.m2')::bigint) $$)],
  array['PGRST room_not_found', 'PGRST room_not_found', 'PGRST message_not_found', 'PGRST room_not_found'],
  'A student not in the room can neither post, read history, delete nor mark read there (404)'
);

select is(private.can_read_topic('room:' || current_setting('test.room')), false,
  'A student not in the room may not read its topic');

-- ==========================================================================================
-- Student of another academy (Bea)
-- ==========================================================================================

select tests.authenticate_as('bea');

select is(pg_temp.rows_read(), array[0, 0, 0, 0], 'A student of another academy reads nothing of the room');

select is(
  tests.error_of($$ select public.search_room_messages(current_setting('test.room')::uuid, 'fractions') $$),
  'PGRST room_not_found',
  'A student of another academy cannot search the room (404)'
);

-- ==========================================================================================
-- The student once she has left the room, then the academy (Sue)
-- ==========================================================================================

select tests.authenticate_as('sue');

select is(
  (select m.left_at is not null from public.leave_room(current_setting('test.room')::uuid) as m),
  true,
  'A member leaves a mentor room'
);

select is(
  (select r.id::text from public.open_mentor_room('10000000-0000-4000-8000-000000000001', tests.get_supabase_uid('tom')) as r),
  current_setting('test.room'),
  'Opening the mentor room again brings her back into the same room'
);

select tests.act_as_owner();
delete from public.academy_members
where academy_id = '10000000-0000-4000-8000-000000000001' and user_id = tests.get_supabase_uid('sue');
select tests.authenticate_as('sue');

select is(pg_temp.rows_read(), array[0, 0, 0, 0], 'A student who left the academy reads nothing of her mentor room at once');

select is(
  array[
    tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, 'Still here?', gen_random_uuid()) $$),
    (select count(*)::text from public.get_my_rooms())],
  array['PGRST room_not_found', '0'],
  'A student who left the academy cannot post, and has no rooms'
);

-- ==========================================================================================
-- Anon
-- ==========================================================================================

select tests.clear_authentication();

select is(
  array[
    tests.error_of($$ select count(*) from public.chat_messages $$),
    tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, 'Hi', gen_random_uuid()) $$),
    tests.error_of($$ select public.get_my_rooms() $$)],
  array['42501', '42501', '42501'],
  'Anon reads no chat table and calls no chat RPC'
);

select * from finish();
rollback;
