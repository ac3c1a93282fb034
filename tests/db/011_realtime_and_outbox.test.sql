-- Realtime and the outbox by actor: a student's save lands one outbox event and one private
-- broadcast row in realtime.messages on topic attempt:<id>; Realtime's authorization probe
-- (set realtime.topic, then select and insert presence as the user) lets the student and the
-- academy's teachers and admins join, and nobody else; the outbox reads the same.

begin;
select plan(35);

-- East: admin Ada, teacher Tom, students Sue and Sam; West: teacher Will, student Bea.
-- East's published exam: one hour, 60 s grace, free navigation, merge strategy; two
-- sections and one question of every type, each with its key (tests.create_mixed_exam).
select tests.create_exam_fixture('011');

-- Sue and Sam each start an attempt; Sue saves one answer from her laptop.
select tests.authenticate_as('sam');
select from set_config('test.sam', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);
select tests.authenticate_as('sue');
select from set_config('test.sue', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);
select from set_config('test.topic', 'attempt:' || current_setting('test.sue'), true);

select from public.apply_attempt_ops(current_setting('test.sue')::uuid,
  '[{"op_id": "50000000-0000-4000-8000-000000000001", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "c", "base_version": 0}]',
  'laptop');

-- ==========================================================================================
-- Owner: what the save sent
-- ==========================================================================================

select tests.act_as_owner();

select has_trigger('public', 'outbox_events', 'broadcast_outbox_event', 'Every outbox insert is broadcast by a trigger');

select results_eq(
  $$
    select o.event, o.payload -> 'answers' from public.outbox_events as o
    where o.topic = current_setting('test.topic') order by o.id
  $$,
  $$
    values
      ('attempt_started', null::jsonb),
      ('ops_applied', '[{"value": "c", "version": 1, "question_id": "40000000-0000-4000-8000-000000000001"}]'::jsonb)
  $$,
  'The save appended one ops_applied event with the new answer and its version to the attempt''s topic'
);

select results_eq(
  $$
    select m.event, m.extension, m.private, (m.payload ->> 'event_id')::bigint
    from realtime.messages as m where m.topic = current_setting('test.topic') order by m.inserted_at, m.event
  $$,
  $$
    select o.event, 'broadcast', true, o.id from public.outbox_events as o
    where o.topic = current_setting('test.topic') order by o.id
  $$,
  'Each outbox event landed one private broadcast row in realtime.messages carrying its event id'
);

-- ==========================================================================================
-- Student (Sue), owner of the attempt
-- ==========================================================================================

select tests.authenticate_as('sue');
select from set_config('realtime.topic', current_setting('test.topic'), true);

select ok(
  (select count(*) from realtime.messages where topic = current_setting('test.topic')) = 2,
  'Realtime''s probe lets the student read their attempt''s channel'
);

select lives_ok(
  $$
    insert into realtime.messages (topic, extension, event, payload, private)
    values (current_setting('test.topic'), 'presence', 'presence', '{"device": "laptop"}', true)
  $$,
  'Realtime''s probe lets the student track presence on their attempt''s channel'
);

select throws_ok(
  $$
    insert into realtime.messages (topic, extension, event, payload, private)
    values (current_setting('test.topic'), 'broadcast', 'ops_applied', '{"answers": []}', true)
  $$,
  '42501', null,
  'A student cannot broadcast on their attempt''s channel: only the database does'
);

select is(
  (select count(*)::integer from public.outbox_events where topic = current_setting('test.topic')),
  2,
  'A student reads the outbox events of their attempt'
);

select throws_ok(
  $$ insert into public.outbox_events (topic, event) values (current_setting('test.topic'), 'attempt_submitted') $$,
  '42501', 'permission denied for table outbox_events',
  'A student cannot write to the outbox'
);

select from set_config('realtime.topic', 'attempt:' || current_setting('test.sam'), true);

select is_empty(
  $$ select * from realtime.messages where topic = 'attempt:' || current_setting('test.sam') $$,
  'A student cannot join another student''s attempt channel'
);

select from set_config('realtime.topic', current_setting('test.topic'), true);

select is_empty(
  $$ select * from realtime.messages where topic = 'attempt:' || current_setting('test.sam') $$,
  'Joined to their own channel, a student still reads no message of another student''s channel'
);

select from set_config('realtime.topic', 'user:' || tests.get_supabase_uid('sue'), true);

select lives_ok(
  $$
    insert into realtime.messages (topic, extension, event, payload, private)
    values ('user:' || tests.get_supabase_uid('sue'), 'presence', 'presence', '{}', true)
  $$,
  'A student may join their own user channel'
);

select from set_config('realtime.topic', 'user:' || tests.get_supabase_uid('sam'), true);

select throws_ok(
  $$
    insert into realtime.messages (topic, extension, event, payload, private)
    values ('user:' || tests.get_supabase_uid('sam'), 'presence', 'presence', '{}', true)
  $$,
  '42501', null,
  'A student cannot join another user''s channel'
);

select from set_config('realtime.topic', 'attempt:not-a-uuid', true);

select throws_ok(
  $$
    insert into realtime.messages (topic, extension, event, payload, private)
    values ('attempt:not-a-uuid', 'presence', 'presence', '{}', true)
  $$,
  '42501', null,
  'A malformed attempt topic lets nobody join'
);

-- Saves that change nothing others must see send nothing.
select from public.apply_attempt_ops(current_setting('test.sue')::uuid, '[
  {"op_id": "50000000-0000-4000-8000-000000000001", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "c", "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000002", "type": "timer", "remaining_ms": 3500000},
  {"op_id": "50000000-0000-4000-8000-000000000003", "type": "activity", "event": "visibility_hidden"}
]', 'laptop');

select is(
  (select count(*)::integer from public.outbox_events where topic = current_setting('test.topic')),
  2,
  'A replay, a timer report and client activity add no outbox event'
);

-- ==========================================================================================
-- Teacher (Tom) and admin (Ada) of the academy
-- ==========================================================================================

select tests.authenticate_as('tom');
select from set_config('realtime.topic', current_setting('test.topic'), true);

select ok(
  (select count(*) from realtime.messages where topic = current_setting('test.topic')) >= 2,
  'Realtime''s probe lets a teacher of the academy read a student''s attempt channel'
);

select lives_ok(
  $$
    insert into realtime.messages (topic, extension, event, payload, private)
    values (current_setting('test.topic'), 'presence', 'presence', '{"proctor": true}', true)
  $$,
  'Realtime''s probe lets a teacher of the academy track presence on it'
);

select is(
  (select count(*)::integer from public.outbox_events where topic = current_setting('test.topic')),
  2,
  'A teacher of the academy reads the attempt''s outbox events'
);

select tests.authenticate_as('ada');
select from set_config('realtime.topic', current_setting('test.topic'), true);

select ok(
  (select count(*) from realtime.messages where topic = current_setting('test.topic')) >= 2,
  'Realtime''s probe lets an admin of the academy read a student''s attempt channel'
);

select is(
  (select count(*)::integer from public.outbox_events),
  3,
  'An admin reads the outbox events of every attempt of the academy'
);

-- ==========================================================================================
-- Another student of the academy (Sam)
-- ==========================================================================================

select tests.authenticate_as('sam');
select from set_config('realtime.topic', current_setting('test.topic'), true);

select is(
  (select count(*)::integer from realtime.messages where topic = current_setting('test.topic')),
  0,
  'Realtime''s probe finds nothing for another student on Sue''s attempt channel'
);

select throws_ok(
  $$
    insert into realtime.messages (topic, extension, event, payload, private)
    values (current_setting('test.topic'), 'presence', 'presence', '{}', true)
  $$,
  '42501', null,
  'Realtime''s probe refuses another student presence on Sue''s attempt channel'
);

select is_empty(
  $$ select * from public.outbox_events where topic = current_setting('test.topic') $$,
  'Another student reads none of Sue''s outbox events'
);

select from set_config('realtime.topic', 'attempt:' || current_setting('test.sam'), true);

select throws_ok(
  $$
    insert into realtime.messages (topic, extension, event, payload, private)
    values (current_setting('test.topic'), 'presence', 'presence', '{"spoof": true}', true)
  $$,
  '42501', null,
  'Joined to their own channel, another student still cannot put a row on Sue''s channel'
);

select is(
  (select count(*)::integer from public.outbox_events where topic = 'attempt:' || current_setting('test.sam')),
  1,
  'Another student reads the outbox events of their own attempt'
);

-- ==========================================================================================
-- Teacher and student of another academy (Will, Bea)
-- ==========================================================================================

select tests.authenticate_as('will');
select from set_config('realtime.topic', current_setting('test.topic'), true);

select is(
  (select count(*)::integer from realtime.messages where topic = current_setting('test.topic')),
  0,
  'Realtime''s probe finds nothing for a teacher of another academy'
);

select throws_ok(
  $$
    insert into realtime.messages (topic, extension, event, payload, private)
    values (current_setting('test.topic'), 'presence', 'presence', '{}', true)
  $$,
  '42501', null,
  'Realtime''s probe refuses a teacher of another academy presence'
);

select is_empty(
  $$ select * from public.outbox_events $$,
  'A teacher of another academy reads no outbox event of East'
);

select tests.authenticate_as('bea');
select from set_config('realtime.topic', current_setting('test.topic'), true);

select is(
  (select count(*)::integer from realtime.messages where topic = current_setting('test.topic')),
  0,
  'Realtime''s probe finds nothing for a student of another academy'
);

select throws_ok(
  $$
    insert into realtime.messages (topic, extension, event, payload, private)
    values (current_setting('test.topic'), 'presence', 'presence', '{}', true)
  $$,
  '42501', null,
  'Realtime''s probe refuses a student of another academy presence'
);

-- ==========================================================================================
-- Anon
-- ==========================================================================================

select tests.clear_authentication();
select from set_config('realtime.topic', current_setting('test.topic'), true);

select is(
  (select count(*)::integer from realtime.messages where topic = current_setting('test.topic')),
  0,
  'Realtime''s probe finds nothing for anon'
);

select throws_ok(
  $$
    insert into realtime.messages (topic, extension, event, payload, private)
    values (current_setting('test.topic'), 'presence', 'presence', '{}', true)
  $$,
  '42501', null,
  'Realtime''s probe refuses anon presence'
);

select throws_ok(
  $$ select * from public.outbox_events $$,
  '42501', 'permission denied for table outbox_events',
  'Anon cannot read the outbox'
);

-- ==========================================================================================
-- Service role: the SSE function's reader
-- ==========================================================================================

select tests.authenticate_as_service_role();

select results_eq(
  $$ select event from public.outbox_events where topic = current_setting('test.topic') order by id $$,
  $$ values ('attempt_started'), ('ops_applied') $$,
  'The service role reads a topic''s events in id order'
);

-- ==========================================================================================
-- Student (Sue): one more save, one more message
-- ==========================================================================================

select tests.authenticate_as('sue');
select from set_config('realtime.topic', current_setting('test.topic'), true);

select from public.update_flagged_questions(current_setting('test.sue')::uuid, '40000000-0000-4000-8000-000000000002', true);

select results_eq(
  $$
    select m.event, m.payload -> 'flags', m.private
    from realtime.messages as m
    where m.topic = current_setting('test.topic') and m.extension = 'broadcast'
      and (m.payload ->> 'event_id')::bigint = (select max(o.id) from public.outbox_events as o where o.topic = current_setting('test.topic'))
  $$,
  $$ values ('ops_applied', '["40000000-0000-4000-8000-000000000002"]'::jsonb, true) $$,
  'Flagging a question lands a private broadcast with the flags for the student''s other devices'
);

select ok(
  (select max(id) from public.outbox_events where topic = current_setting('test.topic'))
    = (public.get_attempt_state(current_setting('test.sue')::uuid)).last_event_id,
  'The attempt state names the last event id, where a stream resumes from'
);

select * from finish();
rollback;
