-- Read access to attempts by actor: the student who owns the attempt, another student of
-- the academy, a teacher and an admin of the academy, a teacher and an admin of another
-- academy, anon; nobody writes the attempt tables directly; the monitoring RPCs
-- (get_active_session_state, get_realtime_attempt_activity, get_attempt_connection_stats,
-- get_attempt_sync_status, get_realtime_performance_metrics) answer the same people.

begin;
select plan(38);

-- East: admin Ada, teacher Tom, students Sue and Sam; West: teacher Will, student Bea.
-- East's published exam: one hour, 60 s grace, free navigation, merge strategy; two
-- sections and one question of every type, each with its key (tests.create_mixed_exam).
select tests.create_exam_fixture('012');

-- West also has an admin, Wes.
select tests.add_members('west', 'admin', 'wes');

-- The exam keeps stale saves open as conflicts.
update public.exams set conflict_strategy = 'server' where id = '20000000-0000-4000-8000-000000000001';


-- How many rows of Sue's attempt the caller reads in each attempt table (RLS applies).
create function pg_temp.visible_rows() returns jsonb
language sql
set search_path = ''
as $$
  select jsonb_build_object(
    'exam_attempts', (select count(*) from public.exam_attempts as t where t.id = current_setting('test.sue')::uuid),
    'attempt_answers', (select count(*) from public.attempt_answers as t where t.attempt_id = current_setting('test.sue')::uuid),
    'attempt_flags', (select count(*) from public.attempt_flags as t where t.attempt_id = current_setting('test.sue')::uuid),
    'attempt_section_states', (select count(*) from public.attempt_section_states as t where t.attempt_id = current_setting('test.sue')::uuid),
    'question_attempt_history', (select count(*) from public.question_attempt_history as t where t.attempt_id = current_setting('test.sue')::uuid),
    'attempt_activity_events', (select count(*) from public.attempt_activity_events as t where t.attempt_id = current_setting('test.sue')::uuid),
    'attempt_conflicts', (select count(*) from public.attempt_conflicts as t where t.attempt_id = current_setting('test.sue')::uuid),
    'attempt_connections', (select count(*) from public.attempt_connections as t where t.attempt_id = current_setting('test.sue')::uuid),
    'outbox_events', (select count(*) from public.outbox_events as t where t.topic = 'attempt:' || current_setting('test.sue'))
  );
$$;
grant execute on function pg_temp.visible_rows() to authenticated;

-- Sue saves from her laptop, then her phone saves from a stale version; Sam saves once.
select tests.authenticate_as('sue');
select from set_config('test.sue', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);
select from public.apply_attempt_ops(current_setting('test.sue')::uuid, '[
  {"op_id": "50000000-0000-4000-8000-000000000001", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "a", "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000002", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000002", "value": ["a"], "base_version": 0},
  {"op_id": "50000000-0000-4000-8000-000000000003", "type": "flag", "question_id": "40000000-0000-4000-8000-000000000003"},
  {"op_id": "50000000-0000-4000-8000-000000000004", "type": "activity", "event": "focus_lost"}
]', 'laptop');
select from public.apply_attempt_ops(current_setting('test.sue')::uuid,
  '[{"op_id": "50000000-0000-4000-8000-000000000005", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "b", "base_version": 0}]',
  'phone');

select tests.authenticate_as('sam');
select from set_config('test.sam', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);
select from public.apply_attempt_ops(current_setting('test.sam')::uuid,
  '[{"op_id": "50000000-0000-4000-8000-000000000011", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "c", "base_version": 0}]',
  'sam-laptop');

-- Every row there is, as the owner reads it.
select tests.act_as_owner();
select from set_config('test.all', pg_temp.visible_rows()::text, true);
select from set_config('test.none', (select jsonb_object_agg(k, 0)::text from jsonb_object_keys(current_setting('test.all')::jsonb) as k), true);

select ok(
  (select bool_and(v::integer > 0) from jsonb_each_text(current_setting('test.all')::jsonb) as e (k, v)),
  'Sue''s attempt has rows in every attempt table'
);

-- ==========================================================================================
-- Student (Sue), owner of the attempt
-- ==========================================================================================

select tests.authenticate_as('sue');

select is(pg_temp.visible_rows(), current_setting('test.all')::jsonb,
  'The student reads every row of their attempt in every attempt table');

select is(
  (select count(*)::integer from public.exam_attempts),
  1,
  'The student reads only their own attempt'
);

select throws_ok(
  $$ update public.exam_attempts set deadline_at = deadline_at + interval '1 day' where id = current_setting('test.sue')::uuid $$,
  '42501', 'permission denied for table exam_attempts',
  'The student cannot extend their own deadline by writing the attempt'
);

select throws_ok(
  $$
    insert into public.attempt_answers (attempt_id, question_id, value, version)
    values (current_setting('test.sue')::uuid, '40000000-0000-4000-8000-000000000003', 'true', 1)
  $$,
  '42501', 'permission denied for table attempt_answers',
  'The student cannot write an answer around the RPCs'
);

select throws_ok(
  $$ delete from public.question_attempt_history where attempt_id = current_setting('test.sue')::uuid $$,
  '42501', 'permission denied for table question_attempt_history',
  'The student cannot erase their answer history'
);

select throws_ok(
  $$ update public.attempt_conflicts set resolved_at = now() where attempt_id = current_setting('test.sue')::uuid $$,
  '42501', 'permission denied for table attempt_conflicts',
  'The student cannot settle a conflict around the RPCs'
);

select results_eq(
  $$
    select a.attempt_id, a.exam_title, a.status::text, a.answered_count, a.question_count, a.remaining_ms
    from public.get_active_session_state() as a
  $$,
  $$ values (current_setting('test.sue')::uuid, 'East Mixed', 'in_progress', 2, 7, 3600000::bigint) $$,
  'get_active_session_state lists the student''s open attempt with progress and time left'
);

select is(
  (select count(*)::integer from public.get_realtime_attempt_activity(current_setting('test.sue')::uuid)),
  (current_setting('test.all')::jsonb ->> 'attempt_activity_events')::integer,
  'get_realtime_attempt_activity gives the student their attempt''s whole activity'
);

select results_eq(
  $$ select event_type from public.get_realtime_attempt_activity(current_setting('test.sue')::uuid, null, 2) $$,
  $$ values ('started'), ('flagged') $$,
  'get_realtime_attempt_activity gives the oldest first, at most p_limit'
);

select is_empty(
  $$ select * from public.get_realtime_attempt_activity(current_setting('test.sue')::uuid, now(), 100) $$,
  'get_realtime_attempt_activity gives nothing newer than now'
);

select results_eq(
  $$ select client_id, is_live from public.get_attempt_connection_stats(current_setting('test.sue')::uuid) order by client_id $$,
  $$ values ('laptop', true), ('phone', true) $$,
  'get_attempt_connection_stats lists the student''s two live devices'
);

select results_eq(
  $$
    select s.answered_count, s.open_conflicts, s.ops_applied, s.live_connections, s.collision_detected
    from public.get_attempt_sync_status(current_setting('test.sue')::uuid) as s
  $$,
  $$ values (2, 1, 5, 2, true) $$,
  'get_attempt_sync_status reports answers, the open conflict, ops applied, devices and the collision'
);

select throws_ok(
  $$ select public.get_realtime_performance_metrics(60) $$,
  '42501', null,
  'A student cannot read the academy''s sync metrics'
);

-- ==========================================================================================
-- Another student of the academy (Sam)
-- ==========================================================================================

select tests.authenticate_as('sam');

select is(pg_temp.visible_rows(), current_setting('test.none')::jsonb,
  'Another student reads no row of Sue''s attempt in any attempt table');

select is_empty(
  $$ select * from public.get_realtime_attempt_activity(current_setting('test.sue')::uuid) $$,
  'Another student gets none of Sue''s activity'
);

select is_empty(
  $$ select * from public.get_attempt_connection_stats(current_setting('test.sue')::uuid) $$,
  'Another student gets none of Sue''s connections'
);

select is(
  tests.error_of($$ select public.get_attempt_sync_status(current_setting('test.sue')::uuid) $$),
  'PGRST attempt_not_found',
  'Another student cannot read Sue''s sync status'
);

select is(
  tests.error_of($$ select public.update_attempt_heartbeat(current_setting('test.sue')::uuid, 'spy') $$),
  'PGRST attempt_not_found',
  'Another student cannot join Sue''s attempt as a device'
);

select results_eq(
  $$ select a.attempt_id from public.get_active_session_state() as a $$,
  $$ values (current_setting('test.sam')::uuid) $$,
  'Another student''s resume list holds only their own attempt'
);

-- ==========================================================================================
-- Teacher of the academy (Tom)
-- ==========================================================================================

select tests.authenticate_as('tom');

select is(pg_temp.visible_rows(), current_setting('test.all')::jsonb,
  'A teacher of the academy reads every row of a student''s attempt');

select is(
  (select count(*)::integer from public.get_realtime_attempt_activity(current_setting('test.sue')::uuid)),
  (current_setting('test.all')::jsonb ->> 'attempt_activity_events')::integer,
  'A teacher follows a student''s activity'
);

select is(
  (select count(*)::integer from public.get_attempt_connection_stats(current_setting('test.sue')::uuid)),
  2,
  'A teacher sees a student''s connected devices'
);

select is(
  (select s.collision_detected from public.get_attempt_sync_status(current_setting('test.sue')::uuid) as s),
  true,
  'A teacher sees a student''s two devices flagged as a collision'
);

select is_empty(
  $$ select * from public.get_active_session_state() $$,
  'A teacher''s resume list holds none of their students'' attempts'
);

select throws_ok(
  $$ select public.get_realtime_performance_metrics(60) $$,
  '42501', null,
  'A teacher cannot read the academy''s sync metrics: admins only'
);

-- ==========================================================================================
-- Admin of the academy (Ada)
-- ==========================================================================================

select tests.authenticate_as('ada');

select is(pg_temp.visible_rows(), current_setting('test.all')::jsonb,
  'An admin of the academy reads every row of a student''s attempt');

select results_eq(
  $$
    select m.window_minutes, m.batches, m.saves_per_minute, m.conflicts, m.rejected_ops, m.errors, m.active_connections,
      m.apply_ms_p50 >= 0 and m.apply_ms_p95 >= m.apply_ms_p50
    from public.get_realtime_performance_metrics(60) as m
  $$,
  $$ values (60, 3::bigint, 0.10::numeric, 1::bigint, 0::bigint, 0::bigint, 3::bigint, true) $$,
  'An admin reads the academy''s sync metrics: batches, saves per minute, conflicts, live devices, apply times'
);

select throws_ok(
  $$ select public.get_realtime_performance_metrics(0) $$,
  '22023', null,
  'An admin cannot ask for metrics over an empty window'
);

-- ==========================================================================================
-- Teacher and admin of another academy (Will, Wes)
-- ==========================================================================================

select tests.authenticate_as('will');

select is(pg_temp.visible_rows(), current_setting('test.none')::jsonb,
  'A teacher of another academy reads no row of Sue''s attempt');

select is(
  tests.error_of($$ select public.get_attempt_state(current_setting('test.sue')::uuid) $$),
  'PGRST attempt_not_found',
  'A teacher of another academy cannot read Sue''s attempt state'
);

select is_empty(
  $$ select * from public.get_attempt_connection_stats(current_setting('test.sue')::uuid) $$,
  'A teacher of another academy gets none of Sue''s connections'
);

select tests.authenticate_as('wes');

select is(pg_temp.visible_rows(), current_setting('test.none')::jsonb,
  'An admin of another academy reads no row of Sue''s attempt');

select results_eq(
  $$ select m.batches, m.conflicts, m.active_connections from public.get_realtime_performance_metrics(60) as m $$,
  $$ values (0::bigint, 0::bigint, 0::bigint) $$,
  'An admin of another academy reads metrics of their own academy only'
);

-- ==========================================================================================
-- Anon
-- ==========================================================================================

select tests.clear_authentication();

select is(
  (
    select count(*)::integer
    from unnest(array['exam_attempts', 'attempt_answers', 'attempt_flags', 'attempt_section_states',
      'question_attempt_history', 'attempt_activity_events', 'attempt_conflicts', 'attempt_connections',
      'user_sub_skill_performance', 'outbox_events']) as t
    where has_table_privilege('anon', 'public.' || t, 'select')
  ),
  0,
  'Anon holds no read privilege on any attempt table'
);

select throws_ok(
  $$ select * from public.attempt_answers $$,
  '42501', 'permission denied for table attempt_answers',
  'Anon cannot read answers'
);

select throws_ok(
  $$ select * from public.get_active_session_state() $$,
  '42501', 'permission denied for function get_active_session_state',
  'Anon cannot list open attempts'
);

select throws_ok(
  $$ select public.get_realtime_performance_metrics(60) $$,
  '42501', 'permission denied for function get_realtime_performance_metrics',
  'Anon cannot read sync metrics'
);

select * from finish();
rollback;
