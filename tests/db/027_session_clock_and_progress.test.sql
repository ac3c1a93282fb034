-- A removed student's clock and the trailing progress event, by actor. A removed student's
-- attempt is frozen from their removal until they are readmitted, and readmission moves
-- its deadline by that whole time, a session pause in between counted once; readmitted
-- during a pause, it stays frozen from their removal and the resume moves it by all of it.
-- Progress: at most one event per student per second, and the last state of a save inside
-- the window is announced once the window closes, by private.flush_pending_progress (run by
-- pg_cron) or by any later save in the session, exactly once.
-- Students cannot flush or read the markers; anon cannot either.

begin;
select plan(19);

-- East: teacher Tom; students Sue, Sam and Kim. West: teacher Will. East's one-hour quiz:
-- three questions.
select from tests.create_academies('027');
select from tests.add_members('east', 'teacher', 'tom');
select from tests.add_members('east', 'student', 'sue', 'sam', 'kim');
select from tests.add_members('west', 'teacher', 'will');
select from tests.create_quiz();

-- Test-local helper: the calling student saves an answer on their attempt of the session
-- in test.session, edited from the newest version.
create function pg_temp.save(p_question_id uuid, p_value jsonb) returns void
language sql
set search_path = ''
as $$
  select null
  from public.exam_attempts as a,
    public.apply_attempt_ops(a.id, jsonb_build_array(jsonb_build_object('op_id', gen_random_uuid(), 'type', 'answer',
      'question_id', p_question_id, 'value', p_value, 'base_version', coalesce((select aa.version
        from public.attempt_answers as aa where aa.attempt_id = a.id and aa.question_id = p_question_id), 0)))) as o
  where a.user_id = (select auth.uid()) and a.session_id = current_setting('test.session')::uuid;
$$;
grant execute on function pg_temp.save(uuid, jsonb) to authenticated;

-- Test-local helper: the progress events of a student on the session topic (answered counts).
create function pg_temp.progress_of(p_name text) returns text[]
language sql
set search_path = ''
as $$
  select coalesce(array_agg(o.payload ->> 'answered' order by o.id), '{}') from public.outbox_events as o
  where o.topic = 'session:' || current_setting('test.session') and o.event = 'progress'
    and o.payload ->> 'user_id' = tests.get_supabase_uid(p_name)::text;
$$;

-- Test-local helper: a second goes by for a student's progress window.
create function pg_temp.window_closes(p_name text) returns void
language sql
set search_path = ''
as $$
  update public.exam_session_participants set last_progress_at = last_progress_at - interval '1 second'
  where session_id = current_setting('test.session')::uuid and user_id = tests.get_supabase_uid(p_name);
$$;

-- Test-local helper: how far a student's deadline has moved from the launch deadline.
create function pg_temp.moved(p_name text) returns interval
language sql
set search_path = ''
as $$
  select a.deadline_at - current_setting('test.deadline')::timestamptz from public.exam_attempts as a
  where a.session_id = current_setting('test.session')::uuid and a.user_id = tests.get_supabase_uid(p_name);
$$;
grant execute on function pg_temp.moved(text) to authenticated;

-- Test-local helper: moves the moments set now (a pause, a removal) back, as if made earlier.
create function pg_temp.happened_ago(p_ago interval) returns void
language sql
set search_path = ''
as $$
  update public.exam_sessions set paused_at = paused_at - p_ago
  where id = current_setting('test.session')::uuid and paused_at = pg_catalog.now();
  update public.exam_attempts set paused_at = paused_at - p_ago
  where session_id = current_setting('test.session')::uuid and paused_at = pg_catalog.now();
$$;

-- Tom runs a live session with Sue, Sam and Kim.
select from tests.authenticate_as('tom');
select from set_config('test.session', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 1') as s), true);
select from public.enroll_session_students(current_setting('test.session')::uuid,
  array[tests.get_supabase_uid('sue'), tests.get_supabase_uid('sam'), tests.get_supabase_uid('kim')]);
select from set_config('test.deadline', (
  select s.deadline_at::text from public.launch_exam_session(current_setting('test.session')::uuid) as s), true);

-- ==========================================================================================
-- Teacher (Tom): removed before a pause, readmitted after it
-- ==========================================================================================

-- Sam is removed 10 minutes ago; the session pauses 3 minutes ago and resumes now.
select from public.remove_session_participant(current_setting('test.session')::uuid, tests.get_supabase_uid('sam'), 'Phone out');
select from tests.act_as_owner();
select pg_temp.happened_ago(interval '10 minutes');
select from tests.authenticate_as('tom');
select from public.pause_exam_session(current_setting('test.session')::uuid);
select from tests.act_as_owner();
select pg_temp.happened_ago(interval '3 minutes');
select from tests.authenticate_as('tom');
select from public.resume_exam_session(current_setting('test.session')::uuid);

select is(
  (select pg_temp.moved('sue')),
  interval '3 minutes',
  'A student taking the exam gets the 3-minute pause back'
);

select is(
  (select pg_temp.moved('sam')),
  interval '0',
  'A removed student''s deadline stays frozen through the pause: nothing is counted twice'
);

select from public.admit_session_participants(current_setting('test.session')::uuid, array[tests.get_supabase_uid('sam')]);

select results_eq(
  $$ select pg_temp.moved('sam'), a.paused_at is null from public.exam_attempts as a
     where a.session_id = current_setting('test.session')::uuid and a.user_id = tests.get_supabase_uid('sam') $$,
  $$ values (interval '10 minutes', true) $$,
  'Readmitted after the pause, the student gets back the 10 minutes they were frozen, the pause within them once'
);

-- ==========================================================================================
-- Teacher (Tom): removed, readmitted during a pause, then the resume
-- ==========================================================================================

-- Kim is removed 6 minutes ago; the session pauses 2 minutes ago; Kim is readmitted now.
select from public.remove_session_participant(current_setting('test.session')::uuid, tests.get_supabase_uid('kim'), 'Noise');
select from tests.act_as_owner();
select pg_temp.happened_ago(interval '6 minutes');
select from tests.authenticate_as('tom');
select from public.pause_exam_session(current_setting('test.session')::uuid);
select from tests.act_as_owner();
select pg_temp.happened_ago(interval '2 minutes');
select from tests.authenticate_as('tom');
select from public.admit_session_participants(current_setting('test.session')::uuid, array[tests.get_supabase_uid('kim')]);

select is(
  (select now() - a.paused_at from public.exam_attempts as a
   where a.session_id = current_setting('test.session')::uuid and a.user_id = tests.get_supabase_uid('kim')),
  interval '6 minutes',
  'Readmitted during a pause, the student''s attempt stays frozen from their removal'
);

select from public.resume_exam_session(current_setting('test.session')::uuid);

select results_eq(
  $$ select pg_temp.moved('sue'), pg_temp.moved('kim'), pg_temp.moved('sam') $$,
  $$ values (interval '5 minutes', interval '9 minutes', interval '12 minutes') $$,
  'The resume gives each student back exactly the time they were frozen: the pause, or the removal and the pause'
);

-- ==========================================================================================
-- Student (Sue): progress, at most one event per second, the last state never lost
-- ==========================================================================================

select from tests.authenticate_as('sue');
select pg_temp.save('40000000-0000-4000-8000-000000000001', '"b"');
select pg_temp.save('40000000-0000-4000-8000-000000000002', 'true');
select from tests.act_as_owner();

select is(
  pg_temp.progress_of('sue'),
  array['1'],
  'Two saves within a second send one progress event'
);

select is(
  (select count(*)::integer from private.pending_progress as pp
   where pp.session_id = current_setting('test.session')::uuid and pp.user_id = tests.get_supabase_uid('sue')),
  1,
  'The save inside the window leaves a pending marker'
);

select is(
  private.flush_pending_progress(),
  0,
  'Nothing is flushed while the student''s window is open'
);

select pg_temp.window_closes('sue');

select is(
  private.flush_pending_progress(),
  1,
  'Once the window has closed, the flush announces the pending student'
);

select is(
  pg_temp.progress_of('sue'),
  array['1', '2'],
  'The trailing event carries the last state: both answers'
);

select is(
  private.flush_pending_progress(),
  0,
  'A marker is announced once: flushing again sends nothing'
);

-- Another save inside the new window, then the window closes and Sam saves.
select from tests.authenticate_as('sue');
select pg_temp.save('40000000-0000-4000-8000-000000000003', '42');
select from tests.act_as_owner();
select pg_temp.window_closes('sue');
select from tests.authenticate_as('sam');
select pg_temp.save('40000000-0000-4000-8000-000000000001', '"a"');
select from tests.act_as_owner();

select results_eq(
  $$ select pg_temp.progress_of('sue'), pg_temp.progress_of('sam') $$,
  $$ values (array['1', '2', '3'], array['1']) $$,
  'Any save in the session announces the other students whose window has closed'
);

select is(
  (select count(*)::integer from private.pending_progress as pp
   where pp.session_id = current_setting('test.session')::uuid),
  0,
  'No marker is left once every last state is announced'
);

-- The student's own next save after the window announces the latest state itself.
select from tests.authenticate_as('kim');
select pg_temp.save('40000000-0000-4000-8000-000000000001', '"b"');
select pg_temp.save('40000000-0000-4000-8000-000000000002', 'false');
select from tests.act_as_owner();
select pg_temp.window_closes('kim');
select from tests.authenticate_as('kim');
select pg_temp.save('40000000-0000-4000-8000-000000000003', '41');
select from tests.act_as_owner();

select results_eq(
  $$ select pg_temp.progress_of('kim'), (select count(*)::integer from private.pending_progress) $$,
  $$ values (array['1', '3'], 0) $$,
  'A student''s next save after the window announces their latest state and clears their marker'
);

select results_eq(
  $$ select j.schedule collate "default" in ('1 seconds', '* * * * *'), j.command collate "default", j.active
     from cron.job as j where j.jobname = 'examsync-flush-pending-progress' $$,
  $$ values (true, 'select private.flush_pending_progress()', true) $$,
  'pg_cron flushes pending progress every second where it can, every minute otherwise'
);

-- ==========================================================================================
-- Student (Sue), a teacher of another academy (Will) and anon: no flush, no markers
-- ==========================================================================================

select from tests.authenticate_as('sue');

select is(
  tests.error_of($$ select private.flush_pending_progress() $$),
  '42501',
  'A student cannot run the flush'
);

select is(
  tests.error_of($$ select count(*) from private.pending_progress $$),
  '42501',
  'A student cannot read the pending markers'
);

select from tests.authenticate_as('will');

select is(
  tests.error_of($$ select private.flush_pending_progress(current_setting('test.session')::uuid) $$),
  '42501',
  'A teacher of another academy cannot run the flush'
);

select from tests.clear_authentication();

select is(
  tests.error_of($$ select private.flush_pending_progress() $$),
  '42501',
  'Anon cannot run the flush'
);

select * from finish();
rollback;
