-- Grading by actor: submit_attempt grades every auto-gradable type (single and multiple
-- choice, true/false, numeric within tolerance, short text with and without case), leaves
-- essays pending review, totals score and max_score and adds the attempt to
-- user_sub_skill_performance; submitting twice changes nothing; only the student submits.

begin;
select plan(30);

-- East: admin Ada, teacher Tom, students Sue and Sam; West: teacher Will, student Bea.
-- East's published exam: one hour, 60 s grace, free navigation, merge strategy; two
-- sections and one question of every type, each with its key (tests.create_mixed_exam).
select tests.create_exam_fixture('010');


-- Sue answers everything right except the case-sensitive formula, and writes an essay.
select tests.authenticate_as('sue');
select from set_config('test.sue', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001', 'diagnostic') as a), true);
select from public.apply_attempt_ops(current_setting('test.sue')::uuid, '[
  {"op_id": "50000000-0000-4000-8000-000000000001", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "b", "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000002", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000002", "value": ["c", "a"], "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000003", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000003", "value": true, "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000004", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000004", "value": 9.86, "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000005", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000005", "value": "  photoSYNTHESIS ", "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000006", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000006", "value": "nacl", "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000007", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000007", "value": "Water crosses a membrane towards the saltier side.", "base_version": 0}
]', 'laptop');

-- Sam answers everything wrong except the formula, and leaves the essay blank.
select tests.authenticate_as('sam');
select from set_config('test.sam', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);
select from public.apply_attempt_ops(current_setting('test.sam')::uuid, '[
  {"op_id": "50000000-0000-4000-8000-000000000011", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "a", "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000012", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000002", "value": ["a", "b", "c"], "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000013", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000003", "value": false, "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000014", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000004", "value": 9.87, "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000015", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000005", "value": "respiration", "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000016", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000006", "value": " NaCl", "base_version": 0}
]', 'tablet');

-- ==========================================================================================
-- Another student (Sam) and the teacher (Tom) cannot submit Sue's attempt
-- ==========================================================================================

select is(
  tests.error_of($$ select public.submit_attempt(current_setting('test.sue')::uuid) $$),
  'PGRST attempt_not_found',
  'Another student cannot submit Sue''s attempt'
);

select tests.authenticate_as('tom');

select is(
  tests.error_of($$ select public.submit_attempt(current_setting('test.sue')::uuid) $$),
  'PGRST attempt_not_found',
  'A teacher cannot submit a student''s attempt for them'
);

select tests.authenticate_as('will');

select is(
  tests.error_of($$ select public.submit_attempt(current_setting('test.sue')::uuid) $$),
  'PGRST attempt_not_found',
  'A teacher of another academy cannot submit Sue''s attempt'
);

select tests.clear_authentication();

select throws_ok(
  $$ select public.submit_attempt(current_setting('test.sue')::uuid) $$,
  '42501', 'permission denied for function submit_attempt',
  'Anon cannot submit an attempt'
);

-- ==========================================================================================
-- Student (Sue) submits
-- ==========================================================================================

select tests.authenticate_as('sue');

select from set_config('test.submitted', (select to_jsonb(a)::text from public.submit_attempt(current_setting('test.sue')::uuid) as a), true);

select results_eq(
  $$
    select s ->> 'status', (s ->> 'finished_at')::timestamptz = now(), (s ->> 'score')::numeric, (s ->> 'max_score')::numeric,
      s ->> 'grading_status'
    from (select current_setting('test.submitted')::jsonb as s) as x
  $$,
  $$ values ('submitted', true, 6::numeric, 12::numeric, 'pending_review') $$,
  'Submitting closes the attempt now with 6 of 12 points, pending review for the essay'
);

select results_eq(
  $$
    select question_id, is_correct, points_awarded from public.attempt_answers
    where attempt_id = current_setting('test.sue')::uuid order by question_id
  $$,
  $$
    values
      ('40000000-0000-4000-8000-000000000001'::uuid, true, 1.00::numeric(8, 2)),
      ('40000000-0000-4000-8000-000000000002'::uuid, true, 2.00),
      ('40000000-0000-4000-8000-000000000003'::uuid, true, 1.00),
      ('40000000-0000-4000-8000-000000000004'::uuid, true, 1.00),
      ('40000000-0000-4000-8000-000000000005'::uuid, true, 1.00),
      ('40000000-0000-4000-8000-000000000006'::uuid, false, 0.00),
      ('40000000-0000-4000-8000-000000000007'::uuid, null, null)
  $$,
  'Each answer is graded by its type; the essay waits for a teacher'
);

select is(
  (select is_correct from public.attempt_answers
   where attempt_id = current_setting('test.sue')::uuid and question_id = '40000000-0000-4000-8000-000000000001'),
  true,
  'single_choice: the key''s option is right'
);

select is(
  (select is_correct from public.attempt_answers
   where attempt_id = current_setting('test.sue')::uuid and question_id = '40000000-0000-4000-8000-000000000002'),
  true,
  'multiple_choice: the key''s options in any order are right'
);

select is(
  (select is_correct from public.attempt_answers
   where attempt_id = current_setting('test.sue')::uuid and question_id = '40000000-0000-4000-8000-000000000004'),
  true,
  'numeric: a value exactly at the tolerance (9.86 for 9.81 ± 0.05) is right'
);

select is(
  (select is_correct from public.attempt_answers
   where attempt_id = current_setting('test.sue')::uuid and question_id = '40000000-0000-4000-8000-000000000005'),
  true,
  'short_text without case: padded text in another case is right'
);

select is(
  (select is_correct from public.attempt_answers
   where attempt_id = current_setting('test.sue')::uuid and question_id = '40000000-0000-4000-8000-000000000006'),
  false,
  'short_text with case: the same letters in another case are wrong'
);

select results_eq(
  $$
    select sub_skill, questions_answered, questions_correct, points_earned, points_possible, attempts_count
    from public.user_sub_skill_performance
    where user_id = tests.get_supabase_uid('sue') order by sub_skill
  $$,
  $$
    values
      ('algebra', 4, 4, 5.00::numeric(12, 2), 5.00::numeric(12, 2), 1),
      ('biology', 1, 1, 1.00, 1.00, 1),
      ('science', 1, 0, 0.00, 1.00, 1)
  $$,
  'Sub-skill performance counts the auto-graded questions per sub-skill, a question''s own sub-skill first'
);

select results_eq(
  $$
    select (s -> 'answers' -> 0 ? 'is_correct'), jsonb_array_length(s -> 'answers'),
      (select count(*)::integer from jsonb_array_elements(s -> 'answers') as a where a ->> 'is_correct' = 'true')
    from to_jsonb(public.get_attempt_state(current_setting('test.sue')::uuid)) as s
  $$,
  $$ values (true, 7, 5) $$,
  'Once submitted, the attempt state shows the student which answers were right'
);

select results_eq(
  $$
    select o.event, (o.payload ->> 'score')::numeric, o.payload ->> 'grading_status'
    from public.outbox_events as o
    where o.topic = 'attempt:' || current_setting('test.sue') and o.event = 'attempt_submitted'
  $$,
  $$ values ('attempt_submitted', 6::numeric, 'pending_review') $$,
  'The submission is told to the attempt''s topic with the score'
);

select results_eq(
  $$ select to_jsonb(a) from public.submit_attempt(current_setting('test.sue')::uuid) as a $$,
  $$ select current_setting('test.submitted')::jsonb $$,
  'Submitting again returns the same closed attempt, unchanged'
);

select results_eq(
  $$
    select (select count(*)::integer from public.attempt_activity_events
            where attempt_id = current_setting('test.sue')::uuid and event_type = 'submitted'),
      (select attempts_count from public.user_sub_skill_performance
       where user_id = tests.get_supabase_uid('sue') and sub_skill = 'algebra')
  $$,
  $$ values (1, 1) $$,
  'Submitting again logs nothing and counts the attempt once'
);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.sue')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000008", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000006", "value": "NaCl", "base_version": 1}]', 'laptop') $$),
  'PGRST attempt_closed',
  'A submitted attempt takes no more answers'
);

select is(
  (select count(*)::integer from public.get_active_session_state()),
  0,
  'A submitted attempt is no longer in the student''s resume list'
);

-- A second attempt, submitted blank, adds to the running totals.
select lives_ok(
  $$ select public.submit_attempt(a.id) from public.start_attempt('20000000-0000-4000-8000-000000000001') as a $$,
  'A student starts and submits a second attempt without answering'
);

select results_eq(
  $$
    select a.score, a.max_score, a.grading_status::text from public.exam_attempts as a
    where a.user_id = tests.get_supabase_uid('sue') and a.attempt_number = 2
  $$,
  $$ values (0.00::numeric(10, 2), 12.00::numeric(10, 2), 'graded') $$,
  'A blank attempt scores 0 of 12 and needs no review'
);

select results_eq(
  $$
    select questions_answered, questions_correct, points_earned, points_possible, attempts_count
    from public.user_sub_skill_performance
    where user_id = tests.get_supabase_uid('sue') and sub_skill = 'algebra'
  $$,
  $$ values (4, 4, 5.00::numeric(12, 2), 10.00::numeric(12, 2), 2) $$,
  'Sub-skill performance adds the second attempt to the first'
);

-- ==========================================================================================
-- Another student (Sam) submits his own
-- ==========================================================================================

select tests.authenticate_as('sam');

select results_eq(
  $$ select a.status::text, a.score, a.max_score, a.grading_status::text from public.submit_attempt(current_setting('test.sam')::uuid) as a $$,
  $$ values ('submitted', 1.00::numeric(10, 2), 12.00::numeric(10, 2), 'graded') $$,
  'Another student''s wrong answers score 1 of 12; with no essay written nothing waits for review'
);

select results_eq(
  $$
    select question_id, is_correct from public.attempt_answers
    where attempt_id = current_setting('test.sam')::uuid order by question_id
  $$,
  $$
    values
      ('40000000-0000-4000-8000-000000000001'::uuid, false),
      ('40000000-0000-4000-8000-000000000002'::uuid, false),
      ('40000000-0000-4000-8000-000000000003'::uuid, false),
      ('40000000-0000-4000-8000-000000000004'::uuid, false),
      ('40000000-0000-4000-8000-000000000005'::uuid, false),
      ('40000000-0000-4000-8000-000000000006'::uuid, true)
  $$,
  'Wrong option, an extra option, false for true, 0.06 off the number and other text are wrong; exact case is right'
);

select is(
  (select count(*)::integer from public.user_sub_skill_performance where user_id <> tests.get_supabase_uid('sam')),
  0,
  'Another student reads only their own performance'
);

select is(
  (select score from public.exam_attempts where id = current_setting('test.sue')::uuid),
  null,
  'Another student cannot read Sue''s score'
);

-- ==========================================================================================
-- Teacher (Tom), admin (Ada), teacher of another academy (Will), anon
-- ==========================================================================================

select tests.authenticate_as('tom');

select results_eq(
  $$
    select u.user_id, sum(u.points_earned) from public.user_sub_skill_performance as u
    group by u.user_id order by 2 desc
  $$,
  $$ values (tests.get_supabase_uid('sue'), 6.00::numeric), (tests.get_supabase_uid('sam'), 1.00::numeric) $$,
  'A teacher reads the performance of every student of the academy'
);

select results_eq(
  $$
    select a.score, a.grading_status::text from public.exam_attempts as a
    where a.id = current_setting('test.sue')::uuid
  $$,
  $$ values (6.00::numeric(10, 2), 'pending_review') $$,
  'A teacher reads a student''s score and sees the attempt waits for their review'
);

select tests.authenticate_as('ada');

select is(
  (select count(*)::integer from public.user_sub_skill_performance),
  6,
  'An admin reads the performance of every student of the academy'
);

select tests.authenticate_as('will');

select is_empty(
  $$ select * from public.user_sub_skill_performance $$,
  'A teacher of another academy reads no performance of East''s students'
);

select tests.clear_authentication();

select throws_ok(
  $$ select * from public.user_sub_skill_performance $$,
  '42501', 'permission denied for table user_sub_skill_performance',
  'Anon cannot read performance'
);

select * from finish();
rollback;
