-- apply_attempt_ops by actor: the student's batches apply with versions; a replayed batch
-- (in any order, any number of times) answers duplicate and writes nothing; one client's
-- ops apply in seq order; every malformed batch is refused whole (22023 with its code in
-- HINT) and changes nothing; nobody else writes to the attempt. Conflicts are in
-- 008_attempt_conflicts.test.sql, deadlines in 009_attempt_time_and_cron.test.sql.

begin;
select plan(40);

-- East: admin Ada, teacher Tom, students Sue and Sam; West: teacher Will, student Bea.
-- East's published exam: one hour, 60 s grace, free navigation, merge strategy; two
-- sections and one question of every type, each with its key (tests.create_mixed_exam).
select tests.create_exam_fixture('007');

-- Another East exam, whose question is not part of the one Sue takes.
insert into public.exams (id, academy_id, title, published, duration_seconds)
values ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', 'East Other', true, 3600);
insert into public.exam_sections (id, exam_id, position, title)
values ('30000000-0000-4000-8000-000000000020', '20000000-0000-4000-8000-000000000002', 0, 'Other');
insert into public.questions (id, exam_id, section_id, position, type, prompt)
values ('40000000-0000-4000-8000-000000000020', '20000000-0000-4000-8000-000000000002',
  '30000000-0000-4000-8000-000000000020', 0, 'true_false', 'Elsewhere?');


-- Everything a batch may change in Sue's attempt, to compare before and after.
create function pg_temp.attempt_snapshot() returns jsonb
language sql
set search_path = ''
as $$
  select jsonb_build_object(
    'attempt', (select to_jsonb(a) from public.exam_attempts as a where a.id = current_setting('test.attempt')::uuid),
    'answers', (select jsonb_agg(to_jsonb(aa) order by aa.question_id) from public.attempt_answers as aa
      where aa.attempt_id = current_setting('test.attempt')::uuid),
    'flags', (select jsonb_agg(to_jsonb(f) order by f.question_id) from public.attempt_flags as f
      where f.attempt_id = current_setting('test.attempt')::uuid),
    'sections', (select jsonb_agg(to_jsonb(st) order by st.section_id) from public.attempt_section_states as st
      where st.attempt_id = current_setting('test.attempt')::uuid),
    'history', (select count(*) from public.question_attempt_history as h
      where h.attempt_id = current_setting('test.attempt')::uuid),
    'activity', (select count(*) from public.attempt_activity_events as e
      where e.attempt_id = current_setting('test.attempt')::uuid),
    'outbox', (select count(*) from public.outbox_events as o
      where o.topic = 'attempt:' || current_setting('test.attempt')),
    'ops_applied', (select s.ops_applied from public.get_attempt_sync_status(current_setting('test.attempt')::uuid) as s)
  );
$$;
grant execute on function pg_temp.attempt_snapshot() to authenticated;

-- ==========================================================================================
-- Student (Sue): batches that apply
-- ==========================================================================================

select tests.authenticate_as('sue');
select from set_config('test.attempt', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);

select from set_config('test.batch', '[
  {"op_id": "50000000-0000-4000-8000-000000000001", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "b", "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000002", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000002", "value": ["a", "c"], "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000003", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000005", "value": "sunlight", "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000004", "type": "flag", "question_id": "40000000-0000-4000-8000-000000000002"},
  {"op_id": "50000000-0000-4000-8000-000000000005", "type": "position", "question_id": "40000000-0000-4000-8000-000000000002"},
  {"op_id": "50000000-0000-4000-8000-000000000006", "type": "section", "section_id": "30000000-0000-4000-8000-000000000001", "status": "in_progress", "time_used_ms": 5000},
  {"op_id": "50000000-0000-4000-8000-000000000007", "type": "timer", "remaining_ms": 3590000},
  {"op_id": "50000000-0000-4000-8000-000000000008", "type": "activity", "event": "focus_lost"}
]', true);

select from set_config('test.outcome', (
  select to_jsonb(o)::text
  from public.apply_attempt_ops(current_setting('test.attempt')::uuid, current_setting('test.batch')::jsonb, 'laptop') as o
), true);

select results_eq(
  $$
    select r.op_id::text, r.status::text, r.version
    from jsonb_populate_recordset(null::public.attempt_op_result, current_setting('test.outcome')::jsonb -> 'results') as r
  $$,
  $$
    values
      ('50000000-0000-4000-8000-000000000001', 'applied', 1),
      ('50000000-0000-4000-8000-000000000002', 'applied', 1),
      ('50000000-0000-4000-8000-000000000003', 'applied', 1),
      ('50000000-0000-4000-8000-000000000004', 'applied', null),
      ('50000000-0000-4000-8000-000000000005', 'applied', null),
      ('50000000-0000-4000-8000-000000000006', 'applied', null),
      ('50000000-0000-4000-8000-000000000007', 'applied', null),
      ('50000000-0000-4000-8000-000000000008', 'applied', null)
  $$,
  'A student''s batch answers one result per op, in the order sent, answers at version 1'
);

select results_eq(
  $$
    select o ->> 'status', (o ->> 'server_now')::timestamptz = now(), (o ->> 'remaining_ms')::bigint
    from (select current_setting('test.outcome')::jsonb as o) as x
  $$,
  $$ values ('in_progress', true, 3600000::bigint) $$,
  'A batch answers the attempt''s status, the server''s clock and the time left by that clock'
);

select results_eq(
  $$
    select question_id, value, version, client_id from public.attempt_answers
    where attempt_id = current_setting('test.attempt')::uuid order by question_id
  $$,
  $$
    values
      ('40000000-0000-4000-8000-000000000001'::uuid, '"b"'::jsonb, 1, 'laptop'),
      ('40000000-0000-4000-8000-000000000002'::uuid, '["a", "c"]'::jsonb, 1, 'laptop'),
      ('40000000-0000-4000-8000-000000000005'::uuid, '"sunlight"'::jsonb, 1, 'laptop')
  $$,
  'The answers are stored with their version and the client that wrote them'
);

select results_eq(
  $$
    select a.current_question_id, a.client_remaining_ms, st.time_used_ms,
      (select array_agg(f.question_id) from public.attempt_flags as f where f.attempt_id = a.id and f.flagged)
    from public.exam_attempts as a
    join public.attempt_section_states as st on st.attempt_id = a.id and st.section_id = '30000000-0000-4000-8000-000000000001'
    where a.id = current_setting('test.attempt')::uuid
  $$,
  $$ values ('40000000-0000-4000-8000-000000000002'::uuid, 3590000, 5000::bigint, array['40000000-0000-4000-8000-000000000002'::uuid]) $$,
  'The flag, position, section time and reported timer of the batch are stored'
);

select results_eq(
  $$
    select event_type from public.attempt_activity_events
    where attempt_id = current_setting('test.attempt')::uuid order by id
  $$,
  $$ values ('started'), ('flagged'), ('section_changed'), ('focus_lost'), ('device_joined'), ('saved') $$,
  'The batch logs the flag, the section, the client''s activity, the new device and the save'
);

select results_eq(
  $$
    select r.status::text, r.version
    from public.apply_attempt_ops(current_setting('test.attempt')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000009", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "c", "base_version": 1}]',
      'laptop') as o,
      unnest(o.results) as r
  $$,
  $$ values ('applied', 2) $$,
  'Changing an answer from its newest version applies as version 2'
);

select results_eq(
  $$
    select h.old_value, h.new_value, h.old_version, h.new_version, h.client_id, h.source::text
    from public.question_attempt_history as h
    where h.op_id = '50000000-0000-4000-8000-000000000009'
  $$,
  $$ values ('"b"'::jsonb, '"c"'::jsonb, 1, 2, 'laptop', 'save') $$,
  'The change is in the history with its old and new value and version, op id and client'
);

-- Replays of the first batch: as sent, then in reverse order.
select from set_config('test.before', pg_temp.attempt_snapshot()::text, true);

select results_eq(
  $$
    select r.status::text, r.first_status::text, count(*)::integer
    from public.apply_attempt_ops(current_setting('test.attempt')::uuid, current_setting('test.batch')::jsonb, 'laptop') as o,
      unnest(o.results) as r
    group by 1, 2
  $$,
  $$ values ('duplicate', 'applied', 8) $$,
  'Replaying a batch answers duplicate for every op, with its first status'
);

select is(
  (
    select r.version
    from public.apply_attempt_ops(current_setting('test.attempt')::uuid, current_setting('test.batch')::jsonb, 'laptop') as o,
      unnest(o.results) as r
    where r.op_id = '50000000-0000-4000-8000-000000000001'
  ),
  1,
  'A replayed op answers its first result (version 1), not the answer''s present version'
);

select is(
  (
    select count(*)::integer
    from public.apply_attempt_ops(current_setting('test.attempt')::uuid,
      (select jsonb_agg(op order by ord desc) from jsonb_array_elements(current_setting('test.batch')::jsonb) with ordinality as b(op, ord)),
      'phone') as o,
      unnest(o.results) as r
    where r.status = 'duplicate'
  ),
  8,
  'Replaying the batch shuffled, from another client, still answers duplicate for every op'
);

select is(
  pg_temp.attempt_snapshot(),
  current_setting('test.before')::jsonb,
  'Replays changed nothing: answers, flags, position, sections, history, activity, outbox and op log are as before'
);

select results_eq(
  $$
    select r.status::text
    from public.apply_attempt_ops(current_setting('test.attempt')::uuid, '[
      {"op_id": "50000000-0000-4000-8000-000000000010", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000003", "value": true, "base_version": 0},
      {"op_id": "50000000-0000-4000-8000-000000000010", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000003", "value": true, "base_version": 0}
    ]', 'laptop') as o,
      unnest(o.results) as r
  $$,
  $$ values ('applied'), ('duplicate') $$,
  'An op id sent twice in one batch applies once and answers duplicate the second time'
);

-- One client's ops with seq, sent out of order.
select from set_config('test.seq_batch', '[
  {"op_id": "50000000-0000-4000-8000-000000000033", "seq": 3, "type": "answer", "question_id": "40000000-0000-4000-8000-000000000004", "value": 3, "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000031", "seq": 1, "type": "answer", "question_id": "40000000-0000-4000-8000-000000000004", "value": 1, "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000032", "seq": 2, "type": "answer", "question_id": "40000000-0000-4000-8000-000000000004", "value": 2, "base_version": 0}
]', true);

select results_eq(
  $$
    select r.op_id::text, r.status::text, r.version
    from public.apply_attempt_ops(current_setting('test.attempt')::uuid, current_setting('test.seq_batch')::jsonb, 'tablet') as o,
      unnest(o.results) as r
  $$,
  $$
    values
      ('50000000-0000-4000-8000-000000000033', 'applied', 3),
      ('50000000-0000-4000-8000-000000000031', 'applied', 1),
      ('50000000-0000-4000-8000-000000000032', 'applied', 2)
  $$,
  'One client''s ops apply in seq order whatever the order sent, results in the order sent'
);

select results_eq(
  $$
    select r.status::text, r.superseded
    from public.apply_attempt_ops(current_setting('test.attempt')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000034", "seq": 2, "type": "answer", "question_id": "40000000-0000-4000-8000-000000000004", "value": 2.5, "base_version": 3}]',
      'tablet') as o,
      unnest(o.results) as r
  $$,
  $$ values ('applied', true) $$,
  'An older op of the same client arriving late is acknowledged as superseded'
);

select results_eq(
  $$
    select value, version from public.attempt_answers
    where attempt_id = current_setting('test.attempt')::uuid and question_id = '40000000-0000-4000-8000-000000000004'
  $$,
  $$ values ('3'::jsonb, 3) $$,
  'The value of the highest seq stands'
);

select is(
  (select f.flagged from public.update_flagged_questions(current_setting('test.attempt')::uuid,
    '40000000-0000-4000-8000-000000000001', true) as f),
  true,
  'update_flagged_questions flags a question and returns the flag'
);

select is(
  (select version from public.attempt_answers
   where attempt_id = current_setting('test.attempt')::uuid and question_id = '40000000-0000-4000-8000-000000000001'),
  2,
  'Flagging a question leaves its answer''s version alone'
);

select lives_ok(
  $$
    select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000011", "type": "clear_answer", "question_id": "40000000-0000-4000-8000-000000000003", "base_version": 1}]',
      'laptop')
  $$,
  'A student clears an answer'
);

select results_eq(
  $$
    select value, version from public.attempt_answers
    where attempt_id = current_setting('test.attempt')::uuid and question_id = '40000000-0000-4000-8000-000000000003'
  $$,
  $$ values (null::jsonb, 2) $$,
  'clear_answer empties the answer as its next version'
);

select is(
  (select t.remaining_ms from public.update_timer_state(current_setting('test.attempt')::uuid, 7200000) as t),
  3600000::bigint,
  'update_timer_state answers the server''s remaining time, whatever the client claims'
);

select is(
  (select a.client_remaining_ms from public.exam_attempts as a where a.id = current_setting('test.attempt')::uuid),
  7200000,
  'update_timer_state records the client''s claim for audit'
);

-- ==========================================================================================
-- Student (Sue): malformed batches, each refused whole
-- ==========================================================================================

select from set_config('test.before', pg_temp.attempt_snapshot()::text, true);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000101", "type": "erase", "question_id": "40000000-0000-4000-8000-000000000001"}]', 'laptop') $$),
  '22023 unknown_op_type',
  'A batch with an op of unknown type is refused with unknown_op_type'
);

select throws_like(
  $$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid, '[
    {"op_id": "50000000-0000-4000-8000-000000000102", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "a", "base_version": 2},
    {"type": "answer", "question_id": "40000000-0000-4000-8000-000000000003", "value": true, "base_version": 2}
  ]', 'laptop') $$,
  'Cannot apply op 2 (no op_id)%',
  'A batch whose second op has no op_id is refused with a message naming op 2'
);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
    '[{"op_id": "not-a-uuid", "type": "flag", "question_id": "40000000-0000-4000-8000-000000000001"}]', 'laptop') $$),
  '22023 invalid_op_id',
  'A batch with an op_id that is not a uuid is refused with invalid_op_id'
);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000103", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000020", "value": true, "base_version": 0}]', 'laptop') $$),
  '22023 question_not_in_exam',
  'A batch answering a question of another exam is refused with question_not_in_exam'
);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
    jsonb_build_array(jsonb_build_object('op_id', '50000000-0000-4000-8000-000000000104', 'type', 'answer',
      'question_id', '40000000-0000-4000-8000-000000000007', 'value', repeat('x', 10300), 'base_version', 0)), 'laptop') $$),
  '22023 value_too_large',
  'A batch with an op over 10 KB is refused with value_too_large'
);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
    (select jsonb_agg(jsonb_build_object('op_id', gen_random_uuid(), 'type', 'flag',
      'question_id', '40000000-0000-4000-8000-000000000001')) from generate_series(1, 201)), 'laptop') $$),
  '22023 too_many_ops',
  'A batch of 201 ops is refused with too_many_ops'
);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000105", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "a", "base_version": -1}]', 'laptop') $$),
  '22023 invalid_base_version',
  'A batch with a negative base_version is refused with invalid_base_version'
);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000106", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "a"}]', 'laptop') $$),
  '22023 invalid_base_version',
  'A batch with an answer without base_version is refused with invalid_base_version'
);

select is(
  array[
    tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000107", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "z", "base_version": 2}]', 'laptop') $$),
    tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000108", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000002", "value": ["a", "a"], "base_version": 1}]', 'laptop') $$),
    tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000109", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000003", "value": "true", "base_version": 2}]', 'laptop') $$),
    tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000110", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000004", "value": "9.81", "base_version": 3}]', 'laptop') $$),
    tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000111", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000005", "value": 42, "base_version": 1}]', 'laptop') $$)
  ],
  array['22023 invalid_answer', '22023 invalid_answer', '22023 invalid_answer', '22023 invalid_answer', '22023 invalid_answer'],
  'Answers that do not fit their question (unknown option, repeated options, "true" as text, a number as text, a number as text answer) are refused with invalid_answer'
);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
    '{"op_id": "50000000-0000-4000-8000-000000000112", "type": "flag"}', 'laptop') $$),
  '22023 invalid_batch',
  'A batch that is not an array is refused with invalid_batch'
);

select is(
  array[
    tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000114", "type": "section", "section_id": "30000000-0000-4000-8000-000000000002", "status": "skipped"}]', 'laptop') $$),
    tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000115", "type": "activity", "event": "teleported"}]', 'laptop') $$),
    tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000116", "seq": -4, "type": "flag", "question_id": "40000000-0000-4000-8000-000000000001"}]', 'laptop') $$),
    tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid, '[]', repeat('c', 201)) $$)
  ],
  array['22023 invalid_section_status', '22023 invalid_activity', '22023 invalid_seq', '22023 invalid_client_id'],
  'A bad section status, an unknown activity, a negative seq and an over-long client id are each refused with their code'
);

select is(
  pg_temp.attempt_snapshot(),
  current_setting('test.before')::jsonb,
  'No refused batch changed anything, not even the valid op before the malformed one'
);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000113", "type": "timer"}]', 'laptop') $$),
  '22023 invalid_time',
  'A timer op without remaining_ms is refused with invalid_time'
);

select from set_config('test.before', pg_temp.attempt_snapshot()::text, true);

-- ==========================================================================================
-- Another student of the academy (Sam)
-- ==========================================================================================

select tests.authenticate_as('sam');

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000201", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "a", "base_version": 2}]') $$),
  'PGRST attempt_not_found',
  'Another student cannot write to Sue''s attempt: it is not found'
);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid, current_setting('test.batch')::jsonb) $$),
  'PGRST attempt_not_found',
  'Another student cannot even replay Sue''s ops to read their results'
);

-- ==========================================================================================
-- Teacher (Tom) and teacher of another academy (Will)
-- ==========================================================================================

select tests.authenticate_as('tom');

select is(
  tests.error_of($$ select public.update_flagged_questions(current_setting('test.attempt')::uuid,
    '40000000-0000-4000-8000-000000000003', true) $$),
  'PGRST attempt_not_found',
  'A teacher of the academy reads Sue''s attempt but cannot write to it'
);

select tests.authenticate_as('will');

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000202", "type": "flag", "question_id": "40000000-0000-4000-8000-000000000001"}]') $$),
  'PGRST attempt_not_found',
  'A teacher of another academy cannot write to Sue''s attempt'
);

-- ==========================================================================================
-- Anon
-- ==========================================================================================

select tests.clear_authentication();

select throws_ok(
  $$ select public.apply_attempt_ops(current_setting('test.attempt')::uuid, '[]') $$,
  '42501', 'permission denied for function apply_attempt_ops',
  'Anon cannot apply ops'
);

select tests.authenticate_as('tom');

select is(
  pg_temp.attempt_snapshot(),
  current_setting('test.before')::jsonb,
  'Nobody but Sue changed her attempt (as her teacher reads it)'
);

select * from finish();
rollback;
