-- Answer keys never reach a student: every path a student has during an attempt is tried
-- (tables, views, RPC results, outbox events, realtime.messages rows, private functions)
-- and none holds a key field or a key value (9.81, Photosynthesis, NaCl). Sue never types a
-- key value herself, so finding one anywhere would be a leak.

begin;
select plan(26);

-- East: admin Ada, teacher Tom, students Sue and Sam; West: teacher Will, student Bea.
-- East's published exam: one hour, 60 s grace, free navigation, merge strategy; two
-- sections and one question of every type, each with its key (tests.create_mixed_exam).
select tests.create_exam_fixture('005');

-- ==========================================================================================
-- Owner: which private functions a client may call at all
-- ==========================================================================================

select is(
  array(
    select p.proname::text
    from pg_catalog.pg_proc as p
    where p.pronamespace = 'private'::regnamespace
      and pg_catalog.has_function_privilege('authenticated', p.oid, 'execute')
      and (p.prosrc ~* 'question_keys' or p.proname in ('is_answer_correct', 'grade_attempt', 'close_attempt'))
    order by 1
  ),
  array['get_question_keys', 'set_question_key'],
  'The only private functions a client may call that read answer keys are the two that check the caller authors the exam'
);

-- ==========================================================================================
-- Student (Sue) before starting: no path to the questions or keys
-- ==========================================================================================

select tests.authenticate_as('sue');

select is_empty(
  $$ select * from public.questions $$,
  'Before an attempt, a student reads no question of a published exam'
);

select throws_ok(
  $$ select public.get_attempt_state(gen_random_uuid()) $$,
  'PGRST', null,
  'Before an attempt, a student cannot get an attempt state that is not theirs'
);

-- Sue starts, answers (always wrongly) and flags, from two devices.
select from set_config('test.attempt', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);

select from set_config('test.ops', (
  select to_jsonb(o.results)::text from public.apply_attempt_ops(
    current_setting('test.attempt')::uuid,
    '[
      {"op_id": "50000000-0000-4000-8000-000000000001", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "a", "base_version": 0},
      {"op_id": "50000000-0000-4000-8000-000000000002", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000002", "value": ["b"], "base_version": 0},
      {"op_id": "50000000-0000-4000-8000-000000000003", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000003", "value": false, "base_version": 0},
      {"op_id": "50000000-0000-4000-8000-000000000004", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000004", "value": 3.5, "base_version": 0},
      {"op_id": "50000000-0000-4000-8000-000000000005", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000005", "value": "respiration", "base_version": 0},
      {"op_id": "50000000-0000-4000-8000-000000000006", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000006", "value": "KCl", "base_version": 0},
      {"op_id": "50000000-0000-4000-8000-000000000007", "type": "flag", "question_id": "40000000-0000-4000-8000-000000000004"}
    ]'::jsonb, 'laptop') as o), true);

select from set_config('test.conflict', (
  select to_jsonb(o.results)::text from public.apply_attempt_ops(
    current_setting('test.attempt')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000008", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000004", "value": 2.5, "base_version": 0}]'::jsonb,
    'phone') as o), true);

-- ==========================================================================================
-- Student (Sue) during her attempt
-- ==========================================================================================

select is_empty(
  $$ select * from public.questions $$,
  'During an attempt, a student still reads no row of the questions table'
);

select is(
  cardinality((public.get_attempt_state(current_setting('test.attempt')::uuid)).questions),
  7,
  'A student gets every question of the exam through get_attempt_state'
);

select is(
  (
    select count(*)::integer
    from jsonb_path_query(to_jsonb(public.get_attempt_state(current_setting('test.attempt')::uuid)), 'strict $.**') as v
    where jsonb_typeof(v) = 'object'
      and (v ?| array['correct', 'accepted_texts', 'tolerance', 'case_sensitive'])
  ),
  0,
  'get_attempt_state holds no key field (correct, accepted_texts, tolerance, case_sensitive) at any depth'
);

select unalike(
  to_jsonb(public.get_attempt_state(current_setting('test.attempt')::uuid))::text,
  '%9.81%',
  'get_attempt_state holds no numeric key value'
);

select ok(
  to_jsonb(public.get_attempt_state(current_setting('test.attempt')::uuid))::text !~* 'photosynthesis|nacl',
  'get_attempt_state holds no accepted text'
);

select is(
  (
    select count(*)::integer
    from unnest((public.get_attempt_state(current_setting('test.attempt')::uuid)).answers) as a
    where a.is_correct is not null or a.points_awarded is not null
  ),
  0,
  'get_attempt_state tells a student nothing about correctness while the attempt is open'
);

select ok(
  current_setting('test.ops') !~* '9\.81|photosynthesis|nacl|"correct"|accepted_texts|tolerance',
  'apply_attempt_ops results hold no key field or value'
);

select ok(
  current_setting('test.conflict') !~* '9\.81|photosynthesis|nacl|"correct"|accepted_texts|tolerance',
  'A conflict result of apply_attempt_ops holds no key field or value'
);

select is(
  (
    select count(*)::integer from public.attempt_answers
    where attempt_id = current_setting('test.attempt')::uuid and (is_correct is not null or points_awarded is not null)
  ),
  0,
  'A student''s answer rows carry no correctness while the attempt is open'
);

select ok(
  (select count(*) from public.outbox_events where topic = 'attempt:' || current_setting('test.attempt')) >= 3
  and not exists (
    select 1 from public.outbox_events
    where topic = 'attempt:' || current_setting('test.attempt')
      and payload::text ~* '9\.81|photosynthesis|nacl|"correct"|accepted_texts|tolerance'
  ),
  'The outbox events a student reads about their attempt hold no key field or value'
);

select from set_config('realtime.topic', 'attempt:' || current_setting('test.attempt'), true);

select ok(
  (select count(*) from realtime.messages where topic = 'attempt:' || current_setting('test.attempt')) >= 3
  and not exists (
    select 1 from realtime.messages
    where topic = 'attempt:' || current_setting('test.attempt')
      and payload::text ~* '9\.81|photosynthesis|nacl|"correct"|accepted_texts|tolerance'
  ),
  'The realtime.messages rows a student receives about their attempt hold no key field or value'
);

select ok(
  not exists (
    select 1 from public.question_attempt_history
    where attempt_id = current_setting('test.attempt')::uuid
      and concat(old_value::text, new_value::text) ~* '9\.81|photosynthesis|nacl'
  )
  and not exists (
    select 1 from public.attempt_activity_events
    where attempt_id = current_setting('test.attempt')::uuid
      and details::text ~* '9\.81|photosynthesis|nacl|"correct"|accepted_texts|tolerance'
  ),
  'The answer history and activity log a student reads hold no key value'
);

select ok(
  (select to_jsonb(s)::text from public.get_attempt_sync_status(current_setting('test.attempt')::uuid) as s)
    !~* '9\.81|photosynthesis|nacl'
  and (select coalesce(jsonb_agg(to_jsonb(a)), '[]')::text from public.get_active_session_state() as a)
    !~* '9\.81|photosynthesis|nacl',
  'The sync status and the resume list hold no key value'
);

select is_empty(
  $$ select * from public.get_question_keys('20000000-0000-4000-8000-000000000001') $$,
  'During an attempt, get_question_keys gives a student nothing'
);

select is_empty(
  $$ select * from private.get_question_keys('20000000-0000-4000-8000-000000000001') $$,
  'During an attempt, the private get_question_keys gives a student nothing'
);

select throws_ok(
  $$ select public.set_question_key('40000000-0000-4000-8000-000000000004', '3.5', 100) $$,
  '42501', null,
  'A student cannot widen a key''s tolerance to make their answer right'
);

select throws_ok(
  $$ select * from private.question_keys $$,
  '42501', 'permission denied for table question_keys',
  'During an attempt, a student still cannot read the answer key table'
);

select throws_ok(
  $$ select * from private.applied_ops $$,
  '42501', 'permission denied for table applied_ops',
  'A student cannot read the idempotency records directly'
);

select throws_ok(
  $$ select private.is_answer_correct('numeric', '3.5', null) $$,
  '42501', 'permission denied for function is_answer_correct',
  'A student cannot call the grading function to probe answers'
);

select throws_ok(
  $$ select private.grade_attempt(current_setting('test.attempt')::uuid) $$,
  '42501', 'permission denied for function grade_attempt',
  'A student cannot grade their open attempt to learn which answers are right'
);

-- ==========================================================================================
-- Another student of the academy (Sam), who may copy from nobody
-- ==========================================================================================

select tests.authenticate_as('sam');

select throws_ok(
  $$ select public.get_attempt_state(current_setting('test.attempt')::uuid) $$,
  'PGRST', null,
  'Another student cannot read Sue''s attempt state'
);

select is_empty(
  $$ select * from public.attempt_answers where attempt_id = current_setting('test.attempt')::uuid $$,
  'Another student cannot read Sue''s answers'
);

-- ==========================================================================================
-- Anon
-- ==========================================================================================

select tests.clear_authentication();

select throws_ok(
  $$ select public.get_attempt_state(current_setting('test.attempt')::uuid) $$,
  '42501', 'permission denied for function get_attempt_state',
  'Anon cannot call get_attempt_state'
);

select * from finish();
rollback;
