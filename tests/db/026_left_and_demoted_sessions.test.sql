-- Rights to a live session follow current membership, by actor. The teacher who runs a
-- session and is demoted to student, and a co-teacher who leaves the academy, lose it at
-- once: the session tables, the dashboard, every action RPC (404 session_not_found), the
-- session topic and its Realtime channel, whatever rows still name them; promoted again,
-- the owner runs it again. A participant who leaves the academy reads nothing of the
-- session, hears no more of it on her user topic and cannot save. The academy's admin and
-- the students who stay keep what they had. Attempts outside sessions are in 013.

begin;
select plan(24);

-- East: admin Ada; teachers Tom (runs the session) and Cal (its co-teacher); students Sue
-- and Sam (in the session) and Kim (not in it). West: teacher Will.
select tests.create_academies('026');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom', 'cal');
select tests.add_members('east', 'student', 'sue', 'sam', 'kim');
select tests.add_members('west', 'teacher', 'will');

-- East's one-hour quiz: three questions with keys.
select tests.create_quiz();

-- Test-local helper: every action RPC on the session in test.session, with the error each
-- raises for the caller.
create function pg_temp.session_actions() returns table (sql text, error text)
language sql
set search_path = ''
as $$
  select c.sql, tests.error_of(c.sql)
  from unnest(array[
    'select public.get_session_dashboard(current_setting(''test.session'')::uuid)',
    'select public.rotate_session_join_code(current_setting(''test.session'')::uuid)',
    'select public.add_session_teacher(current_setting(''test.session'')::uuid, tests.get_supabase_uid(''ada''))',
    'select public.enroll_session_students(current_setting(''test.session'')::uuid, array[tests.get_supabase_uid(''kim'')])',
    'select public.admit_session_participants(current_setting(''test.session'')::uuid)',
    'select public.extend_participant_time(current_setting(''test.session'')::uuid, tests.get_supabase_uid(''sam''), 60, ''More'')',
    'select public.post_session_announcement(current_setting(''test.session'')::uuid, ''Hello'')',
    'select public.pause_exam_session(current_setting(''test.session'')::uuid)',
    'select public.resume_exam_session(current_setting(''test.session'')::uuid)',
    'select public.remove_session_participant(current_setting(''test.session'')::uuid, tests.get_supabase_uid(''sam''), ''Out'')',
    'select public.end_participant_attempt(current_setting(''test.session'')::uuid, tests.get_supabase_uid(''sam''), ''Done'')',
    'select public.launch_exam_session(current_setting(''test.session'')::uuid)',
    'select public.end_exam_session(current_setting(''test.session'')::uuid)'
  ]) as c (sql);
$$;
grant execute on function pg_temp.session_actions() to anon, authenticated;

-- Test-local helper: how many rows of test.session the caller reads in each session table
-- (the session, its participants, its co-teachers, its announcements) and in its topic.
create function pg_temp.rows_read() returns integer[]
language sql
set search_path = ''
as $$
  select array[
    (select count(*)::integer from public.exam_sessions as s where s.id = current_setting('test.session')::uuid),
    (select count(*)::integer from public.exam_session_participants as p
     where p.session_id = current_setting('test.session')::uuid),
    (select count(*)::integer from public.exam_session_teachers as t
     where t.session_id = current_setting('test.session')::uuid),
    (select count(*)::integer from public.exam_session_announcements as a
     where a.session_id = current_setting('test.session')::uuid),
    (select count(*)::integer from public.outbox_events as o where o.topic = 'session:' || current_setting('test.session'))];
$$;
grant execute on function pg_temp.rows_read() to authenticated;

-- Test-local helper: what the caller gets from Realtime on a private channel, as the
-- Realtime server asks the database (realtime.topic set, then a select and a presence insert).
create function pg_temp.realtime_probe(p_topic text) returns text
language plpgsql
set search_path = ''
as $$
declare
  seen integer;
  tracked text;
begin
  perform pg_catalog.set_config('realtime.topic', p_topic, true);
  select count(*) into seen from realtime.messages as m where m.topic = p_topic and m.extension = 'broadcast';
  tracked := tests.error_of(pg_catalog.format(
    'insert into realtime.messages (topic, extension, event, payload, private) values (%L, %L, %L, %L, true)',
    p_topic, 'presence', 'presence', '{"online": true}'));
  return pg_catalog.format('%s broadcasts, presence %s',
    case when seen > 0 then 'receives' else 'no' end,
    case when tracked = 'no error' then 'tracked' else 'refused ' || tracked end);
end;
$$;
grant execute on function pg_temp.realtime_probe(text) to authenticated;

-- Tom's session with co-teacher Cal: Sue and Sam enrolled, launched, one announcement; Sue
-- saves an answer.
select tests.authenticate_as('tom');
select from set_config('test.session', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 1') as s), true);
select from set_config('test.topic', 'session:' || current_setting('test.session'), true);
select from public.add_session_teacher(current_setting('test.session')::uuid, tests.get_supabase_uid('cal'));
select from public.enroll_session_students(current_setting('test.session')::uuid,
  array[tests.get_supabase_uid('sue'), tests.get_supabase_uid('sam')]);
select from public.launch_exam_session(current_setting('test.session')::uuid);
select from public.post_session_announcement(current_setting('test.session')::uuid, 'Ten minutes left');
select tests.authenticate_as('sue');
select from set_config('test.sue', (select a.id::text from public.exam_attempts as a
  where a.session_id = current_setting('test.session')::uuid), true);
select from public.apply_attempt_ops(current_setting('test.sue')::uuid,
  '[{"op_id": "50000000-0000-4000-8000-000000000001", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "b", "base_version": 0}]', 'sue-laptop');

-- Then Tom is demoted to student, and Cal and Sue leave East.
select tests.act_as_owner();
update public.academy_members set role = 'student'
where academy_id = '10000000-0000-4000-8000-000000000001' and user_id = tests.get_supabase_uid('tom');
delete from public.academy_members
where academy_id = '10000000-0000-4000-8000-000000000001' and user_id in (tests.get_supabase_uid('cal'), tests.get_supabase_uid('sue'));

-- ==========================================================================================
-- Co-teacher who left the academy (Cal)
-- ==========================================================================================

select tests.authenticate_as('cal');

select is(
  pg_temp.rows_read(),
  array[0, 0, 0, 0, 0],
  'A co-teacher who left the academy reads nothing of the session: not it, its participants, co-teachers, announcements nor events'
);

select is(
  pg_temp.realtime_probe(current_setting('test.topic')),
  'no broadcasts, presence refused 42501',
  'A co-teacher who left the academy receives nothing on the session''s Realtime channel and cannot track presence there'
);

select is_empty(
  $$ select * from pg_temp.session_actions() where error <> 'PGRST session_not_found' $$,
  'A co-teacher who left the academy is refused the dashboard and every action on the session, as not found'
);

-- ==========================================================================================
-- Teacher who runs the session, demoted to student (Tom)
-- ==========================================================================================

select tests.authenticate_as('tom');

select is(
  pg_temp.rows_read(),
  array[0, 0, 0, 0, 0],
  'A teacher demoted to student reads nothing of the session he runs: not it, its participants, co-teachers, announcements nor events'
);

select is(
  tests.error_of($$ select public.get_session_dashboard(current_setting('test.session')::uuid) $$),
  'PGRST session_not_found',
  'A teacher demoted to student no longer gets the dashboard of his session, with every student''s name and score (404)'
);

select is(
  private.can_read_topic(current_setting('test.topic')),
  false,
  'A teacher demoted to student may not read his session''s topic'
);

select is(
  pg_temp.realtime_probe(current_setting('test.topic')),
  'no broadcasts, presence refused 42501',
  'A teacher demoted to student receives nothing on his session''s Realtime channel and cannot track presence there'
);

select is_empty(
  $$ select * from pg_temp.session_actions() where error <> 'PGRST session_not_found' $$,
  'A teacher demoted to student is refused every action on his session (pause, resume, extend, end …) as not found'
);

-- ==========================================================================================
-- Participant who left the academy (Sue)
-- ==========================================================================================

select tests.authenticate_as('sue');

select is(
  pg_temp.rows_read(),
  array[0, 0, 0, 0, 0],
  'A participant who left the academy reads nothing of the session: not it, her participation nor its announcements'
);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.sue')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000002", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000002", "value": true, "base_version": 0}]', 'sue-laptop') $$),
  'PGRST attempt_not_found',
  'A participant who left the academy cannot save on her session attempt (404)'
);

-- ==========================================================================================
-- Academy admin (Ada): still runs the session
-- ==========================================================================================

select tests.authenticate_as('ada');

select is(
  pg_temp.rows_read(),
  array[1, 2, 1, 1, (select count(*)::integer from public.outbox_events as o where o.topic = current_setting('test.topic'))],
  'The academy''s admin still reads the session, both participants, the co-teacher row and the announcement'
);

select from set_config('test.mark', (select coalesce(max(o.id), 0)::text from public.outbox_events as o), true);

select is(
  tests.error_of($$ select public.post_session_announcement(current_setting('test.session')::uuid, 'Five minutes left') $$),
  'no error',
  'The academy''s admin still posts an announcement to the session'
);

select is(
  tests.error_of($$ select public.pause_exam_session(current_setting('test.session')::uuid) $$),
  'no error',
  'The academy''s admin still pauses the session'
);

select tests.act_as_owner();

select is_empty(
  $$
    select o.event from public.outbox_events as o
    where o.topic = 'user:' || tests.get_supabase_uid('sue') and o.id > current_setting('test.mark')::bigint
  $$,
  'A participant who left the academy hears neither the announcement nor the pause on her user topic'
);

select results_eq(
  $$
    select o.event from public.outbox_events as o
    where o.topic = 'user:' || tests.get_supabase_uid('sam') and o.id > current_setting('test.mark')::bigint
    order by o.id
  $$,
  $$ values ('announcement'), ('session_status') $$,
  'A participant who stays hears the announcement and the pause on his user topic'
);

-- ==========================================================================================
-- Participant who stays (Sam)
-- ==========================================================================================

select tests.authenticate_as('sam');

select is(
  (pg_temp.rows_read())[1:4],
  array[1, 1, 0, 2],
  'A participant who stays reads the session, his own participation and both announcements'
);

select is(
  private.can_read_topic(current_setting('test.topic')),
  false,
  'A participant who stays still may not read the session topic, which is for who runs it'
);

-- ==========================================================================================
-- Teacher promoted back (Tom) and student who rejoined (Sue)
-- ==========================================================================================

select tests.act_as_owner();
update public.academy_members set role = 'teacher'
where academy_id = '10000000-0000-4000-8000-000000000001' and user_id = tests.get_supabase_uid('tom');
insert into public.academy_members (academy_id, user_id, role)
values ('10000000-0000-4000-8000-000000000001', tests.get_supabase_uid('sue'), 'student');

select tests.authenticate_as('tom');

select is(
  tests.error_of($$ select public.get_session_dashboard(current_setting('test.session')::uuid) $$),
  'no error',
  'A teacher promoted back runs his session again: he gets its dashboard'
);

select is(
  private.can_read_topic(current_setting('test.topic')),
  true,
  'A teacher promoted back reads his session''s topic again'
);

select tests.authenticate_as('sue');

select is(
  (pg_temp.rows_read())[1:2],
  array[1, 1],
  'A student who rejoins the academy reads her session and her participation again'
);

-- ==========================================================================================
-- Another student of the academy (Kim), a teacher of another academy (Will) and anon
-- ==========================================================================================

select tests.authenticate_as('kim');

select is(
  pg_temp.rows_read(),
  array[0, 0, 0, 0, 0],
  'A student of the academy who is not in the session reads nothing of it'
);

select tests.authenticate_as('will');

select is(
  pg_temp.rows_read(),
  array[0, 0, 0, 0, 0],
  'A teacher of another academy reads nothing of the session'
);

select is_empty(
  $$ select * from pg_temp.session_actions() where error <> 'PGRST session_not_found' $$,
  'A teacher of another academy is refused every action on the session, as not found'
);

select tests.clear_authentication();

select is_empty(
  $$ select * from pg_temp.session_actions() where error <> '42501' $$,
  'Anon is refused every action on the session outright (42501)'
);

select * from finish();
rollback;
