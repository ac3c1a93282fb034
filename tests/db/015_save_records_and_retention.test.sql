-- A clean save's idempotency record is its history row, and retention by actor. Sue saves a
-- clean batch: it writes history rows and no applied_ops rows, and a replay of it (in another
-- order, twice) answers duplicate with the first results and writes nothing. A conflicting op
-- keeps its applied_ops record. The owner's retention job removes the idempotency records of
-- attempts closed more than 7 days ago and keeps the history (the audit trail). Sue cannot run
-- the job.

begin;
select plan(9);

select tests.create_supabase_user('sue', 'sue@east-015.example');
insert into public.academies (id, name, slug) values ('10000000-0000-4000-8000-000000000015', 'East Academy', 'east-academy-015');
insert into public.academy_members (academy_id, user_id, role)
values ('10000000-0000-4000-8000-000000000015', tests.get_supabase_uid('sue'), 'student');
insert into public.exams (id, academy_id, title, published, duration_seconds, grace_period_seconds, conflict_strategy)
values ('20000000-0000-4000-8000-000000000015', '10000000-0000-4000-8000-000000000015', 'East Quiz', true, 3600, 60, 'merge');
insert into public.exam_sections (id, exam_id, position, title)
values ('30000000-0000-4000-8000-000000000015', '20000000-0000-4000-8000-000000000015', 0, 'Only section');
insert into public.questions (id, exam_id, section_id, position, type, prompt, options)
values
  ('40000000-0000-4000-8000-000000000151', '20000000-0000-4000-8000-000000000015', '30000000-0000-4000-8000-000000000015',
   0, 'single_choice', 'What is 2 + 2?', '[{"id": "a", "text": "3"}, {"id": "b", "text": "4"}]'),
  ('40000000-0000-4000-8000-000000000152', '20000000-0000-4000-8000-000000000015', '30000000-0000-4000-8000-000000000015',
   1, 'single_choice', 'What is 3 + 3?', '[{"id": "a", "text": "6"}, {"id": "b", "text": "7"}]');

-- ==========================================================================================
-- Student (Sue): a clean batch, its replays, and a conflict
-- ==========================================================================================
select tests.authenticate_as('sue');
select set_config('test.attempt', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000015') as a), true);
select set_config('test.batch', jsonb_build_array(
  jsonb_build_object('op_id', '50000000-0000-4000-8000-000000000151', 'type', 'answer',
    'question_id', '40000000-0000-4000-8000-000000000151', 'value', 'b', 'base_version', 0),
  jsonb_build_object('op_id', '50000000-0000-4000-8000-000000000152', 'type', 'answer',
    'question_id', '40000000-0000-4000-8000-000000000152', 'value', 'a', 'base_version', 0))::text, true);
select set_config('test.first', (select o.results::text from public.apply_attempt_ops(
  current_setting('test.attempt')::uuid, current_setting('test.batch')::jsonb, 'laptop') as o), true);

select tests.act_as_owner();
select is(
  (select count(*)::integer from private.applied_ops as r where r.attempt_id = current_setting('test.attempt')::uuid),
  0, 'A clean batch writes no applied_ops rows'
);
select is(
  (select count(*)::integer from public.question_attempt_history as h
   where h.attempt_id = current_setting('test.attempt')::uuid and h.source = 'save'),
  2, 'A clean batch writes one history row per op: its idempotency record'
);

select tests.authenticate_as('sue');
select set_config('test.replay', (select o.results::text from public.apply_attempt_ops(
  current_setting('test.attempt')::uuid,
  (select jsonb_agg(e order by n desc) from jsonb_array_elements(current_setting('test.batch')::jsonb) with ordinality as x (e, n)),
  'laptop') as o), true);
select is(
  (select jsonb_agg(to_jsonb(r) - 'first_status' - 'status' order by r.op_id)
   from unnest(current_setting('test.replay')::public.attempt_op_result[]) as r),
  (select jsonb_agg(to_jsonb(r) - 'first_status' - 'status' order by r.op_id)
   from unnest(current_setting('test.first')::public.attempt_op_result[]) as r),
  'A replay in another order answers each op''s first result'
);
select is(
  (select array_agg(distinct r.status::text || '/' || r.first_status::text)
   from unnest(current_setting('test.replay')::public.attempt_op_result[]) as r),
  array['duplicate/applied'],
  'Every replayed op answers duplicate, first applied'
);
select is(
  (select jsonb_agg((o.results)[1].status::text) from public.apply_attempt_ops(current_setting('test.attempt')::uuid,
    current_setting('test.batch')::jsonb, 'phone') as o),
  '["duplicate"]'::jsonb,
  'A second replay from another device answers duplicate too'
);
-- A stale save from another device: a conflict, recorded in applied_ops.
select from public.apply_attempt_ops(current_setting('test.attempt')::uuid, jsonb_build_array(
  jsonb_build_object('op_id', '50000000-0000-4000-8000-000000000153', 'type', 'answer',
    'question_id', '40000000-0000-4000-8000-000000000151', 'value', 'a', 'base_version', 0)), 'tablet');

select tests.act_as_owner();
select is(
  (select count(*)::integer from public.question_attempt_history as h
   where h.attempt_id = current_setting('test.attempt')::uuid and h.source = 'save'
     and h.op_id in ('50000000-0000-4000-8000-000000000151', '50000000-0000-4000-8000-000000000152')),
  2, 'The replays saved nothing twice'
);
select is(
  (select r.result ->> 'status' from private.applied_ops as r
   where r.attempt_id = current_setting('test.attempt')::uuid and r.op_id = '50000000-0000-4000-8000-000000000153'),
  'conflict', 'A conflict keeps its first result in applied_ops'
);

-- ==========================================================================================
-- Owner (pg_cron): retention
-- ==========================================================================================
update public.exam_attempts set status = 'submitted', finished_at = now() - interval '8 days'
where id = current_setting('test.attempt')::uuid;
select private.prune_sync_records();
select is(
  array[(select count(*) from private.applied_ops as r where r.attempt_id = current_setting('test.attempt')::uuid),
    (select count(*) from public.question_attempt_history as h where h.attempt_id = current_setting('test.attempt')::uuid
     and h.source = 'save')],
  array[0, 3]::bigint[],
  'Retention removes the idempotency records of an attempt closed 8 days ago and keeps its three saves in the history'
);

select tests.authenticate_as('sue');
select throws_ok($$ select private.prune_sync_records() $$, '42501', null, 'A student cannot run the retention job');

select * from finish();
rollback;
