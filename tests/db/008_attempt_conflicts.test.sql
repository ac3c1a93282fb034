-- Conflicts by actor: a save edited from a stale version is settled by the attempt's
-- strategy (merge, local, server) and the losing value is always kept; server conflicts stay
-- open until batch_resolve_attempt_conflicts settles them (local, server, custom); two live
-- devices are a detected collision. Only the student settles their conflicts.

begin;
select plan(32);

-- East: admin Ada, teacher Tom, students Sue and Sam; West: teacher Will, student Bea.
-- East's published exam: one hour, 60 s grace, free navigation, merge strategy; two
-- sections and one question of every type, each with its key (tests.create_mixed_exam).
select tests.create_exam_fixture('008');

-- Two more East exams with the other strategies: Local (one question) and Server (three).
insert into public.exams (id, academy_id, title, published, duration_seconds, conflict_strategy)
values
  ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', 'East Local', true, 3600, 'local'),
  ('20000000-0000-4000-8000-000000000003', '10000000-0000-4000-8000-000000000001', 'East Server', true, 3600, 'server');
insert into public.exam_sections (id, exam_id, position, title)
values
  ('30000000-0000-4000-8000-000000000020', '20000000-0000-4000-8000-000000000002', 0, 'Local'),
  ('30000000-0000-4000-8000-000000000030', '20000000-0000-4000-8000-000000000003', 0, 'Server');
insert into public.questions (id, exam_id, section_id, position, type, prompt, options)
select q.id::uuid, q.exam_id::uuid, q.section_id::uuid, q.position, 'single_choice', 'Pick one.',
  '[{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}]'
from (values
  ('40000000-0000-4000-8000-000000000021', '20000000-0000-4000-8000-000000000002', '30000000-0000-4000-8000-000000000020', 0),
  ('40000000-0000-4000-8000-000000000031', '20000000-0000-4000-8000-000000000003', '30000000-0000-4000-8000-000000000030', 0),
  ('40000000-0000-4000-8000-000000000032', '20000000-0000-4000-8000-000000000003', '30000000-0000-4000-8000-000000000030', 1),
  ('40000000-0000-4000-8000-000000000033', '20000000-0000-4000-8000-000000000003', '30000000-0000-4000-8000-000000000030', 2)
) as q (id, exam_id, section_id, position);


-- ==========================================================================================
-- Student (Sue): merge (the fixture exam's strategy)
-- ==========================================================================================

select tests.authenticate_as('sue');
select from set_config('test.merge', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);

-- The laptop answers two questions at version 1.
select from public.apply_attempt_ops(current_setting('test.merge')::uuid, '[
  {"op_id": "50000000-0000-4000-8000-000000000001", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "a", "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000002", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000005", "value": "sunlight", "base_version": 0}
]', 'laptop');

select results_eq(
  $$
    select r.status::text, r.resolution::text, r.version, r.server_value, r.server_version
    from public.apply_attempt_ops(current_setting('test.merge')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000003", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "b", "base_version": 0}]',
      'phone') as o,
      unnest(o.results) as r
  $$,
  $$ values ('conflict', 'local', 2, '"a"'::jsonb, 1) $$,
  'Under merge, a stale save with a value wins as version 2 and reports the server''s value it replaced'
);

select results_eq(
  $$
    select value, version, client_id from public.attempt_answers
    where attempt_id = current_setting('test.merge')::uuid and question_id = '40000000-0000-4000-8000-000000000001'
  $$,
  $$ values ('"b"'::jsonb, 2, 'phone') $$,
  'Under merge, the stale save''s non-empty value is the answer now'
);

select results_eq(
  $$
    select new_value, new_version, client_id, source::text from public.question_attempt_history
    where attempt_id = current_setting('test.merge')::uuid and question_id = '40000000-0000-4000-8000-000000000001'
      and source = 'conflict_loser'
  $$,
  $$ values ('"a"'::jsonb, null::integer, 'laptop', 'conflict_loser') $$,
  'Under merge, the replaced server value is kept in the history as the conflict loser'
);

select results_eq(
  $$
    select r.status::text, r.resolution::text, r.version, r.conflict_id
    from public.apply_attempt_ops(current_setting('test.merge')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000004", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000005", "value": "   ", "base_version": 0}]',
      'phone') as o,
      unnest(o.results) as r
  $$,
  $$ values ('conflict', 'server', 1, null::uuid) $$,
  'Under merge, a stale save of an empty value loses to the stored answer without opening a conflict'
);

select results_eq(
  $$
    select aa.value, aa.version,
      (select h.new_value from public.question_attempt_history as h
       where h.op_id = '50000000-0000-4000-8000-000000000004' and h.source = 'conflict_loser')
    from public.attempt_answers as aa
    where aa.attempt_id = current_setting('test.merge')::uuid and aa.question_id = '40000000-0000-4000-8000-000000000005'
  $$,
  $$ values ('"sunlight"'::jsonb, 1, '"   "'::jsonb) $$,
  'The stored answer stands and the empty losing value is kept in the history'
);

select is_empty(
  $$ select * from public.attempt_conflicts where attempt_id = current_setting('test.merge')::uuid $$,
  'Merge settles every conflict itself: none is left open'
);

select is(
  (select count(*)::integer from public.attempt_activity_events
   where attempt_id = current_setting('test.merge')::uuid and event_type = 'conflict'),
  2,
  'Each conflict is logged in the activity'
);

-- ==========================================================================================
-- Student (Sue): two devices live at once
-- ==========================================================================================

select is(
  (select count(*)::integer from public.attempt_activity_events
   where attempt_id = current_setting('test.merge')::uuid and event_type = 'collision' and client_id = 'phone'),
  1,
  'A second device writing while the first is live logs one collision'
);

select results_eq(
  $$
    select s.live_connections, s.collision_detected
    from public.get_attempt_sync_status(current_setting('test.merge')::uuid) as s
  $$,
  $$ values (2, true) $$,
  'The sync status shows two live devices and the collision'
);

select results_eq(
  $$
    select h.live_connections, h.collision_detected
    from public.update_attempt_heartbeat(current_setting('test.merge')::uuid, 'laptop') as h
  $$,
  $$ values (2, true) $$,
  'A heartbeat tells a device another one is live on the attempt'
);

-- ==========================================================================================
-- Student (Sue): local
-- ==========================================================================================

select from set_config('test.local', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000002') as a), true);

select from public.apply_attempt_ops(current_setting('test.local')::uuid,
  '[{"op_id": "50000000-0000-4000-8000-000000000021", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000021", "value": "a", "base_version": 0}]',
  'laptop');

select results_eq(
  $$
    select r.status::text, r.resolution::text, r.version
    from public.apply_attempt_ops(current_setting('test.local')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000022", "type": "clear_answer", "question_id": "40000000-0000-4000-8000-000000000021", "base_version": 0}]',
      'phone') as o,
      unnest(o.results) as r
  $$,
  $$ values ('conflict', 'local', 2) $$,
  'Under local, a stale save wins even when it empties the answer'
);

select results_eq(
  $$
    select aa.value, aa.version,
      (select h.new_value from public.question_attempt_history as h
       where h.op_id = '50000000-0000-4000-8000-000000000022' and h.source = 'conflict_loser')
    from public.attempt_answers as aa
    where aa.attempt_id = current_setting('test.local')::uuid
  $$,
  $$ values (null::jsonb, 2, '"a"'::jsonb) $$,
  'Under local, the answer is emptied and the replaced value is kept in the history'
);

-- ==========================================================================================
-- Student (Sue): server, then settling the open conflicts
-- ==========================================================================================

select from set_config('test.server', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000003') as a), true);

select from public.apply_attempt_ops(current_setting('test.server')::uuid, '[
  {"op_id": "50000000-0000-4000-8000-000000000031", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000031", "value": "a", "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000032", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000032", "value": "a", "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000033", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000033", "value": "a", "base_version": 0}
]', 'laptop');

select from set_config('test.stale', (
  select o.results::text
  from public.apply_attempt_ops(current_setting('test.server')::uuid, '[
    {"op_id": "50000000-0000-4000-8000-000000000034", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000031", "value": "c", "base_version": 0},
    {"op_id": "50000000-0000-4000-8000-000000000035", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000032", "value": "c", "base_version": 0},
    {"op_id": "50000000-0000-4000-8000-000000000036", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000033", "value": "c", "base_version": 0}
  ]', 'phone') as o
), true);

select results_eq(
  $$
    select r.status::text, r.resolution::text, r.version, r.conflict_id is not null
    from unnest(current_setting('test.stale')::public.attempt_op_result[]) as r
  $$,
  $$ values ('conflict', 'server', 1, true), ('conflict', 'server', 1, true), ('conflict', 'server', 1, true) $$,
  'Under server, stale saves lose to the stored answers and each opens a conflict'
);

select results_eq(
  $$
    select c.question_id, c.local_value, c.base_version, c.server_value, c.server_version, c.client_id
    from public.attempt_conflicts as c
    where c.attempt_id = current_setting('test.server')::uuid and c.resolved_at is null
    order by c.question_id
  $$,
  $$
    values
      ('40000000-0000-4000-8000-000000000031'::uuid, '"c"'::jsonb, 0, '"a"'::jsonb, 1, 'phone'),
      ('40000000-0000-4000-8000-000000000032'::uuid, '"c"'::jsonb, 0, '"a"'::jsonb, 1, 'phone'),
      ('40000000-0000-4000-8000-000000000033'::uuid, '"c"'::jsonb, 0, '"a"'::jsonb, 1, 'phone')
  $$,
  'Each open conflict holds both values and both versions'
);

select is(
  (select count(*)::integer from public.question_attempt_history
   where attempt_id = current_setting('test.server')::uuid and source = 'conflict_loser' and new_value = '"c"'),
  3,
  'Under server, every losing value is kept in the history too'
);

select results_eq(
  $$
    select cardinality((public.get_attempt_state(current_setting('test.server')::uuid)).open_conflicts),
      (select s.open_conflicts from public.get_attempt_sync_status(current_setting('test.server')::uuid) as s)
  $$,
  $$ values (3, 3) $$,
  'The attempt state and the sync status both list the three open conflicts'
);

select from set_config('test.conflicts', (
  select jsonb_object_agg(c.question_id, c.id)::text from public.attempt_conflicts as c
  where c.attempt_id = current_setting('test.server')::uuid
), true);

-- ==========================================================================================
-- Another student (Sam), the teacher (Tom) and anon cannot settle Sue's conflicts
-- ==========================================================================================

select tests.authenticate_as('sam');

select is(
  tests.error_of($$ select public.batch_resolve_attempt_conflicts((select array_agg(r) from jsonb_populate_recordset(null::public.conflict_resolution, jsonb_build_array(jsonb_build_object(
    'conflict_id', current_setting('test.conflicts')::jsonb ->> '40000000-0000-4000-8000-000000000031', 'resolution', 'local'))) as r)) $$),
  'PGRST attempt_not_found',
  'Another student cannot settle Sue''s conflict'
);

select is_empty(
  $$ select * from public.attempt_conflicts $$,
  'Another student reads none of Sue''s conflicts'
);

select tests.authenticate_as('tom');

select is(
  (select count(*)::integer from public.attempt_conflicts where resolved_at is null),
  3,
  'A teacher of the academy reads Sue''s open conflicts'
);

select is(
  tests.error_of($$ select public.batch_resolve_attempt_conflicts((select array_agg(r) from jsonb_populate_recordset(null::public.conflict_resolution, jsonb_build_array(jsonb_build_object(
    'conflict_id', current_setting('test.conflicts')::jsonb ->> '40000000-0000-4000-8000-000000000031', 'resolution', 'server'))) as r)) $$),
  'PGRST attempt_not_found',
  'A teacher cannot settle a student''s conflict for them'
);

select tests.authenticate_as('will');

select is_empty(
  $$ select * from public.attempt_conflicts $$,
  'A teacher of another academy reads none of Sue''s conflicts'
);

select tests.clear_authentication();

select throws_ok(
  $$ select public.batch_resolve_attempt_conflicts('{}') $$,
  '42501', 'permission denied for function batch_resolve_attempt_conflicts',
  'Anon cannot settle conflicts'
);

-- ==========================================================================================
-- Student (Sue) settles her conflicts
-- ==========================================================================================

select tests.authenticate_as('sue');

select is(
  tests.error_of($$ select public.batch_resolve_attempt_conflicts((select array_agg(r) from jsonb_populate_recordset(null::public.conflict_resolution, jsonb_build_array(
    jsonb_build_object('conflict_id', current_setting('test.conflicts')::jsonb ->> '40000000-0000-4000-8000-000000000031', 'resolution', 'local'),
    jsonb_build_object('conflict_id', current_setting('test.conflicts')::jsonb ->> '40000000-0000-4000-8000-000000000033', 'resolution', 'custom', 'value', 'z'))) as r)) $$),
  '22023 invalid_answer',
  'A custom value that does not fit the question refuses the whole batch of resolutions'
);

select is(
  tests.error_of($$ select public.batch_resolve_attempt_conflicts((select array_agg(r) from jsonb_populate_recordset(null::public.conflict_resolution, jsonb_build_array(
    jsonb_build_object('conflict_id', current_setting('test.conflicts')::jsonb ->> '40000000-0000-4000-8000-000000000031', 'resolution', 'mine'))) as r)) $$),
  '22P02',
  'A resolution other than server, local or custom is refused'
);

select is(
  (select count(*)::integer from public.attempt_conflicts
   where attempt_id = current_setting('test.server')::uuid and resolved_at is null),
  3,
  'Refused resolutions settled nothing'
);

select results_eq(
  $$
    select c.question_id, c.resolution, c.resolved_at is not null
    from public.batch_resolve_attempt_conflicts((select array_agg(r) from jsonb_populate_recordset(null::public.conflict_resolution, jsonb_build_array(
      jsonb_build_object('conflict_id', current_setting('test.conflicts')::jsonb ->> '40000000-0000-4000-8000-000000000031', 'resolution', 'local'),
      jsonb_build_object('conflict_id', current_setting('test.conflicts')::jsonb ->> '40000000-0000-4000-8000-000000000032', 'resolution', 'server'),
      jsonb_build_object('conflict_id', current_setting('test.conflicts')::jsonb ->> '40000000-0000-4000-8000-000000000033', 'resolution', 'custom', 'value', 'b')
    )) as r)) as c
  $$,
  $$
    values
      ('40000000-0000-4000-8000-000000000031'::uuid, 'local', true),
      ('40000000-0000-4000-8000-000000000032'::uuid, 'server', true),
      ('40000000-0000-4000-8000-000000000033'::uuid, 'custom', true)
  $$,
  'A student settles their conflicts local, server and custom in one batch'
);

select results_eq(
  $$
    select question_id, value, version from public.attempt_answers
    where attempt_id = current_setting('test.server')::uuid order by question_id
  $$,
  $$
    values
      ('40000000-0000-4000-8000-000000000031'::uuid, '"c"'::jsonb, 2),
      ('40000000-0000-4000-8000-000000000032'::uuid, '"a"'::jsonb, 1),
      ('40000000-0000-4000-8000-000000000033'::uuid, '"b"'::jsonb, 2)
  $$,
  'local stores the losing value, server keeps the stored answer, custom stores the new value'
);

select results_eq(
  $$
    select question_id, old_value, new_value, source::text from public.question_attempt_history
    where attempt_id = current_setting('test.server')::uuid and source = 'resolution' order by question_id
  $$,
  $$
    values
      ('40000000-0000-4000-8000-000000000031'::uuid, '"a"'::jsonb, '"c"'::jsonb, 'resolution'),
      ('40000000-0000-4000-8000-000000000033'::uuid, '"a"'::jsonb, '"b"'::jsonb, 'resolution')
  $$,
  'Each settlement that changed an answer is in the history as a resolution'
);

select is(
  (select count(*)::integer from public.attempt_activity_events
   where attempt_id = current_setting('test.server')::uuid and event_type = 'conflict_resolved'),
  3,
  'Each settlement is logged'
);

select is(
  (select count(*)::integer from public.outbox_events
   where topic = 'attempt:' || current_setting('test.server') and event = 'conflict_resolved'),
  3,
  'Each settlement is told to the attempt''s topic'
);

select is(
  tests.error_of($$ select public.batch_resolve_attempt_conflicts((select array_agg(r) from jsonb_populate_recordset(null::public.conflict_resolution, jsonb_build_array(jsonb_build_object(
    'conflict_id', current_setting('test.conflicts')::jsonb ->> '40000000-0000-4000-8000-000000000031', 'resolution', 'server'))) as r)) $$),
  'PGRST conflict_not_found',
  'A settled conflict cannot be settled again'
);

select is(
  (select s.open_conflicts from public.get_attempt_sync_status(current_setting('test.server')::uuid) as s),
  0,
  'No conflict is left open'
);

select * from finish();
rollback;
