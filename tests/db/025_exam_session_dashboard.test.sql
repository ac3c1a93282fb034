-- Connections and the live dashboard by actor. update_attempt_heartbeat creates a
-- connection per device; a user's fourth live connection drops their oldest (logged as
-- connection_dropped); the cleanup job removes silent connections, and when a student of a
-- running session loses their last one the session topic hears participant_left, once.
-- get_session_dashboard gives every participant's status, connected devices, answered /
-- total, flagged, current question, remaining time and score once graded, and totals
-- (joined, waiting, active, submitted, removed, disconnected) that match the tables; only
-- the session's teachers and the academy's admins may call it.

begin;
select plan(23);

-- East: admin Ada; teachers Tom (runs the session), Cal (its co-teacher) and Tia;
-- students Sue, Sam, Kim and Rex (in the session), Lea (waiting in its lobby) and Ned
-- (not in it). West: teacher Will.
select tests.create_academies('025');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom', 'cal', 'tia');
select tests.add_members('east', 'student', 'sue', 'sam', 'kim', 'rex', 'lea', 'ned');
select tests.add_members('west', 'teacher', 'will');

-- East's one-hour quiz: three questions with keys.
select tests.create_quiz();


-- Test-local helper: the caller's dashboard of test.session, one row per participant.
create function pg_temp.dashboard_rows()
returns table (display_name text, status text, connected_devices integer, answered integer, total integer,
  flagged integer, current_question_id uuid, remaining_ms bigint, score numeric, grading_status text)
language sql
set search_path = ''
as $$
  select x.display_name, x.status, x.connected_devices, x.answered, x.total, x.flagged, x.current_question_id,
    x.remaining_ms, x.score, x.grading_status
  from jsonb_to_recordset(to_jsonb(public.get_session_dashboard(current_setting('test.session')::uuid)) -> 'participants') as x (
    display_name text, status text, connected_devices integer, answered integer, total integer, flagged integer,
    current_question_id uuid, remaining_ms bigint, score numeric, grading_status text);
$$;
grant execute on function pg_temp.dashboard_rows() to authenticated;

-- Test-local helper: the calling student's attempt in test.session.
create function pg_temp.my_attempt() returns uuid
language sql
set search_path = ''
as $$
  select p.attempt_id from public.exam_session_participants as p
  where p.session_id = current_setting('test.session')::uuid and p.user_id = (select auth.uid());
$$;
grant execute on function pg_temp.my_attempt() to authenticated;

-- Tom's session (co-teacher Cal): Sue, Sam, Kim and Rex enrolled, Lea joined and waits;
-- launched; Rex removed.
select tests.authenticate_as('tom');
select from set_config('test.session', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 1') as s), true);
select from set_config('test.topic', 'session:' || current_setting('test.session'), true);
select from set_config('test.code', (select s.join_code from public.exam_sessions as s
  where s.id = current_setting('test.session')::uuid), true);
select from public.add_session_teacher(current_setting('test.session')::uuid, tests.get_supabase_uid('cal'));
select from public.enroll_session_students(current_setting('test.session')::uuid, array[
  tests.get_supabase_uid('sue'), tests.get_supabase_uid('sam'), tests.get_supabase_uid('kim'), tests.get_supabase_uid('rex')]);
select tests.authenticate_as('lea');
select from public.join_exam_session(current_setting('test.code'));
select tests.authenticate_as('tom');
select from public.launch_exam_session(current_setting('test.session')::uuid);
select from public.remove_session_participant(current_setting('test.session')::uuid, tests.get_supabase_uid('rex'),
  'Left the room');

-- ==========================================================================================
-- Student in the session (Sue): devices
-- ==========================================================================================

select tests.authenticate_as('sue');

select results_eq(
  $$
    select h.live_connections, h.collision_detected, h.remaining_ms
    from public.update_attempt_heartbeat(pg_temp.my_attempt(), 'sue-laptop') as h
  $$,
  $$ values (1, false, 3600000::bigint) $$,
  'A student''s first heartbeat connects their device and answers with the server''s remaining time'
);

select results_eq(
  $$ select c.client_id, c.user_id from public.attempt_connections as c where c.attempt_id = pg_temp.my_attempt() $$,
  $$ values ('sue-laptop', tests.get_supabase_uid('sue')) $$,
  'The heartbeat created the device''s connection row'
);

-- Two more devices; the laptop was last heard 30 s ago, the tablet 20 s, the phone 10 s.
select from public.update_attempt_heartbeat(pg_temp.my_attempt(), 'sue-tablet');
select from public.update_attempt_heartbeat(pg_temp.my_attempt(), 'sue-phone');
select tests.act_as_owner();
update public.attempt_connections as c
set last_heartbeat_at = now() - case c.client_id when 'sue-laptop' then interval '30 seconds'
  when 'sue-tablet' then interval '20 seconds' else interval '10 seconds' end
where c.user_id = tests.get_supabase_uid('sue');
select tests.authenticate_as('sue');

select is(
  (select h.live_connections from public.update_attempt_heartbeat(pg_temp.my_attempt(), 'sue-desktop') as h),
  3,
  'A fourth device leaves the student three live connections'
);

select set_eq(
  $$ select c.client_id from public.attempt_connections as c where c.user_id = tests.get_supabase_uid('sue') $$,
  array['sue-tablet', 'sue-phone', 'sue-desktop'],
  'The device heard from least recently was dropped'
);

select results_eq(
  $$
    select e.client_id, e.details ->> 'reason' from public.attempt_activity_events as e
    where e.attempt_id = pg_temp.my_attempt() and e.event_type = 'connection_dropped'
  $$,
  $$ values ('sue-laptop', 'connection_limit') $$,
  'The drop is recorded in the attempt''s activity log'
);

select from set_config('test.sue_attempt', pg_temp.my_attempt()::text, true);

-- Sue answers two questions (one right), flags the third and moves to it.
select from public.apply_attempt_ops(pg_temp.my_attempt(), jsonb_build_array(
  jsonb_build_object('op_id', gen_random_uuid(), 'type', 'answer', 'question_id', '40000000-0000-4000-8000-000000000001',
    'value', 'b', 'base_version', 0),
  jsonb_build_object('op_id', gen_random_uuid(), 'type', 'answer', 'question_id', '40000000-0000-4000-8000-000000000002',
    'value', false, 'base_version', 0),
  jsonb_build_object('op_id', gen_random_uuid(), 'type', 'flag', 'question_id', '40000000-0000-4000-8000-000000000003'),
  jsonb_build_object('op_id', gen_random_uuid(), 'type', 'position', 'question_id', '40000000-0000-4000-8000-000000000003')));

-- Kim answers two questions right and Tom ends her attempt.
select tests.authenticate_as('kim');
select from public.apply_attempt_ops(pg_temp.my_attempt(), jsonb_build_array(
  jsonb_build_object('op_id', gen_random_uuid(), 'type', 'answer', 'question_id', '40000000-0000-4000-8000-000000000001',
    'value', 'b', 'base_version', 0),
  jsonb_build_object('op_id', gen_random_uuid(), 'type', 'answer', 'question_id', '40000000-0000-4000-8000-000000000002',
    'value', true, 'base_version', 0)));
select tests.authenticate_as('tom');
select from public.end_participant_attempt(current_setting('test.session')::uuid, tests.get_supabase_uid('kim'), 'Finished early');

-- ==========================================================================================
-- Student whose devices fall silent (Sam), and the cleanup job (service role)
-- ==========================================================================================

select tests.authenticate_as('sam');
select from public.update_attempt_heartbeat(pg_temp.my_attempt(), 'sam-laptop');
select from public.update_attempt_heartbeat(pg_temp.my_attempt(), 'sam-phone');

select is(
  tests.error_of($$ select public.update_attempt_heartbeat(current_setting('test.sue_attempt')::uuid, 'sam-spoof') $$),
  'PGRST attempt_not_found',
  'A student cannot send a heartbeat on another student''s attempt'
);

select is(
  tests.error_of($$ select public.cleanup_stale_attempt_connections(60) $$),
  '42501',
  'A student cannot run the connection cleanup'
);

-- Both of Sam's devices were last heard two minutes ago.
select tests.act_as_owner();
update public.attempt_connections set last_heartbeat_at = now() - interval '2 minutes'
where user_id = tests.get_supabase_uid('sam');
select tests.authenticate_as_service_role();

select is(
  public.cleanup_stale_attempt_connections(60),
  2,
  'The cleanup job removes the two connections silent for longer than the timeout, and only those'
);

select tests.authenticate_as('tom');

select is(
  tests.error_of($$ select public.update_attempt_heartbeat(current_setting('test.sue_attempt')::uuid, 'tom-laptop') $$),
  'PGRST attempt_not_found',
  'A teacher cannot connect a device to a student''s attempt'
);

select results_eq(
  $$
    select o.payload ->> 'user_id' from public.outbox_events as o
    where o.topic = current_setting('test.topic') and o.event = 'participant_left'
  $$,
  $$ values (tests.get_supabase_uid('sam')::text) $$,
  'The session topic hears once that the student whose devices all fell silent left; not about the dropped laptop'
);

-- ==========================================================================================
-- Teacher who runs the session (Tom): the dashboard
-- ==========================================================================================

select results_eq(
  $$ select * from pg_temp.dashboard_rows() $$,
  $$
    values
      ('kim', 'submitted', 0, 2, 3, 0, '40000000-0000-4000-8000-000000000001'::uuid, 0::bigint, 2.00, 'graded'),
      ('lea', 'waiting', 0, 0, 3, 0, null, null, null, null),
      ('rex', 'removed', 0, 0, 3, 0, '40000000-0000-4000-8000-000000000001'::uuid, 3600000::bigint, null, 'ungraded'),
      ('sam', 'active', 0, 0, 3, 0, '40000000-0000-4000-8000-000000000001'::uuid, 3600000::bigint, null, 'ungraded'),
      ('sue', 'active', 3, 2, 3, 1, '40000000-0000-4000-8000-000000000003'::uuid, 3600000::bigint, null, 'ungraded')
  $$,
  'The dashboard shows each participant''s status, devices, answered of total, flags, current question, time left and score'
);

select is(
  to_jsonb(public.get_session_dashboard(current_setting('test.session')::uuid)) -> 'totals',
  '{"joined": 4, "waiting": 1, "active": 2, "submitted": 1, "removed": 1, "disconnected": 1}'::jsonb,
  'The dashboard totals: four joined, one waiting, two active, one submitted, one removed, one disconnected'
);

select is(
  to_jsonb(public.get_session_dashboard(current_setting('test.session')::uuid)) -> 'totals',
  (select jsonb_build_object(
     'joined', count(*) filter (where p.status not in ('removed', 'banned')),
     'waiting', count(*) filter (where p.status in ('waiting', 'admitted')),
     'active', count(*) filter (where p.status = 'active' and a.status in ('in_progress', 'overdue')),
     'submitted', count(*) filter (where p.status = 'submitted'),
     'removed', count(*) filter (where p.status in ('removed', 'banned')),
     'disconnected', count(*) filter (where p.status = 'active' and a.status in ('in_progress', 'overdue')
       and not exists (select 1 from public.attempt_connections as c
         where c.attempt_id = a.id and c.last_heartbeat_at > now() - interval '45 seconds')))
   from public.exam_session_participants as p left join public.exam_attempts as a on a.id = p.attempt_id
   where p.session_id = current_setting('test.session')::uuid),
  'The dashboard totals match the participants, attempts and connections tables'
);

select results_eq(
  $$
    select d -> 'session' ->> 'status', (d -> 'session' ->> 'remaining_ms')::bigint, d -> 'session' ->> 'join_code',
      (d ->> 'server_now')::timestamptz = now(), (d ->> 'last_event_id')::bigint > 0
    from to_jsonb(public.get_session_dashboard(current_setting('test.session')::uuid)) as d
  $$,
  $$ values ('active', 3600000::bigint, current_setting('test.code'), true, true) $$,
  'The dashboard shows the session''s status, time left and join code, the server''s clock and where to resume the stream'
);

select from public.end_exam_session(current_setting('test.session')::uuid);

select results_eq(
  $$
    select d.display_name, d.status, d.connected_devices, d.remaining_ms, d.score, d.grading_status
    from pg_temp.dashboard_rows() as d where d.display_name in ('sam', 'sue')
  $$,
  $$ values ('sam', 'submitted', 0, 0::bigint, 0.00, 'graded'), ('sue', 'submitted', 0, 0::bigint, 1.00, 'graded') $$,
  'Once the session ends, the dashboard shows every student submitted, disconnected and scored'
);

select is(
  to_jsonb(public.get_session_dashboard(current_setting('test.session')::uuid)) -> 'totals',
  '{"joined": 4, "waiting": 1, "active": 0, "submitted": 3, "removed": 1, "disconnected": 0}'::jsonb,
  'Once the session ends, the totals show three submitted and nobody active'
);

-- ==========================================================================================
-- Co-teacher (Cal) and academy admin (Ada): they may call the dashboard
-- ==========================================================================================

select tests.authenticate_as('cal');

select is(
  (select count(*)::integer from pg_temp.dashboard_rows()),
  5,
  'A co-teacher reads the dashboard with every participant'
);

select tests.authenticate_as('ada');

select is(
  (select count(*)::integer from pg_temp.dashboard_rows()),
  5,
  'An admin of the academy reads the dashboard with every participant'
);

-- ==========================================================================================
-- Another teacher (Tia), students in and not in the session (Sue, Ned), a teacher of
-- another academy (Will), anon: they may not
-- ==========================================================================================

select tests.authenticate_as('tia');

select is(
  tests.error_of($$ select public.get_session_dashboard(current_setting('test.session')::uuid) $$),
  'PGRST session_not_found',
  'Another teacher of the academy cannot read the dashboard of a session they do not run'
);

select tests.authenticate_as('sue');

select is(
  tests.error_of($$ select public.get_session_dashboard(current_setting('test.session')::uuid) $$),
  'PGRST session_not_found',
  'A student of the session cannot read its dashboard'
);

select tests.authenticate_as('ned');

select is(
  tests.error_of($$ select public.get_session_dashboard(current_setting('test.session')::uuid) $$),
  'PGRST session_not_found',
  'A student not in the session cannot read its dashboard'
);

select tests.authenticate_as('will');

select is(
  tests.error_of($$ select public.get_session_dashboard(current_setting('test.session')::uuid) $$),
  'PGRST session_not_found',
  'A teacher of another academy cannot read the dashboard'
);

select tests.clear_authentication();

select throws_ok(
  $$ select public.get_session_dashboard(current_setting('test.session')::uuid) $$,
  '42501', 'permission denied for function get_session_dashboard',
  'Anon cannot call the dashboard'
);

select * from finish();
rollback;
