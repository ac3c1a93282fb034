-- Joining a live exam session by actor: students of the academy join by code (any case,
-- any spacing) into the lobby as waiting; the teacher admits one or all, enrolls students
-- (admitted at once), removes with a reason (the student may rejoin) or bans (they may not,
-- 403 participant_banned); late joiners are refused once the session runs when late join is
-- off (409 late_join_closed), and otherwise get the time that is left. Students of other
-- academies, teachers and anon cannot join.

begin;
select plan(31);

-- East: admin Ada; teachers Tom (runs the sessions) and Tia; students Sue, Sam, Kim, Lea
-- and Ned. West: teacher Will, student Bea.
select tests.create_academies('021');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom', 'tia');
select tests.add_members('east', 'student', 'sue', 'sam', 'kim', 'lea', 'ned');
select tests.add_members('west', 'teacher', 'will');
select tests.add_members('west', 'student', 'bea');

-- East's one-hour quiz: three questions with keys.
select tests.create_quiz();



-- Tom's sessions: Period 1 takes late joiners, Period 2 does not.
select tests.authenticate_as('tom');
select from set_config('test.session', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 1') as s), true);
select from set_config('test.closed', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 2', null, null,
    '{"late_join_allowed": false}') as s), true);
select from set_config('test.code', (select s.join_code from public.exam_sessions as s
  where s.id = current_setting('test.session')::uuid), true);
select from set_config('test.closed_code', (select s.join_code from public.exam_sessions as s
  where s.id = current_setting('test.closed')::uuid), true);

-- ==========================================================================================
-- Student of the academy (Sue)
-- ==========================================================================================

select tests.authenticate_as('sue');

select results_eq(
  $$
    select p.session_id, p.user_id, p.status::text, p.attempt_id
    from public.join_exam_session('  ' || lower(current_setting('test.code')) || ' ') as p
  $$,
  $$ values (current_setting('test.session')::uuid, tests.get_supabase_uid('sue'), 'waiting', null::uuid) $$,
  'A student joins by code, in any case and spacing, and waits in the lobby'
);

select from set_config('test.again', (
  select p.status::text from public.join_exam_session(current_setting('test.code')) as p), true);

select results_eq(
  $$ select current_setting('test.again'), (select count(*)::integer from public.exam_session_participants) $$,
  $$ values ('waiting', 1) $$,
  'Joining again returns the student''s place in the lobby and adds nothing'
);

select is(
  tests.error_of($$ select public.join_exam_session('ZZZZZZ') $$),
  'PGRST session_not_found',
  'A student cannot join with a code no open session has'
);

select tests.authenticate_as('sam');
select from public.join_exam_session(current_setting('test.code'));
select tests.authenticate_as('lea');
select from public.join_exam_session(current_setting('test.code'));

-- ==========================================================================================
-- Teacher who runs the session (Tom): admit, enroll, remove, ban
-- ==========================================================================================

select tests.authenticate_as('tom');

select results_eq(
  $$
    select p.user_id, p.status::text, p.admitted_at = now()
    from public.admit_session_participants(current_setting('test.session')::uuid,
      array[tests.get_supabase_uid('sue')]) as p
  $$,
  $$ values (tests.get_supabase_uid('sue'), 'admitted', true) $$,
  'A teacher admits one waiting student'
);

select set_eq(
  $$
    select p.user_id, p.status::text
    from public.admit_session_participants(current_setting('test.session')::uuid) as p
  $$,
  $$ values (tests.get_supabase_uid('sam'), 'admitted'), (tests.get_supabase_uid('lea'), 'admitted') $$,
  'A teacher admits every waiting student at once'
);

select results_eq(
  $$
    select p.user_id, p.status::text
    from public.enroll_session_students(current_setting('test.session')::uuid,
      array[tests.get_supabase_uid('kim')]) as p
  $$,
  $$ values (tests.get_supabase_uid('kim'), 'admitted') $$,
  'A teacher enrolls a student of the academy who has not joined: admitted at once'
);

select is(
  tests.error_of($$ select public.enroll_session_students(current_setting('test.session')::uuid,
    array[tests.get_supabase_uid('bea')]) $$),
  '22023 not_a_student',
  'A teacher cannot enroll a student of another academy'
);

select is(
  tests.error_of($$ select public.enroll_session_students(current_setting('test.session')::uuid,
    array[tests.get_supabase_uid('tia')]) $$),
  '22023 not_a_student',
  'A teacher cannot enroll a teacher as a student'
);

select from public.remove_session_participant(current_setting('test.session')::uuid, tests.get_supabase_uid('kim'),
  'Left early');

select is_empty(
  $$ select p.user_id from public.admit_session_participants(current_setting('test.session')::uuid) as p $$,
  'Admitting everyone waiting admits nobody when nobody waits: removed students who have not rejoined stay out'
);

select is(
  (select p.status::text from public.exam_session_participants as p
   where p.session_id = current_setting('test.session')::uuid and p.user_id = tests.get_supabase_uid('kim')),
  'removed',
  'A removed student stays removed until they rejoin or the teacher names them'
);

select is(
  tests.error_of($$ select public.remove_session_participant(current_setting('test.session')::uuid,
    tests.get_supabase_uid('sam'), null) $$),
  '22023 reason_required',
  'A teacher cannot remove a student without a reason'
);

select is(
  tests.error_of($$ select public.remove_session_participant(current_setting('test.session')::uuid,
    tests.get_supabase_uid('sam'), '   ') $$),
  '22023 reason_required',
  'A blank reason is no reason'
);

select results_eq(
  $$
    select p.status::text, p.removal_reason, p.removed_at = now()
    from public.remove_session_participant(current_setting('test.session')::uuid,
      tests.get_supabase_uid('sam'), 'Wrong class') as p
  $$,
  $$ values ('removed', 'Wrong class', true) $$,
  'A teacher removes a student with a reason'
);

select results_eq(
  $$
    select p.status::text, p.removal_reason
    from public.remove_session_participant(current_setting('test.session')::uuid,
      tests.get_supabase_uid('lea'), 'Cheating', true) as p
  $$,
  $$ values ('banned', 'Cheating') $$,
  'A teacher bans a student with a reason'
);

-- ==========================================================================================
-- A removed student (Sam) and a banned one (Lea)
-- ==========================================================================================

select tests.authenticate_as('sam');

select results_eq(
  $$ select p.status::text from public.join_exam_session(current_setting('test.code')) as p $$,
  $$ values ('waiting') $$,
  'A removed student may rejoin: they wait in the lobby again'
);

select tests.authenticate_as('lea');

select is(
  tests.error_of($$ select public.join_exam_session(current_setting('test.code')) $$),
  'PGRST participant_banned',
  'A banned student may not rejoin (403 participant_banned)'
);

select tests.authenticate_as('tom');

select results_eq(
  $$
    select (select count(*)::integer from public.admit_session_participants(current_setting('test.session')::uuid,
        array[tests.get_supabase_uid('lea')])),
      (select count(*)::integer from public.enroll_session_students(current_setting('test.session')::uuid,
        array[tests.get_supabase_uid('lea')]))
  $$,
  $$ values (0, 0) $$,
  'Admitting or enrolling a banned student by name does not let her back in'
);

select is(
  (select p.status::text from public.exam_session_participants as p
   where p.session_id = current_setting('test.session')::uuid and p.user_id = tests.get_supabase_uid('lea')),
  'banned',
  'A banned student stays banned'
);

-- ==========================================================================================
-- Who cannot join: a student of another academy (Bea), a teacher (Tia), a teacher of
-- another academy (Will), anon
-- ==========================================================================================

select tests.authenticate_as('bea');

select is(
  tests.error_of($$ select public.join_exam_session(current_setting('test.code')) $$),
  'PGRST session_not_found',
  'A student of another academy cannot join with a valid code: no session is found'
);

select tests.authenticate_as('tia');

select is(
  tests.error_of($$ select public.join_exam_session(current_setting('test.code')) $$),
  'PGRST session_not_found',
  'A teacher of the academy does not join a session as a student'
);

select tests.authenticate_as('will');

select is(
  tests.error_of($$ select public.join_exam_session(current_setting('test.code')) $$),
  'PGRST session_not_found',
  'A teacher of another academy cannot join East''s session'
);

select tests.clear_authentication();

select throws_ok(
  $$ select public.join_exam_session(current_setting('test.code')) $$,
  '42501', 'permission denied for function join_exam_session',
  'Anon cannot join a session'
);

-- ==========================================================================================
-- Late join: Period 2 takes no late joiners, Period 1 does
-- ==========================================================================================

select tests.authenticate_as('kim');

select results_eq(
  $$ select p.status::text from public.join_exam_session(current_setting('test.closed_code')) as p $$,
  $$ values ('waiting') $$,
  'A student joins a session without late join while it is still in the lobby'
);

select tests.authenticate_as('tom');
select from public.launch_exam_session(current_setting('test.closed')::uuid);
select tests.authenticate_as('ned');

select is(
  tests.error_of($$ select public.join_exam_session(current_setting('test.closed_code')) $$),
  'PGRST late_join_closed',
  'A student cannot join a running session that takes no late joiners (409 late_join_closed)'
);

-- Period 1 launches (Sue is admitted; Sam waits; Kim is removed), and ten minutes go by.
select tests.authenticate_as('tom');
select from public.launch_exam_session(current_setting('test.session')::uuid);
select tests.act_as_owner();
update public.exam_sessions
set started_at = started_at - interval '10 minutes', deadline_at = deadline_at - interval '10 minutes'
where id = current_setting('test.session')::uuid;
update public.exam_attempts
set started_at = started_at - interval '10 minutes', deadline_at = deadline_at - interval '10 minutes'
where session_id = current_setting('test.session')::uuid;
select tests.authenticate_as('ned');

select results_eq(
  $$ select p.status::text, p.attempt_id from public.join_exam_session(current_setting('test.code')) as p $$,
  $$ values ('waiting', null::uuid) $$,
  'A student joins a running session that takes late joiners and waits to be admitted'
);

select tests.authenticate_as('tom');

select results_eq(
  $$
    select p.status::text, p.attempt_id is not null
    from public.admit_session_participants(current_setting('test.session')::uuid,
      array[tests.get_supabase_uid('ned')]) as p
  $$,
  $$ values ('active', true) $$,
  'Admitting a late joiner starts their attempt at once'
);

select results_eq(
  $$
    select a.deadline_at = s.deadline_at, a.session_id = s.id, a.status::text
    from public.exam_attempts as a
    join public.exam_sessions as s on s.id = a.session_id
    where s.id = current_setting('test.session')::uuid and a.user_id = tests.get_supabase_uid('ned')
  $$,
  $$ values (true, true, 'in_progress') $$,
  'A late joiner''s attempt ends with the session: its deadline is the session''s'
);

select tests.authenticate_as('ned');

select is(
  (select s.remaining_ms from public.exam_attempts as a,
    public.get_attempt_state(a.id) as s
   where a.user_id = tests.get_supabase_uid('ned')),
  3000000::bigint,
  'Ten minutes after launch a late joiner gets the 50 minutes that are left, not a full hour'
);

-- ==========================================================================================
-- A student removed while taking the exam (Sue) rejoins
-- ==========================================================================================

select tests.authenticate_as('tom');
select from public.remove_session_participant(current_setting('test.session')::uuid, tests.get_supabase_uid('sue'), 'Phone out');
select tests.authenticate_as('sue');

select is(
  tests.error_of($$
    select public.apply_attempt_ops(p.attempt_id, jsonb_build_array(jsonb_build_object('op_id', gen_random_uuid(),
      'type', 'answer', 'question_id', '40000000-0000-4000-8000-000000000001', 'value', 'b', 'base_version', 0)))
    from public.exam_session_participants as p where p.user_id = tests.get_supabase_uid('sue')
  $$),
  'PGRST attempt_paused',
  'A student removed during the exam cannot save: their attempt is frozen'
);

select from set_config('test.sue_attempt', (select p.attempt_id::text from public.exam_session_participants as p
  where p.user_id = tests.get_supabase_uid('sue')), true);

select results_eq(
  $$ select p.status::text, p.attempt_id::text from public.join_exam_session(current_setting('test.code')) as p $$,
  $$ values ('waiting', current_setting('test.sue_attempt')) $$,
  'A student removed during the exam rejoins the lobby, their attempt kept'
);

select tests.authenticate_as('tom');

select from public.admit_session_participants(current_setting('test.session')::uuid, array[tests.get_supabase_uid('sue')]);

select results_eq(
  $$
    select p.status::text, a.id::text, a.paused_at, a.deadline_at = s.deadline_at
    from public.exam_session_participants as p
    join public.exam_attempts as a on a.id = p.attempt_id
    join public.exam_sessions as s on s.id = p.session_id
    where p.session_id = current_setting('test.session')::uuid and p.user_id = tests.get_supabase_uid('sue')
  $$,
  $$ values ('active', current_setting('test.sue_attempt'), null::timestamptz, true) $$,
  'Readmitted, the student resumes the same attempt, unfrozen, with the session''s deadline'
);

select * from finish();
rollback;
