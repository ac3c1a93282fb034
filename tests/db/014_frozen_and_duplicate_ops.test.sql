-- Frozen attempts and repeated op ids by actor. A student cannot submit an attempt that is
-- frozen, neither during a session pause nor while removed from the session (409
-- attempt_paused), and it stays open and ungraded; once resumed they submit as usual. An op
-- id repeated inside one batch is applied once and the repeat answers duplicate with the
-- first result, whether the batch goes set-based (answers only) or op by op, and the first
-- result is the one replayed later. Anon and a student of another academy submit nothing.

begin;
select plan(14);

-- East: teacher Tom; students Sue, Sam and Kim. West: student Bea. East's one-hour quiz:
-- three questions with keys.
select from tests.create_academies('013');
select from tests.add_members('east', 'teacher', 'tom');
select from tests.add_members('east', 'student', 'sue', 'sam', 'kim');
select from tests.add_members('west', 'student', 'bea');
select from tests.create_quiz();

-- Tom runs a live session of it with Sue, Sam and Kim; Bea has a practice attempt of her own.
select from tests.authenticate_as('tom');
select from set_config('test.session', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 1') as s), true);
select from public.enroll_session_students(current_setting('test.session')::uuid,
  array[tests.get_supabase_uid('sue'), tests.get_supabase_uid('sam'), tests.get_supabase_uid('kim')]);
select from public.launch_exam_session(current_setting('test.session')::uuid);
select from tests.act_as_owner();
select from set_config('test.sue_attempt', (select a.id::text from public.exam_attempts as a
  where a.user_id = tests.get_supabase_uid('sue')), true);
select from set_config('test.sam_attempt', (select a.id::text from public.exam_attempts as a
  where a.user_id = tests.get_supabase_uid('sam')), true);
select from set_config('test.kim_attempt', (select a.id::text from public.exam_attempts as a
  where a.user_id = tests.get_supabase_uid('kim')), true);

-- ==========================================================================================
-- Student in a paused session (Sue): cannot submit until the teacher resumes
-- ==========================================================================================

select from tests.authenticate_as('tom');
select from public.pause_exam_session(current_setting('test.session')::uuid);
select from tests.authenticate_as('sue');

select is(
  tests.error_of($$ select public.submit_attempt(current_setting('test.sue_attempt')::uuid) $$),
  'PGRST attempt_paused',
  'A student cannot submit during a session pause (409 attempt_paused)'
);

select results_eq(
  $$ select a.status::text, a.grading_status::text, a.paused_at is not null from public.exam_attempts as a
     where a.id = current_setting('test.sue_attempt')::uuid $$,
  $$ values ('in_progress', 'ungraded', true) $$,
  'The paused attempt stays open, ungraded and frozen'
);

select from tests.authenticate_as('tom');
select from public.resume_exam_session(current_setting('test.session')::uuid);
select from tests.authenticate_as('sue');

select is(
  (select a.status::text from public.submit_attempt(current_setting('test.sue_attempt')::uuid) as a),
  'submitted',
  'Once the session resumes, the student submits as usual'
);

-- ==========================================================================================
-- Student removed from the session (Sam): their frozen attempt cannot be submitted
-- ==========================================================================================

select from tests.authenticate_as('tom');
select from public.remove_session_participant(current_setting('test.session')::uuid, tests.get_supabase_uid('sam'), 'Phone out');
select from tests.authenticate_as('sam');

select is(
  tests.error_of($$ select public.submit_attempt(current_setting('test.sam_attempt')::uuid) $$),
  'PGRST attempt_paused',
  'A removed student cannot submit their frozen attempt (409 attempt_paused)'
);

select is(
  (select a.status::text from public.exam_attempts as a where a.id = current_setting('test.sam_attempt')::uuid),
  'in_progress',
  'The removed student''s attempt stays open for their readmission'
);

-- ==========================================================================================
-- Anon and a student of another academy (Bea)
-- ==========================================================================================

select from tests.clear_authentication();

select is(
  tests.error_of($$ select public.submit_attempt(current_setting('test.kim_attempt')::uuid) $$),
  '42501',
  'Anon cannot submit an attempt'
);

select from tests.authenticate_as('bea');

select is(
  tests.error_of($$ select public.submit_attempt(current_setting('test.kim_attempt')::uuid) $$),
  'PGRST attempt_not_found',
  'A student of another academy cannot submit someone else''s attempt (404)'
);

-- ==========================================================================================
-- Student saving a batch with a repeated op id (Kim)
-- ==========================================================================================

select from tests.authenticate_as('kim');

-- Set-based: answers only, to distinct questions, one op id twice.
select from set_config('test.results', (
  select o.results::text from public.apply_attempt_ops(current_setting('test.kim_attempt')::uuid, jsonb_build_array(
    jsonb_build_object('op_id', 'a0000000-0000-4000-8000-000000000001', 'type', 'answer',
      'question_id', '40000000-0000-4000-8000-000000000001', 'value', 'b', 'base_version', 0),
    jsonb_build_object('op_id', 'a0000000-0000-4000-8000-000000000001', 'type', 'answer',
      'question_id', '40000000-0000-4000-8000-000000000002', 'value', true, 'base_version', 0)), 'laptop') as o), true);

select results_eq(
  $$ select r.status::text, r.question_id::text from unnest(current_setting('test.results')::public.attempt_op_result[]) as r $$,
  $$ values ('applied', '40000000-0000-4000-8000-000000000001'), ('duplicate', '40000000-0000-4000-8000-000000000001') $$,
  'An op id repeated in an answers-only batch is applied once; the repeat answers duplicate with the first result'
);

select results_eq(
  $$ select aa.question_id::text from public.attempt_answers as aa
     where aa.attempt_id = current_setting('test.kim_attempt')::uuid order by 1 $$,
  $$ values ('40000000-0000-4000-8000-000000000001') $$,
  'Only the first op of a repeated op id is written'
);

select is(
  (select r.question_id::text from public.apply_attempt_ops(current_setting('test.kim_attempt')::uuid, jsonb_build_array(
    jsonb_build_object('op_id', 'A0000000-0000-4000-8000-000000000001', 'type', 'answer',
      'question_id', '40000000-0000-4000-8000-000000000002', 'value', true, 'base_version', 0)), 'laptop') as o,
    unnest(o.results) as r),
  '40000000-0000-4000-8000-000000000001',
  'Replayed later (in any letter case), the op id answers with the first op''s result'
);

-- Op by op: a flag in the batch, one op id twice.
select from set_config('test.results', (
  select o.results::text from public.apply_attempt_ops(current_setting('test.kim_attempt')::uuid, jsonb_build_array(
    jsonb_build_object('op_id', 'a0000000-0000-4000-8000-000000000002', 'type', 'answer',
      'question_id', '40000000-0000-4000-8000-000000000003', 'value', 42, 'base_version', 0),
    jsonb_build_object('op_id', 'a0000000-0000-4000-8000-000000000003', 'type', 'flag',
      'question_id', '40000000-0000-4000-8000-000000000003'),
    jsonb_build_object('op_id', 'a0000000-0000-4000-8000-000000000002', 'type', 'answer',
      'question_id', '40000000-0000-4000-8000-000000000002', 'value', false, 'base_version', 0)), 'laptop') as o), true);

select results_eq(
  $$ select r.status::text, r.question_id::text from unnest(current_setting('test.results')::public.attempt_op_result[]) as r $$,
  $$ values ('applied', '40000000-0000-4000-8000-000000000003'), ('applied', '40000000-0000-4000-8000-000000000003'),
       ('duplicate', '40000000-0000-4000-8000-000000000003') $$,
  'An op id repeated in a mixed batch (op by op) is applied once; the repeat answers duplicate with the first result'
);

select is(
  (select count(*)::integer from public.attempt_answers as aa
   where aa.attempt_id = current_setting('test.kim_attempt')::uuid
     and aa.question_id = '40000000-0000-4000-8000-000000000002'),
  0,
  'The repeat of a mixed batch writes nothing'
);

select is(
  (select count(*)::integer from public.question_attempt_history as h
   where h.attempt_id = current_setting('test.kim_attempt')::uuid),
  2,
  'The answer history holds one row per op id applied'
);

select from tests.act_as_owner();

select results_eq(
  $$ select r.op_id::text, r.result ->> 'question_id' from private.applied_ops as r
     where r.attempt_id = current_setting('test.kim_attempt')::uuid
       and r.op_id in ('a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002') order by 1 $$,
  $$ values ('a0000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001'),
       ('a0000000-0000-4000-8000-000000000002', '40000000-0000-4000-8000-000000000003') $$,
  'The idempotency record of a repeated op id holds the first op''s result'
);

select * from finish();
rollback;
