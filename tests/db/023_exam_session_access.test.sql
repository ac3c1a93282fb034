-- Who may run and read a live exam session, by actor. Every action RPC is refused to
-- another teacher of the academy, to students (in the session or not) and to a teacher of
-- another academy, as 404 session_not_found, and to anon outright (42501). Students read
-- their own session and participant rows and their session's announcements, nothing of
-- other students; co-teacher lists are read only by who runs the session; other academies
-- read nothing; no client writes the tables directly.

begin;
select plan(26);

-- East: admin Ada; teachers Tom (runs Period 1), Cal (its co-teacher) and Tia (runs
-- Period 2); students Sue and Sam (in Period 1), Kim (in Period 2) and Ned (in none).
-- West: teacher Will (runs West's session), student Bea (in it).
select tests.create_academies('023');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom', 'cal', 'tia');
select tests.add_members('east', 'student', 'sue', 'sam', 'kim', 'ned');
select tests.add_members('west', 'teacher', 'will');
select tests.add_members('west', 'student', 'bea');

-- East's and West's quizzes, one question each.
select tests.create_one_question_quizzes();


-- Test-local helper: every action RPC on the session in test.session, with the error each
-- raises for the caller.
create function pg_temp.session_actions() returns table (sql text, error text)
language sql
set search_path = ''
as $$
  select c.sql, tests.error_of(c.sql)
  from unnest(array[
    'select public.rotate_session_join_code(current_setting(''test.session'')::uuid)',
    'select public.add_session_teacher(current_setting(''test.session'')::uuid, (select auth.uid()))',
    'select public.enroll_session_students(current_setting(''test.session'')::uuid, array[tests.get_supabase_uid(''ned'')])',
    'select public.admit_session_participants(current_setting(''test.session'')::uuid)',
    'select public.remove_session_participant(current_setting(''test.session'')::uuid, tests.get_supabase_uid(''sam''), ''Out'')',
    'select public.launch_exam_session(current_setting(''test.session'')::uuid)',
    'select public.pause_exam_session(current_setting(''test.session'')::uuid)',
    'select public.resume_exam_session(current_setting(''test.session'')::uuid)',
    'select public.extend_participant_time(current_setting(''test.session'')::uuid, tests.get_supabase_uid(''sam''), 60, ''More'')',
    'select public.end_participant_attempt(current_setting(''test.session'')::uuid, tests.get_supabase_uid(''sam''), ''Done'')',
    'select public.end_exam_session(current_setting(''test.session'')::uuid)',
    'select public.post_session_announcement(current_setting(''test.session'')::uuid, ''Hello'')',
    'select public.get_session_dashboard(current_setting(''test.session'')::uuid)'
  ]) as c (sql);
$$;
grant execute on function pg_temp.session_actions() to anon, authenticated;

-- Test-local helper: how many rows of test.session the caller reads in each session table
-- (the session, its participants, its co-teachers, its announcements).
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
     where a.session_id = current_setting('test.session')::uuid)];
$$;
grant execute on function pg_temp.rows_read() to authenticated;

-- Period 1 (Tom's, co-teacher Cal): Sue and Sam, launched, with an announcement. Period 2
-- (Tia's): Kim. West's session (Will's): Bea.
select tests.authenticate_as('tom');
select from set_config('test.session', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 1') as s), true);
select from public.add_session_teacher(current_setting('test.session')::uuid, tests.get_supabase_uid('cal'));
select from public.enroll_session_students(current_setting('test.session')::uuid,
  array[tests.get_supabase_uid('sue'), tests.get_supabase_uid('sam')]);
select from public.launch_exam_session(current_setting('test.session')::uuid);
select from public.post_session_announcement(current_setting('test.session')::uuid, 'Ten minutes left');
select tests.authenticate_as('tia');
select from set_config('test.period2', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 2') as s), true);
select from public.enroll_session_students(current_setting('test.period2')::uuid,
  array[tests.get_supabase_uid('kim')]);
select tests.authenticate_as('will');
select from set_config('test.west', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000002', 'West') as s), true);
select from public.enroll_session_students(current_setting('test.west')::uuid,
  array[tests.get_supabase_uid('bea')]);

-- ==========================================================================================
-- Teacher who runs the session (Tom) and co-teacher (Cal)
-- ==========================================================================================

select tests.authenticate_as('tom');

select is(
  pg_temp.rows_read(),
  array[1, 2, 1, 1],
  'The teacher who runs a session reads it, every participant, its co-teachers and its announcements'
);

select results_eq(
  $$ select s.id::text from public.exam_sessions as s $$,
  $$ values (current_setting('test.session')) $$,
  'A teacher reads only the sessions they run, not another teacher''s nor another academy''s'
);

select tests.authenticate_as('cal');

select is(
  pg_temp.rows_read(),
  array[1, 2, 1, 1],
  'A co-teacher reads the session, every participant, its co-teachers and its announcements'
);

-- ==========================================================================================
-- Academy admin (Ada)
-- ==========================================================================================

select tests.authenticate_as('ada');

select is(
  pg_temp.rows_read(),
  array[1, 2, 1, 1],
  'An admin of the academy reads a teacher''s session with its participants, co-teachers and announcements'
);

select set_eq(
  $$ select s.id::text from public.exam_sessions as s $$,
  array[current_setting('test.session'), current_setting('test.period2')],
  'An admin reads every session of her academy and none of another academy'
);

-- ==========================================================================================
-- Another teacher of the academy (Tia)
-- ==========================================================================================

select tests.authenticate_as('tia');

select is_empty(
  $$ select * from pg_temp.session_actions() where error <> 'PGRST session_not_found' $$,
  'Another teacher of the academy is refused every action on a session they do not run, as not found'
);

select is(
  pg_temp.rows_read(),
  array[0, 0, 0, 0],
  'Another teacher of the academy reads nothing of a session they do not run'
);

select results_eq(
  $$ select s.id::text from public.exam_sessions as s $$,
  $$ values (current_setting('test.period2')) $$,
  'Another teacher of the academy reads the session they run themselves'
);

-- ==========================================================================================
-- Student in the session (Sue)
-- ==========================================================================================

select tests.authenticate_as('sue');

select is_empty(
  $$ select * from pg_temp.session_actions() where error <> 'PGRST session_not_found' $$,
  'A student of the session is refused every action on it, as not found'
);

select results_eq(
  $$ select s.id::text, s.status::text from public.exam_sessions as s $$,
  $$ values (current_setting('test.session'), 'active') $$,
  'A student reads their own session''s row and no other session'
);

select results_eq(
  $$ select p.user_id, p.status::text from public.exam_session_participants as p $$,
  $$ values (tests.get_supabase_uid('sue'), 'active') $$,
  'A student reads their own participant row and not those of the other students'
);

select results_eq(
  $$ select a.message from public.exam_session_announcements as a $$,
  $$ values ('Ten minutes left') $$,
  'A student reads the announcements of their session'
);

select is_empty(
  $$ select * from public.exam_session_teachers $$,
  'A student does not read who co-teaches the session'
);

select is_empty(
  $$
    select c.sql, tests.error_of(c.sql) from unnest(array[
      'update public.exam_session_participants set status = ''submitted''',
      'update public.exam_sessions set deadline_at = deadline_at + interval ''1 hour''',
      'insert into public.exam_session_announcements (session_id, message) values (current_setting(''test.session'')::uuid, ''Hi'')',
      'delete from public.exam_session_participants'
    ]) as c (sql)
    where tests.error_of(c.sql) <> '42501'
  $$,
  'A student cannot write the session tables directly'
);

select is_empty(
  $$
    select c.sql, tests.error_of(c.sql) from unnest(array[
      'select private.end_finished_sessions()',
      'select private.lock_taught_session(current_setting(''test.session'')::uuid)',
      'select private.assign_join_code(current_setting(''test.session'')::uuid)',
      'select private.publish_to_participants(current_setting(''test.session'')::uuid, ''announcement'', ''{}'')'
    ]) as c (sql)
    where tests.error_of(c.sql) <> '42501'
  $$,
  'A student cannot call the sessions'' internal helpers or the cron job'
);

select is(
  tests.error_of($$ select private.end_exam_session(current_setting('test.session')::uuid) $$),
  'PGRST session_not_found',
  'A student calling the private body of an action directly is refused just the same'
);

-- ==========================================================================================
-- Student of the academy not in the session (Ned)
-- ==========================================================================================

select tests.authenticate_as('ned');

select is_empty(
  $$ select * from pg_temp.session_actions() where error <> 'PGRST session_not_found' $$,
  'A student not in the session is refused every action on it, as not found'
);

select results_eq(
  $$
    select (select count(*)::integer from public.exam_sessions),
      (select count(*)::integer from public.exam_session_participants),
      (select count(*)::integer from public.exam_session_teachers),
      (select count(*)::integer from public.exam_session_announcements)
  $$,
  $$ values (0, 0, 0, 0) $$,
  'A student in no session reads no session, participant, co-teacher or announcement'
);

-- ==========================================================================================
-- Teacher and student of another academy (Will, Bea)
-- ==========================================================================================

select tests.authenticate_as('will');

select is_empty(
  $$ select * from pg_temp.session_actions() where error <> 'PGRST session_not_found' $$,
  'A teacher of another academy is refused every action on East''s session, as not found'
);

select is(
  pg_temp.rows_read(),
  array[0, 0, 0, 0],
  'A teacher of another academy reads nothing of East''s session'
);

select results_eq(
  $$ select s.id::text from public.exam_sessions as s $$,
  $$ values (current_setting('test.west')) $$,
  'A teacher of another academy reads only their own academy''s session'
);

select tests.authenticate_as('bea');

select results_eq(
  $$
    select (select array_agg(s.id::text) from public.exam_sessions as s),
      (select array_agg(p.session_id::text) from public.exam_session_participants as p)
  $$,
  $$ values (array[current_setting('test.west')], array[current_setting('test.west')]) $$,
  'A student of another academy reads only their own session and participation, nothing of East'
);

-- ==========================================================================================
-- Anon
-- ==========================================================================================

select tests.clear_authentication();

select is_empty(
  $$
    select * from pg_temp.session_actions() where error <> '42501'
    union all
    select c.sql, tests.error_of(c.sql) from unnest(array[
      'select public.create_exam_session(''20000000-0000-4000-8000-000000000001'')',
      'select public.join_exam_session(''ABCDEF'')'
    ]) as c (sql)
    where tests.error_of(c.sql) <> '42501'
  $$,
  'Anon may not execute any session RPC'
);

select is_empty(
  $$
    select c.sql, tests.error_of(c.sql) from unnest(array[
      'select * from public.exam_sessions',
      'select * from public.exam_session_participants',
      'select * from public.exam_session_teachers',
      'select * from public.exam_session_announcements'
    ]) as c (sql)
    where tests.error_of(c.sql) <> '42501'
  $$,
  'Anon may not read any session table'
);

select is(
  tests.error_of($$ select private.end_exam_session(current_setting('test.session')::uuid) $$),
  '42501',
  'Anon may not call the private body of an action either'
);

-- ==========================================================================================
-- Afterwards (as the owner)
-- ==========================================================================================

select tests.act_as_owner();

select results_eq(
  $$
    select s.status::text,
      (select count(*)::integer from public.exam_session_participants as p where p.session_id = s.id and p.status = 'active'),
      (select count(*)::integer from public.exam_session_announcements as a where a.session_id = s.id),
      (select count(*)::integer from public.exam_session_teachers as t where t.session_id = s.id)
    from public.exam_sessions as s where s.id = current_setting('test.session')::uuid
  $$,
  $$ values ('active', 2, 1, 1) $$,
  'No refused call changed the session: still active, both students active, one announcement, one co-teacher'
);

select * from finish();
rollback;
