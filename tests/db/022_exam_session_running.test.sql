-- Running a live exam session by actor (the teacher who runs it): launch starts every
-- admitted student's attempt in one call with one started_at and one deadline; pause
-- freezes every open attempt (saves refused, remaining time frozen) and resume moves every
-- deadline by the pause; one student's time is extended, or their attempt ended, each with
-- a reason in that attempt's log; end submits and grades every open attempt in one call,
-- after which every action is refused (409). Last, the cron job ends sessions whose time is
-- up. Time passes by moving timestamps into the past as the owner. Who else may not run a
-- session is in 023.

begin;
select plan(33);

-- East: admin Ada; teachers Tom (runs the sessions) and Tia; students Sue, Sam, Kim, Lea
-- and Ned. West: teacher Will, student Bea.
select tests.create_academies('022');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom', 'tia');
select tests.add_members('east', 'student', 'sue', 'sam', 'kim', 'lea', 'ned');
select tests.add_members('west', 'teacher', 'will');
select tests.add_members('west', 'student', 'bea');

-- East's one-hour quiz: three questions with keys.
select tests.create_quiz();



-- Test-local helper: the calling student saves an answer on their attempt of the session
-- in test.session, edited from the newest version; returns the op results.
create function pg_temp.save(p_question_id uuid, p_value jsonb) returns public.attempt_op_result[]
language sql
set search_path = ''
as $$
  select o.results
  from public.exam_attempts as a,
    public.apply_attempt_ops(a.id, jsonb_build_array(jsonb_build_object('op_id', gen_random_uuid(), 'type', 'answer',
      'question_id', p_question_id, 'value', p_value, 'base_version', coalesce((select aa.version
        from public.attempt_answers as aa where aa.attempt_id = a.id and aa.question_id = p_question_id), 0)))) as o
  where a.user_id = (select auth.uid()) and a.session_id = current_setting('test.session')::uuid
    and a.status in ('in_progress', 'overdue');
$$;
grant execute on function pg_temp.save(uuid, jsonb) to authenticated;

-- Tom's session: Sue, Sam and Kim enrolled (admitted); Lea joined and waits.
select tests.authenticate_as('tom');
select from set_config('test.session', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 1') as s), true);
select from public.enroll_session_students(current_setting('test.session')::uuid,
  array[tests.get_supabase_uid('sue'), tests.get_supabase_uid('sam'), tests.get_supabase_uid('kim')]);
select from set_config('test.code', (select s.join_code from public.exam_sessions as s
  where s.id = current_setting('test.session')::uuid), true);
select tests.authenticate_as('lea');
select from public.join_exam_session(current_setting('test.code'));

-- ==========================================================================================
-- Teacher who runs the session (Tom): launch
-- ==========================================================================================

select tests.authenticate_as('tom');

select results_eq(
  $$
    select s.status::text, s.started_at = now(), s.deadline_at = now() + interval '1 hour', s.paused_at
    from public.launch_exam_session(current_setting('test.session')::uuid) as s
  $$,
  $$ values ('active', true, true, null::timestamptz) $$,
  'A teacher launches the session: it is active, started now, with one deadline an hour away'
);

select results_eq(
  $$
    select count(*)::integer, count(distinct a.user_id)::integer,
      count(*) filter (where a.started_at = s.started_at and a.deadline_at = s.deadline_at)::integer,
      count(*) filter (where a.mode = 'diagnostic' and a.expiry_policy = 'autosubmit' and a.status = 'in_progress')::integer
    from public.exam_attempts as a join public.exam_sessions as s on s.id = a.session_id
    where s.id = current_setting('test.session')::uuid
  $$,
  $$ values (3, 3, 3, 3) $$,
  'Launch created one attempt per admitted student, all with the session''s started_at and deadline'
);

select set_eq(
  $$
    select p.user_id, p.status::text, p.attempt_id = a.id
    from public.exam_session_participants as p
    left join public.exam_attempts as a on a.session_id = p.session_id and a.user_id = p.user_id
    where p.session_id = current_setting('test.session')::uuid
  $$,
  $$
    values (tests.get_supabase_uid('sue'), 'active', true), (tests.get_supabase_uid('sam'), 'active', true),
      (tests.get_supabase_uid('kim'), 'active', true), (tests.get_supabase_uid('lea'), 'waiting', null)
  $$,
  'Admitted students are active on their attempt; the student still waiting got no attempt'
);

select is(
  tests.error_of($$ select public.launch_exam_session(current_setting('test.session')::uuid) $$),
  'PGRST session_not_in_lobby',
  'A teacher cannot launch a session twice'
);

select tests.authenticate_as('sue');
select from pg_temp.save('40000000-0000-4000-8000-000000000001', '"b"');
select tests.authenticate_as('kim');
select from pg_temp.save('40000000-0000-4000-8000-000000000001', '"b"');
select from pg_temp.save('40000000-0000-4000-8000-000000000002', 'true');

-- ==========================================================================================
-- Teacher who runs the session (Tom): pause and resume, the student (Sue) frozen meanwhile
-- ==========================================================================================

select tests.authenticate_as('tom');

select results_eq(
  $$
    select s.status::text, s.paused_at = now()
    from public.pause_exam_session(current_setting('test.session')::uuid) as s
  $$,
  $$ values ('paused', true) $$,
  'A teacher pauses the session'
);

select results_eq(
  $$
    select count(*) filter (where a.paused_at = now())::integer,
      (select count(*)::integer from public.attempt_activity_events as e
       where e.attempt_id = any (array_agg(a.id)) and e.event_type = 'paused')
    from public.exam_attempts as a where a.session_id = current_setting('test.session')::uuid
  $$,
  $$ values (3, 3) $$,
  'Pausing froze every open attempt of the session and logged paused in each'
);

select is(
  tests.error_of($$ select public.pause_exam_session(current_setting('test.session')::uuid) $$),
  'PGRST session_not_active',
  'A teacher cannot pause a session that is already paused'
);

select tests.authenticate_as('sue');

select is(
  tests.error_of($$ select pg_temp.save('40000000-0000-4000-8000-000000000002', 'true') $$),
  'PGRST attempt_paused',
  'A student cannot save while the session is paused'
);

-- A minute goes by (the launch and the pause were a minute ago).
select tests.act_as_owner();
update public.exam_sessions
set started_at = started_at - interval '60 seconds', deadline_at = deadline_at - interval '60 seconds',
  paused_at = paused_at - interval '60 seconds'
where id = current_setting('test.session')::uuid;
update public.exam_attempts
set started_at = started_at - interval '60 seconds', deadline_at = deadline_at - interval '60 seconds',
  paused_at = paused_at - interval '60 seconds'
where session_id = current_setting('test.session')::uuid;
select tests.authenticate_as('sue');

select is(
  (select s.remaining_ms from public.exam_attempts as a, public.get_attempt_state(a.id) as s
   where a.user_id = tests.get_supabase_uid('sue') and a.session_id = current_setting('test.session')::uuid),
  3600000::bigint,
  'A minute into a pause that began at launch, the student still has the whole hour: time is frozen'
);

select tests.authenticate_as('tom');

select results_eq(
  $$
    select s.status::text, s.paused_at, s.deadline_at = now() + interval '1 hour'
    from public.resume_exam_session(current_setting('test.session')::uuid) as s
  $$,
  $$ values ('active', null::timestamptz, true) $$,
  'A teacher resumes the session: its deadline moved by the minute of the pause'
);

select results_eq(
  $$
    select count(*) filter (where a.deadline_at = now() + interval '1 hour' and a.paused_at is null)::integer,
      (select count(*)::integer from public.attempt_activity_events as e
       where e.attempt_id = any (array_agg(a.id)) and e.event_type = 'unpaused')
    from public.exam_attempts as a where a.session_id = current_setting('test.session')::uuid
  $$,
  $$ values (3, 3) $$,
  'Resuming moved every attempt''s deadline by the pause, unfroze it and logged unpaused'
);

select is(
  tests.error_of($$ select public.resume_exam_session(current_setting('test.session')::uuid) $$),
  'PGRST session_not_paused',
  'A teacher cannot resume a session that is not paused'
);

select tests.authenticate_as('sue');

select is(
  (select (pg_temp.save('40000000-0000-4000-8000-000000000002', 'true'))[1].status::text),
  'applied',
  'After resume the student saves again'
);

-- ==========================================================================================
-- Teacher who runs the session (Tom): one student's time, or the end of their attempt
-- ==========================================================================================

select tests.authenticate_as('tom');

select is(
  tests.error_of($$ select public.extend_participant_time(current_setting('test.session')::uuid,
    tests.get_supabase_uid('sam'), 300, ' ') $$),
  '22023 invalid_extension',
  'A teacher cannot extend a student''s time without a reason'
);

select is(
  tests.error_of($$ select public.extend_participant_time(current_setting('test.session')::uuid,
    tests.get_supabase_uid('sam'), 0, 'Accessibility') $$),
  '22023 invalid_extension',
  'A teacher cannot extend a student''s time by nothing'
);

select results_eq(
  $$
    select a.deadline_at = now() + interval '65 minutes', a.extension_seconds
    from public.extend_participant_time(current_setting('test.session')::uuid,
      tests.get_supabase_uid('sam'), 300, 'Accessibility') as a
  $$,
  $$ values (true, 300) $$,
  'A teacher gives one student five more minutes'
);

select set_eq(
  $$
    select a.user_id, a.deadline_at - s.deadline_at
    from public.exam_attempts as a join public.exam_sessions as s on s.id = a.session_id
    where s.id = current_setting('test.session')::uuid
  $$,
  $$
    values (tests.get_supabase_uid('sue'), interval '0'), (tests.get_supabase_uid('sam'), interval '5 minutes'),
      (tests.get_supabase_uid('kim'), interval '0')
  $$,
  'Only that student''s deadline moved; the session''s and the others'' did not'
);

select results_eq(
  $$
    select a.user_id, e.details ->> 'seconds', e.details ->> 'reason', e.details ->> 'by'
    from public.attempt_activity_events as e join public.exam_attempts as a on a.id = e.attempt_id
    where a.session_id = current_setting('test.session')::uuid and e.event_type = 'time_extended'
  $$,
  $$ values (tests.get_supabase_uid('sam'), '300', 'Accessibility', tests.get_supabase_uid('tom')::text) $$,
  'The extension, its reason and who gave it are in that student''s activity log only'
);

select is(
  tests.error_of($$ select public.extend_participant_time(current_setting('test.session')::uuid,
    tests.get_supabase_uid('ned'), 300, 'Accessibility') $$),
  'PGRST participant_not_found',
  'A teacher cannot extend the time of a student who is not in the session'
);

select is(
  tests.error_of($$ select public.end_participant_attempt(current_setting('test.session')::uuid,
    tests.get_supabase_uid('kim'), null) $$),
  '22023 reason_required',
  'A teacher cannot end a student''s attempt without a reason'
);

select results_eq(
  $$
    select a.status::text, a.finished_at = now(), a.grading_status::text, a.score, a.max_score
    from public.end_participant_attempt(current_setting('test.session')::uuid,
      tests.get_supabase_uid('kim'), 'Finished early') as a
  $$,
  $$ values ('submitted', true, 'graded', 2.00::numeric(10, 2), 3.00::numeric(10, 2)) $$,
  'A teacher ends one student''s attempt: submitted now and graded'
);

select results_eq(
  $$
    select e.details ->> 'reason', p.status::text
    from public.attempt_activity_events as e
    join public.exam_session_participants as p on p.attempt_id = e.attempt_id
    where p.user_id = tests.get_supabase_uid('kim') and e.event_type = 'ended_by_teacher'
  $$,
  $$ values ('Finished early', 'submitted') $$,
  'The end and its reason are in that student''s activity log, and the student is submitted'
);

select is(
  tests.error_of($$ select public.end_participant_attempt(current_setting('test.session')::uuid,
    tests.get_supabase_uid('kim'), 'Again') $$),
  'PGRST attempt_closed',
  'A teacher cannot end an attempt that is already closed'
);

-- ==========================================================================================
-- Teacher who runs the session (Tom): the end of the session
-- ==========================================================================================

select results_eq(
  $$
    select s.status::text, s.ended_at = now(), s.paused_at
    from public.end_exam_session(current_setting('test.session')::uuid) as s
  $$,
  $$ values ('ended', true, null::timestamptz) $$,
  'A teacher ends the session'
);

select set_eq(
  $$
    select a.user_id, a.status::text, a.grading_status::text, a.score
    from public.exam_attempts as a where a.session_id = current_setting('test.session')::uuid
  $$,
  $$
    values (tests.get_supabase_uid('sue'), 'submitted', 'graded', 2.00::numeric(10, 2)),
      (tests.get_supabase_uid('sam'), 'submitted', 'graded', 0.00::numeric(10, 2)),
      (tests.get_supabase_uid('kim'), 'submitted', 'graded', 2.00::numeric(10, 2))
  $$,
  'Ending submitted and graded every attempt still open, in the same call'
);

select set_eq(
  $$
    select p.user_id, p.status::text from public.exam_session_participants as p
    where p.session_id = current_setting('test.session')::uuid
  $$,
  $$
    values (tests.get_supabase_uid('sue'), 'submitted'), (tests.get_supabase_uid('sam'), 'submitted'),
      (tests.get_supabase_uid('kim'), 'submitted'), (tests.get_supabase_uid('lea'), 'waiting')
  $$,
  'Every student who was taking the exam is submitted'
);

select is_empty(
  $$
    select c.sql, tests.error_of(c.sql)
    from unnest(array[
      'select public.rotate_session_join_code(current_setting(''test.session'')::uuid)',
      'select public.enroll_session_students(current_setting(''test.session'')::uuid, array[tests.get_supabase_uid(''ned'')])',
      'select public.admit_session_participants(current_setting(''test.session'')::uuid)',
      'select public.remove_session_participant(current_setting(''test.session'')::uuid, tests.get_supabase_uid(''lea''), ''Late'')',
      'select public.extend_participant_time(current_setting(''test.session'')::uuid, tests.get_supabase_uid(''sue''), 60, ''More'')',
      'select public.end_participant_attempt(current_setting(''test.session'')::uuid, tests.get_supabase_uid(''sue''), ''Again'')',
      'select public.end_exam_session(current_setting(''test.session'')::uuid)',
      'select public.post_session_announcement(current_setting(''test.session'')::uuid, ''Hello'')'
    ]) as c (sql)
    where tests.error_of(c.sql) <> 'PGRST session_ended'
  $$,
  'After the end, rotating, enrolling, admitting, removing, extending, ending and announcing are refused (409 session_ended)'
);

select is_empty(
  $$
    select c.sql, tests.error_of(c.sql)
    from unnest(array[
      'select public.launch_exam_session(current_setting(''test.session'')::uuid)',
      'select public.pause_exam_session(current_setting(''test.session'')::uuid)',
      'select public.resume_exam_session(current_setting(''test.session'')::uuid)'
    ]) as c (sql)
    where tests.error_of(c.sql) <> 'PGRST session_ended'
  $$,
  'After the end, launching, pausing and resuming are refused as session_ended too'
);

-- ==========================================================================================
-- The cron job (as the owner, the way pg_cron runs it)
-- ==========================================================================================

-- Period 2 (Ned) ran out two minutes ago, past the 60 s grace; Period 3 (Lea) ten seconds
-- ago, still in the grace period.
select tests.authenticate_as('tom');
select from set_config('test.period2', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 2') as s), true);
select from set_config('test.period3', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 3') as s), true);
select from public.enroll_session_students(current_setting('test.period2')::uuid, array[tests.get_supabase_uid('ned')]);
select from public.enroll_session_students(current_setting('test.period3')::uuid, array[tests.get_supabase_uid('lea')]);
select from public.launch_exam_session(current_setting('test.period2')::uuid);
select from public.launch_exam_session(current_setting('test.period3')::uuid);
select tests.act_as_owner();
update public.exam_sessions
set started_at = now() - interval '62 minutes', deadline_at = now() - interval '2 minutes'
where id = current_setting('test.period2')::uuid;
update public.exam_attempts
set started_at = now() - interval '62 minutes', deadline_at = now() - interval '2 minutes'
where session_id = current_setting('test.period2')::uuid;
update public.exam_sessions
set started_at = now() - interval '3610 seconds', deadline_at = now() - interval '10 seconds'
where id = current_setting('test.period3')::uuid;
update public.exam_attempts
set started_at = now() - interval '3610 seconds', deadline_at = now() - interval '10 seconds'
where session_id = current_setting('test.period3')::uuid;
select from private.expire_overdue_attempts();

select is(
  private.end_finished_sessions(),
  1,
  'The cron job ends exactly one session'
);

select results_eq(
  $$
    select s.id::text, s.status::text, s.ended_at = now() from public.exam_sessions as s
    where s.id in (current_setting('test.period2')::uuid, current_setting('test.period3')::uuid)
    order by s.title
  $$,
  $$ values (current_setting('test.period2'), 'ended', true), (current_setting('test.period3'), 'active', null) $$,
  'A session whose time is up with every attempt closed is ended; one with an attempt still in its grace period keeps running'
);

select results_eq(
  $$
    select p.status::text, a.status::text, a.finished_at = a.deadline_at, a.grading_status::text
    from public.exam_session_participants as p join public.exam_attempts as a on a.id = p.attempt_id
    where p.session_id = current_setting('test.period2')::uuid
  $$,
  $$ values ('submitted', 'expired', true, 'graded') $$,
  'The attempt of the ended session expired at its deadline, graded, and its student is submitted'
);

select results_eq(
  $$
    select o.payload ->> 'status' from public.outbox_events as o
    where o.topic = 'session:' || current_setting('test.period2') and o.event = 'session_status'
    order by o.id desc limit 1
  $$,
  $$ values ('ended') $$,
  'When the cron job ends a session, the session topic hears it'
);

select results_eq(
  $$
    select o.payload ->> 'status', o.payload ->> 'session_id'
    from public.outbox_events as o
    where o.topic = 'user:' || tests.get_supabase_uid('ned') and o.event = 'session_status'
  $$,
  $$ values ('ended', current_setting('test.period2')) $$,
  'When the cron job ends a session, its students hear it on their own topic'
);

select * from finish();
rollback;
