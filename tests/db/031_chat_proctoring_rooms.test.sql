-- Proctoring chat privacy, by actor: the proctor who runs the session, the academy's
-- admin, two students of the session, a student of the academy not in it, a student of
-- another academy, a removed student, and anon. A student sees only her own thread and
-- the proctors' messages to everyone, on tables, RPCs, outbox topics and Realtime
-- channels (receive, broadcast and presence); no event carries another student's text.

begin;
select plan(32);

-- East: admin Ada, teacher Tom (runs the session), students Sue and Sam (in it) and Kim
-- (not in it). West: student Bea.
select tests.create_academies('031');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom');
select tests.add_members('east', 'student', 'sue', 'sam', 'kim');
select tests.add_members('west', 'student', 'bea');
select tests.create_quiz();

-- Test-local helper: what the caller gets from Realtime on a private channel, as the
-- Realtime server asks the database: the broadcasts it receives, then whether it may
-- track presence and send broadcast there.
create function pg_temp.realtime_probe(p_topic text) returns text
language plpgsql
set search_path = ''
as $$
declare
  seen integer;
  tracked text;
  sent text;
begin
  perform pg_catalog.set_config('realtime.topic', p_topic, true);
  select count(*) into seen from realtime.messages as m where m.topic = p_topic and m.extension = 'broadcast';
  tracked := tests.error_of(pg_catalog.format(
    'insert into realtime.messages (topic, extension, event, payload, private) values (%L, %L, %L, %L, true)',
    p_topic, 'presence', 'presence', '{"online": true}'));
  sent := tests.error_of(pg_catalog.format(
    'insert into realtime.messages (topic, extension, event, payload, private) values (%L, %L, %L, %L, true)',
    p_topic, 'broadcast', 'typing', '{}'));
  return pg_catalog.format('%s broadcasts, presence %s, broadcast %s',
    case when seen > 0 then 'receives' else 'no' end,
    case when tracked = 'no error' then 'tracked' else 'refused' end,
    case when sent = 'no error' then 'sent' else 'refused' end);
end;
$$;
grant execute on function pg_temp.realtime_probe(text) to anon, authenticated;

-- Test-local helper: the bodies of the room's messages the caller reads, oldest first.
create function pg_temp.bodies() returns text[]
language sql
set search_path = ''
as $$
  select coalesce(array_agg(m.body order by m.id), '{}') from public.chat_messages as m
  where m.room_id = current_setting('test.room')::uuid;
$$;
grant execute on function pg_temp.bodies() to anon, authenticated;

-- Tom's session with Sue and Sam enrolled; the proctoring room with a message to everyone,
-- a question from each student and Tom's reply to Sue.
select tests.authenticate_as('tom');
select from set_config('test.session', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 1') as s), true);
select from public.enroll_session_students(current_setting('test.session')::uuid,
  array[tests.get_supabase_uid('sue'), tests.get_supabase_uid('sam')]);
select from set_config('test.room', (select r.id::text from public.open_proctoring_room(current_setting('test.session')::uuid) as r), true);
select from set_config('test.sue_topic', 'room:' || current_setting('test.room') || ':' || tests.get_supabase_uid('sue'), true);
select from set_config('test.sam_topic', 'room:' || current_setting('test.room') || ':' || tests.get_supabase_uid('sam'), true);
select from public.send_message(current_setting('test.room')::uuid, 'Phones away, please', gen_random_uuid());
select tests.authenticate_as('sue');
select from set_config('test.sue_question', (select m.id::text from public.send_message(current_setting('test.room')::uuid,
  'Sue: is question 2 about primes?', gen_random_uuid()) as m), true);
select tests.authenticate_as('sam');
select from set_config('test.sam_question', (select m.id::text from public.send_message(current_setting('test.room')::uuid,
  'Sam: may I use a calculator?', gen_random_uuid()) as m), true);
select tests.authenticate_as('tom');
select from public.send_message(current_setting('test.room')::uuid, 'Tom to Sue: yes', gen_random_uuid(),
  current_setting('test.sue_question')::bigint);

-- ==========================================================================================
-- Proctor who runs the session (Tom)
-- ==========================================================================================

select is(
  pg_temp.bodies(),
  array['Phones away, please', 'Sue: is question 2 about primes?', 'Sam: may I use a calculator?', 'Tom to Sue: yes'],
  'The proctor reads every message of the room'
);

select is(
  (select m.thread_user_id from public.chat_messages as m where m.body = 'Tom to Sue: yes'),
  tests.get_supabase_uid('sue'),
  'A proctor''s reply joins the thread of the student it answers'
);

select is(
  array[private.can_read_topic('room:' || current_setting('test.room')),
    private.can_read_topic(current_setting('test.sue_topic'))],
  array[true, true],
  'The proctor reads the room''s topic and each student''s topic'
);

select is(
  pg_temp.realtime_probe('room:' || current_setting('test.room')),
  'receives broadcasts, presence tracked, broadcast sent',
  'The proctor receives the room''s Realtime channel, tracks presence and sends broadcast there'
);

select is(
  (select count(*)::integer from public.get_room_members(current_setting('test.room')::uuid)),
  3,
  'The proctor sees every member of the room: himself and both students'
);

-- ==========================================================================================
-- Student of the session (Sue)
-- ==========================================================================================

select tests.authenticate_as('sue');

select is(
  pg_temp.bodies(),
  array['Phones away, please', 'Sue: is question 2 about primes?', 'Tom to Sue: yes'],
  'A student reads the proctor''s message to everyone, her own question and the reply to her, not another student''s question'
);

select is(
  (select array_agg(m.body order by m.id) from public.list_room_messages(current_setting('test.room')::uuid) as m),
  array['Phones away, please', 'Sue: is question 2 about primes?', 'Tom to Sue: yes'],
  'The history RPC gives a student the same messages'
);

select is(
  (select count(*)::integer from public.search_room_messages(current_setting('test.room')::uuid, 'calculator')),
  0,
  'Search does not find another student''s question'
);

select is(
  tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, 'Me too', gen_random_uuid(),
    current_setting('test.sam_question')::bigint) $$),
  'PGRST reply_not_found',
  'A student cannot reply to another student''s question (404)'
);

select is(
  tests.error_of($$ select public.mark_room_read(current_setting('test.room')::uuid, current_setting('test.sam_question')::bigint) $$),
  'PGRST message_not_found',
  'A student cannot mark another student''s question read (404)'
);

select is(
  (select r.unread_count::text || ' ' || r.last_message_body from public.get_my_rooms() as r where r.room_id = current_setting('test.room')::uuid),
  '1 Tom to Sue: yes',
  'A student''s unread count (the reply after her own question) and last message leave out other students'' questions'
);

select is(
  array[private.can_read_topic('room:' || current_setting('test.room')),
    private.can_read_topic(current_setting('test.sue_topic')),
    private.can_read_topic(current_setting('test.sam_topic'))],
  array[false, true, false],
  'A student reads only her own topic of the room, not the proctors'' topic nor another student''s'
);

select is(
  (select array_agg(o.payload ->> 'body' order by o.id) filter (where o.event = 'message_created')
   from public.outbox_events as o where o.topic = current_setting('test.sue_topic')),
  array['Phones away, please', 'Sue: is question 2 about primes?', 'Tom to Sue: yes'],
  'Her topic carries the message to everyone, her question and the reply to her'
);

select is(
  (select count(*)::integer from public.outbox_events as o where o.topic like 'room:' || current_setting('test.room') || '%'),
  (select count(*)::integer from public.outbox_events as o where o.topic = current_setting('test.sue_topic')),
  'A student reads no event of the room outside her own topic'
);

select is(
  array[pg_temp.realtime_probe('room:' || current_setting('test.room')),
    pg_temp.realtime_probe(current_setting('test.sue_topic')),
    pg_temp.realtime_probe(current_setting('test.sam_topic'))],
  array['no broadcasts, presence refused, broadcast refused',
    'receives broadcasts, presence tracked, broadcast sent',
    'no broadcasts, presence refused, broadcast refused'],
  'On Realtime a student joins only her own channel of the room: receive, presence and broadcast'
);

select is(
  (select array_agg(m.role::text order by m.role) from public.get_room_members(current_setting('test.room')::uuid) as m),
  array['member', 'moderator'],
  'A student sees only herself and the proctor among the room''s members'
);

select is(
  (select count(*)::integer from public.chat_room_members as m where m.room_id = current_setting('test.room')::uuid),
  2,
  'A student reads only her own and the proctors'' member rows'
);

-- ==========================================================================================
-- Academy admin (Ada)
-- ==========================================================================================

select tests.authenticate_as('ada');

select is(
  (select r.is_moderator from public.get_my_rooms() as r where r.room_id = current_setting('test.room')::uuid),
  true,
  'The academy''s admin moderates every proctoring room of the academy'
);

select is(
  array_length(pg_temp.bodies(), 1),
  4,
  'The academy''s admin reads every message of the proctoring room'
);

-- ==========================================================================================
-- Student of the academy not in the session (Kim)
-- ==========================================================================================

select tests.authenticate_as('kim');

select is(pg_temp.bodies(), '{}'::text[], 'A student not in the session reads no message of its room');

select is(
  array[tests.error_of($$ select public.open_proctoring_room(current_setting('test.session')::uuid) $$),
    tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, 'Hi', gen_random_uuid()) $$)],
  array['PGRST session_not_found', 'PGRST room_not_found'],
  'A student not in the session can neither open nor post in its room (404)'
);

select is(
  pg_temp.realtime_probe('room:' || current_setting('test.room')),
  'no broadcasts, presence refused, broadcast refused',
  'A student not in the session gets nothing on the room''s Realtime channel'
);

-- ==========================================================================================
-- Student of another academy (Bea)
-- ==========================================================================================

select tests.authenticate_as('bea');

select is(pg_temp.bodies(), '{}'::text[], 'A student of another academy reads no message of the room');

select is(private.can_read_topic(current_setting('test.sue_topic')), false,
  'A student of another academy may not read a student''s topic of the room');

-- ==========================================================================================
-- Removed student (Sam), then the session ends
-- ==========================================================================================

select tests.authenticate_as('tom');
select from public.remove_session_participant(current_setting('test.session')::uuid, tests.get_supabase_uid('sam'), 'Phone out');
select tests.authenticate_as('sam');

select is(
  tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, 'Sorry', gen_random_uuid()) $$),
  'PGRST room_read_only',
  'A student removed from the session can no longer post in its room (403)'
);

select is(
  pg_temp.bodies(),
  array['Phones away, please', 'Sam: may I use a calculator?'],
  'A removed student still reads only her own thread and the message to everyone'
);

select tests.authenticate_as('tom');
select from public.end_exam_session(current_setting('test.session')::uuid);

select is(
  array[tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, 'Bye', gen_random_uuid()) $$),
    array_length(pg_temp.bodies(), 1)::text],
  array['PGRST room_read_only', '4'],
  'Once the session has ended the proctor posts no more, and still reads the whole history'
);

select tests.authenticate_as('sue');

select is(
  tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, 'Done?', gen_random_uuid()) $$),
  'PGRST room_read_only',
  'Once the session has ended a student posts no more (403)'
);

-- ==========================================================================================
-- Student who left the academy (Sue)
-- ==========================================================================================

select tests.act_as_owner();
delete from public.academy_members
where academy_id = '10000000-0000-4000-8000-000000000001' and user_id = tests.get_supabase_uid('sue');
select tests.authenticate_as('sue');

select is(pg_temp.bodies(), '{}'::text[], 'A student who left the academy reads nothing of the proctoring room');

select is(
  array[private.can_read_topic(current_setting('test.sue_topic'))::text,
    pg_temp.realtime_probe(current_setting('test.sue_topic'))],
  array['false', 'no broadcasts, presence refused, broadcast refused'],
  'A student who left the academy loses her topic and her Realtime channel at once'
);

-- ==========================================================================================
-- Anon
-- ==========================================================================================

select tests.clear_authentication();

select is(
  array[tests.error_of($$ select public.open_proctoring_room(current_setting('test.session')::uuid) $$),
    pg_temp.realtime_probe(current_setting('test.sue_topic'))],
  array['42501', 'no broadcasts, presence refused, broadcast refused'],
  'Anon opens no proctoring room and gets nothing on its channels'
);

select is(
  tests.error_of($$ select count(*) from public.chat_room_members $$),
  '42501',
  'Anon reads no member rows'
);

select * from finish();
rollback;
