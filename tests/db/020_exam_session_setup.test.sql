-- Setting up a live exam session by actor: create_exam_session (teachers and admins of the
-- exam's academy only; a join code without look-alikes; settings validated, 22023),
-- rotate_session_join_code (a new code, unique among sessions not ended) and
-- add_session_teacher (a co-teacher may then run the session; a student may not be one).
-- Joining is in 021, running in 022, access in 023, events in 024, the dashboard in 025.

begin;
select plan(38);

-- East: admin Ada; teachers Tom (runs the session), Cal (made co-teacher) and Tia;
-- student Sue. West: teacher Will.
select tests.create_academies('020');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom', 'cal', 'tia');
select tests.add_members('east', 'student', 'sue');
select tests.add_members('west', 'teacher', 'will');

-- East's one-hour quiz and West's exam, one question each.
select tests.create_one_question_quizzes();


-- ==========================================================================================
-- Teacher who runs the session (Tom)
-- ==========================================================================================

select tests.authenticate_as('tom');

select from set_config('test.session', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001') as s), true);

select results_eq(
  $$
    select s.academy_id, s.owner_id, s.title, s.status::text, s.mode::text, s.duration_seconds,
      s.late_join_allowed, s.auto_submit_at_end, s.started_at, s.deadline_at
    from public.exam_sessions as s where s.id = current_setting('test.session')::uuid
  $$,
  $$
    values ('10000000-0000-4000-8000-000000000001'::uuid, tests.get_supabase_uid('tom'), 'East Quiz', 'lobby',
      'diagnostic', 3600, true, true, null::timestamptz, null::timestamptz)
  $$,
  'A teacher creates a session of their academy''s exam: a lobby they own, with the exam''s title and duration and default settings'
);

select matches(
  (select s.join_code from public.exam_sessions as s where s.id = current_setting('test.session')::uuid),
  '^[A-HJ-NP-Z2-9]{6}$',
  'A new session has a six-character join code without look-alike characters'
);

select results_eq(
  $$
    select s.title, s.status::text, s.mode::text, s.duration_seconds, s.late_join_allowed, s.auto_submit_at_end,
      s.scheduled_start_at = now() + interval '1 day'
    from public.create_exam_session('20000000-0000-4000-8000-000000000001', '  Period 3  ', 1800,
      now() + interval '1 day', '{"late_join_allowed": false, "auto_submit_at_end": false, "mode": "practice"}') as s
  $$,
  $$ values ('Period 3', 'scheduled', 'practice', 1800, false, false, true) $$,
  'A teacher creates a session scheduled for tomorrow with its own title, duration and settings'
);

select is(
  tests.error_of($$ select public.create_exam_session('20000000-0000-4000-8000-000000000001', null, null, null,
    '{"late_join_allowed": true, "proctored": true}') $$),
  '22023 invalid_settings',
  'A teacher cannot create a session with an unknown setting'
);

select is(
  tests.error_of($$ select public.create_exam_session('20000000-0000-4000-8000-000000000001', null, null, null,
    '{"late_join_allowed": "yes"}') $$),
  '22023 invalid_settings',
  'A teacher cannot create a session whose late_join_allowed is not a boolean'
);

select is(
  tests.error_of($$ select public.create_exam_session('20000000-0000-4000-8000-000000000001', null, null, null,
    '{"mode": "cramming"}') $$),
  '22023 invalid_settings',
  'A teacher cannot create a session in an unknown mode'
);

select is(
  tests.error_of($$ select public.create_exam_session('20000000-0000-4000-8000-000000000001', null, null, null,
    '["late_join_allowed"]') $$),
  '22023 invalid_settings',
  'A teacher cannot create a session whose settings are not a JSON object'
);

select is(
  tests.error_of($$ select public.create_exam_session('20000000-0000-4000-8000-000000000001', null, 30) $$),
  '22023 invalid_duration',
  'A teacher cannot create a session shorter than a minute'
);

select is(
  tests.error_of($$ select public.create_exam_session('20000000-0000-4000-8000-000000000002') $$),
  'PGRST exam_not_found',
  'A teacher cannot create a session of another academy''s exam: it is not found'
);

select is(
  tests.error_of($$ select public.create_exam_session(gen_random_uuid()) $$),
  'PGRST exam_not_found',
  'A teacher cannot create a session of an exam that does not exist'
);

select from set_config('test.old_code',
  (select s.join_code from public.exam_sessions as s where s.id = current_setting('test.session')::uuid), true);

select isnt(
  (select s.join_code from public.rotate_session_join_code(current_setting('test.session')::uuid) as s),
  current_setting('test.old_code'),
  'A teacher rotates their session''s join code and gets a new one'
);

select results_eq(
  $$
    select s.join_code ~ '^[A-HJ-NP-Z2-9]{6}$', s.join_code <> current_setting('test.old_code')
    from public.exam_sessions as s where s.id = current_setting('test.session')::uuid
  $$,
  $$ values (true, true) $$,
  'The rotated code is stored and keeps the join code format'
);

select is(
  (select t.user_id from public.add_session_teacher(current_setting('test.session')::uuid,
    tests.get_supabase_uid('cal')) as t),
  tests.get_supabase_uid('cal'),
  'A teacher adds another teacher of the academy as co-teacher'
);

select lives_ok(
  $$ select public.add_session_teacher(current_setting('test.session')::uuid, tests.get_supabase_uid('cal')) $$,
  'Adding the same co-teacher again is harmless'
);

select is(
  tests.error_of($$ select public.add_session_teacher(current_setting('test.session')::uuid,
    tests.get_supabase_uid('sue')) $$),
  '22023 not_a_teacher',
  'A teacher cannot make a student a co-teacher'
);

select is(
  tests.error_of($$ select public.add_session_teacher(current_setting('test.session')::uuid,
    tests.get_supabase_uid('will')) $$),
  '22023 not_a_teacher',
  'A teacher cannot make a teacher of another academy a co-teacher'
);

-- Join codes are unique among sessions not ended. For this transaction only the code
-- generator draws HHHHHH, JJJJJJ, HHHHHH, then random codes again, so a collision is
-- certain rather than one in a billion. Periods 4 and 5 are two more of Tom's sessions.
select from set_config('test.period4', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 4') as s), true);
select from set_config('test.period5', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 5') as s), true);

select tests.act_as_owner();
update public.exam_sessions set join_code = 'HHHHHH' where id = current_setting('test.period4')::uuid;
create temporary sequence join_codes_drawn;
create or replace function private.new_join_code()
returns text
language sql
volatile
security invoker
set search_path = ''
as $$
  select coalesce((array['HHHHHH', 'JJJJJJ', 'HHHHHH'])[pg_catalog.nextval('pg_temp.join_codes_drawn')],
    (select string_agg(substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', 1 + floor(random() * 32)::integer, 1), '')
     from generate_series(1, 6)));
$$;

select throws_ok(
  $$ update public.exam_sessions set join_code = 'HHHHHH' where id = current_setting('test.period5')::uuid $$,
  '23505', null,
  'Two open sessions can never hold the same join code'
);

select tests.authenticate_as('tom');

select is(
  (select s.join_code from public.rotate_session_join_code(current_setting('test.period5')::uuid) as s),
  'JJJJJJ',
  'Rotating draws again when the code drawn belongs to another open session'
);

select tests.act_as_owner();
update public.exam_sessions set status = 'ended', ended_at = now() where id = current_setting('test.period4')::uuid;
select tests.authenticate_as('tom');

select is(
  (select s.join_code from public.rotate_session_join_code(current_setting('test.period5')::uuid) as s),
  'HHHHHH',
  'The code of an ended session may be given to an open one'
);

select is(
  tests.error_of($$ select public.rotate_session_join_code(current_setting('test.period4')::uuid) $$),
  'PGRST session_ended',
  'A teacher cannot rotate the code of an ended session'
);

-- ==========================================================================================
-- Co-teacher (Cal, added to Tom's first session above)
-- ==========================================================================================

select tests.authenticate_as('cal');

select from set_config('test.old_code',
  (select s.join_code from public.exam_sessions as s where s.id = current_setting('test.session')::uuid), true);

select isnt(
  (select s.join_code from public.rotate_session_join_code(current_setting('test.session')::uuid) as s),
  current_setting('test.old_code'),
  'A co-teacher runs the session they were added to: they rotate its join code'
);

select is(
  tests.error_of($$ select public.rotate_session_join_code(current_setting('test.period5')::uuid) $$),
  'PGRST session_not_found',
  'A co-teacher of one session cannot run another session of the same teacher'
);

-- ==========================================================================================
-- Another teacher of the academy (Tia)
-- ==========================================================================================

select tests.authenticate_as('tia');

select is(
  (select s.owner_id from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Tia''s class') as s),
  tests.get_supabase_uid('tia'),
  'Any teacher of the academy creates a session of its exams, and owns it'
);

select is(
  tests.error_of($$ select public.rotate_session_join_code(current_setting('test.session')::uuid) $$),
  'PGRST session_not_found',
  'Another teacher of the academy cannot rotate the code of a session they do not run: it is not found'
);

select is(
  tests.error_of($$ select public.add_session_teacher(current_setting('test.session')::uuid,
    tests.get_supabase_uid('tia')) $$),
  'PGRST session_not_found',
  'Another teacher of the academy cannot make themselves co-teacher of a session'
);

-- ==========================================================================================
-- Academy admin (Ada)
-- ==========================================================================================

select tests.authenticate_as('ada');

select is(
  (select s.owner_id from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Ada''s class') as s),
  tests.get_supabase_uid('ada'),
  'An admin of the academy creates a session of its exams'
);

select from set_config('test.old_code',
  (select s.join_code from public.exam_sessions as s where s.id = current_setting('test.session')::uuid), true);

select isnt(
  (select s.join_code from public.rotate_session_join_code(current_setting('test.session')::uuid) as s),
  current_setting('test.old_code'),
  'An admin of the academy runs every session of it: she rotates a teacher''s join code'
);

select lives_ok(
  $$ select public.add_session_teacher(current_setting('test.session')::uuid, tests.get_supabase_uid('tia')) $$,
  'An admin adds a teacher of the academy as co-teacher of a teacher''s session'
);

select tests.authenticate_as('tia');

select lives_ok(
  $$ select public.rotate_session_join_code(current_setting('test.session')::uuid) $$,
  'Once added as co-teacher, the other teacher may run the session'
);

-- ==========================================================================================
-- Student of the academy (Sue)
-- ==========================================================================================

select tests.authenticate_as('sue');

select is(
  tests.error_of($$ select public.create_exam_session('20000000-0000-4000-8000-000000000001') $$),
  'PGRST exam_not_found',
  'A student cannot create a session of their academy''s exam: it is not found'
);

select is(
  tests.error_of($$ select public.rotate_session_join_code(current_setting('test.session')::uuid) $$),
  'PGRST session_not_found',
  'A student cannot rotate a session''s join code'
);

select is(
  tests.error_of($$ select public.add_session_teacher(current_setting('test.session')::uuid,
    tests.get_supabase_uid('sue')) $$),
  'PGRST session_not_found',
  'A student cannot make themselves co-teacher of a session'
);

-- ==========================================================================================
-- Teacher of another academy (Will)
-- ==========================================================================================

select tests.authenticate_as('will');

select is(
  tests.error_of($$ select public.create_exam_session('20000000-0000-4000-8000-000000000001') $$),
  'PGRST exam_not_found',
  'A teacher of another academy cannot create a session of East''s exam: it is not found'
);

select is(
  tests.error_of($$ select public.rotate_session_join_code(current_setting('test.session')::uuid) $$),
  'PGRST session_not_found',
  'A teacher of another academy cannot rotate the code of East''s session'
);

select is(
  tests.error_of($$ select public.add_session_teacher(current_setting('test.session')::uuid,
    tests.get_supabase_uid('will')) $$),
  'PGRST session_not_found',
  'A teacher of another academy cannot make themselves co-teacher of East''s session'
);

-- ==========================================================================================
-- Anon
-- ==========================================================================================

select tests.clear_authentication();

select throws_ok(
  $$ select public.create_exam_session('20000000-0000-4000-8000-000000000001') $$,
  '42501', 'permission denied for function create_exam_session',
  'Anon cannot create a session'
);

select throws_ok(
  $$ select public.rotate_session_join_code(current_setting('test.session')::uuid) $$,
  '42501', 'permission denied for function rotate_session_join_code',
  'Anon cannot rotate a join code'
);

select throws_ok(
  $$ select public.add_session_teacher(current_setting('test.session')::uuid, gen_random_uuid()) $$,
  '42501', 'permission denied for function add_session_teacher',
  'Anon cannot add a co-teacher'
);

select * from finish();
rollback;
