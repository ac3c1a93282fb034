-- Time and cron by actor: remaining time comes from the server's clock; writes are refused
-- after the deadline plus grace while replays still answer; the expiry job (run as the
-- owner, as pg_cron does) applies each exam's expiry policy with finished_at = deadline_at;
-- sequential navigation and section time limits close questions; connection cleanup is for
-- the service role and cron only. Time moves by moving an attempt's deadline into the past.

begin;
select plan(37);

-- East: admin Ada, teacher Tom, students Sue and Sam; West: teacher Will, student Bea.
-- East's published exam: one hour, 60 s grace, free navigation, merge strategy; two
-- sections and one question of every type, each with its key (tests.create_mixed_exam).
select tests.create_exam_fixture('009');

-- East exams with the other expiry policies (one question each), and a sequential exam
-- whose second section has its own five-minute limit.
insert into public.exams (id, academy_id, title, published, duration_seconds, grace_period_seconds, expiry_policy, navigation)
values
  ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', 'East Grace', true, 3600, 60, 'grace_then_submit', 'free'),
  ('20000000-0000-4000-8000-000000000003', '10000000-0000-4000-8000-000000000001', 'East Abandon', true, 3600, 60, 'abandon', 'free'),
  ('20000000-0000-4000-8000-000000000004', '10000000-0000-4000-8000-000000000001', 'East Sequence', true, 3600, 60, 'autosubmit', 'sequential');
insert into public.exam_sections (id, exam_id, position, title, time_limit_seconds)
values
  ('30000000-0000-4000-8000-000000000020', '20000000-0000-4000-8000-000000000002', 0, 'Grace', null),
  ('30000000-0000-4000-8000-000000000030', '20000000-0000-4000-8000-000000000003', 0, 'Abandon', null),
  ('30000000-0000-4000-8000-000000000041', '20000000-0000-4000-8000-000000000004', 0, 'Part one', null),
  ('30000000-0000-4000-8000-000000000042', '20000000-0000-4000-8000-000000000004', 1, 'Part two', 300);
insert into public.questions (id, exam_id, section_id, position, type, prompt)
values
  ('40000000-0000-4000-8000-000000000021', '20000000-0000-4000-8000-000000000002', '30000000-0000-4000-8000-000000000020', 0, 'true_false', 'Grace?'),
  ('40000000-0000-4000-8000-000000000031', '20000000-0000-4000-8000-000000000003', '30000000-0000-4000-8000-000000000030', 0, 'true_false', 'Abandon?'),
  ('40000000-0000-4000-8000-000000000041', '20000000-0000-4000-8000-000000000004', '30000000-0000-4000-8000-000000000041', 0, 'true_false', 'First?'),
  ('40000000-0000-4000-8000-000000000042', '20000000-0000-4000-8000-000000000004', '30000000-0000-4000-8000-000000000041', 1, 'true_false', 'Second?'),
  ('40000000-0000-4000-8000-000000000043', '20000000-0000-4000-8000-000000000004', '30000000-0000-4000-8000-000000000042', 0, 'true_false', 'Third?');
insert into private.question_keys (question_id, correct)
values ('40000000-0000-4000-8000-000000000021', 'true'), ('40000000-0000-4000-8000-000000000031', 'true');


-- Sam starts two attempts: one whose time is not up, one he submits too late.
select tests.authenticate_as('sam');
select from set_config('test.sam_open', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);
select from set_config('test.sam_late', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000002') as a), true);
select from public.update_attempt_heartbeat(current_setting('test.sam_open')::uuid, 'sam-laptop');

-- ==========================================================================================
-- Student (Sue): the server's clock
-- ==========================================================================================

select tests.authenticate_as('sue');
select from set_config('test.auto', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);
select from set_config('test.grace', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000002') as a), true);
select from set_config('test.abandon', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000003') as a), true);
select from set_config('test.sequence', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000004') as a), true);

select results_eq(
  $$
    select s.remaining_ms, s.server_now = now()
    from public.get_attempt_state(current_setting('test.auto')::uuid) as s
  $$,
  $$ values (3600000::bigint, true) $$,
  'A new one-hour attempt has 3 600 000 ms left by the server''s clock'
);

select tests.act_as_owner();
update public.exam_attempts set deadline_at = now() + interval '10 minutes' where id = current_setting('test.auto')::uuid;
select tests.authenticate_as('sue');

select results_eq(
  $$
    select (public.get_attempt_state(current_setting('test.auto')::uuid)).remaining_ms,
      (select s.remaining_ms from public.get_attempt_sync_status(current_setting('test.auto')::uuid) as s),
      (select a.remaining_ms from public.get_active_session_state() as a where a.attempt_id = current_setting('test.auto')::uuid),
      (select h.remaining_ms from public.update_attempt_heartbeat(current_setting('test.auto')::uuid, 'laptop') as h)
  $$,
  $$ values (600000::bigint, 600000::bigint, 600000::bigint, 600000::bigint) $$,
  'Every RPC computes the time left from the deadline and the server''s clock alike'
);

select lives_ok(
  $$
    select public.apply_attempt_ops(current_setting('test.auto')::uuid, '[
      {"op_id": "50000000-0000-4000-8000-000000000001", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "b", "base_version": 0}
    ]', 'laptop')
  $$,
  'A student saves while time is left'
);

-- The deadline passed 30 seconds ago: inside the 60-second grace period.
select tests.act_as_owner();
update public.exam_attempts set deadline_at = now() - interval '30 seconds'
where id in (current_setting('test.auto')::uuid, current_setting('test.grace')::uuid);

select is(
  private.expire_overdue_attempts(),
  1,
  'During the grace period the expiry job changes only the grace_then_submit attempt'
);

select results_eq(
  $$
    select a.id::text, a.status::text from public.exam_attempts as a
    where a.id in (current_setting('test.auto')::uuid, current_setting('test.grace')::uuid)
    order by a.status
  $$,
  $$ values (current_setting('test.auto'), 'in_progress'), (current_setting('test.grace'), 'overdue') $$,
  'During the grace period autosubmit leaves the attempt open and grace_then_submit marks it overdue'
);

select results_eq(
  $$
    select (select e.event_type from public.attempt_activity_events as e
            where e.attempt_id = current_setting('test.grace')::uuid order by e.id desc limit 1),
      (select o.event from public.outbox_events as o
       where o.topic = 'attempt:' || current_setting('test.grace') order by o.id desc limit 1)
  $$,
  $$ values ('overdue', 'attempt_overdue') $$,
  'Turning overdue is logged and told to the attempt''s topic'
);

select tests.authenticate_as('sue');

select results_eq(
  $$
    select o.status::text, o.remaining_ms, (o.results)[1].status::text
    from public.apply_attempt_ops(current_setting('test.grace')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000021", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000021", "value": true, "base_version": 0}]',
      'laptop') as o
  $$,
  $$ values ('overdue', 0::bigint, 'applied') $$,
  'An overdue attempt still takes saves during the grace period, with no time left'
);

select is(
  (select (o.results)[1].status::text from public.apply_attempt_ops(current_setting('test.auto')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000002", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000003", "value": false, "base_version": 0}]',
    'laptop') as o),
  'applied',
  'An autosubmit attempt takes saves during the grace period'
);

-- The deadline passed two minutes ago: the grace period is over.
select tests.act_as_owner();
update public.exam_attempts set deadline_at = now() - interval '2 minutes', started_at = now() - interval '62 minutes'
where id in (current_setting('test.auto')::uuid, current_setting('test.grace')::uuid, current_setting('test.abandon')::uuid);
select tests.authenticate_as('sue');

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.auto')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000003", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000004", "value": 9.8, "base_version": 0}]',
    'laptop') $$),
  'PGRST attempt_expired',
  'After the deadline plus grace a new save is refused as attempt_expired, before any job ran'
);

select is(
  tests.error_of($$ select public.update_flagged_questions(current_setting('test.auto')::uuid,
    '40000000-0000-4000-8000-000000000004', true) $$),
  'PGRST attempt_expired',
  'After the deadline plus grace a flag is refused as attempt_expired too'
);

select results_eq(
  $$
    select r.status::text, r.first_status::text
    from public.apply_attempt_ops(current_setting('test.auto')::uuid, '[
      {"op_id": "50000000-0000-4000-8000-000000000001", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "b", "base_version": 0},
      {"op_id": "50000000-0000-4000-8000-000000000002", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000003", "value": false, "base_version": 0}
    ]', 'laptop') as o,
      unnest(o.results) as r
  $$,
  $$ values ('duplicate', 'applied'), ('duplicate', 'applied') $$,
  'After the deadline a replay of ops saved in time still answers duplicate'
);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.auto')::uuid, '[
      {"op_id": "50000000-0000-4000-8000-000000000001", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "b", "base_version": 0},
      {"op_id": "50000000-0000-4000-8000-000000000004", "type": "flag", "question_id": "40000000-0000-4000-8000-000000000001"}
    ]', 'laptop') $$),
  'PGRST attempt_expired',
  'A replay carrying one new op after the deadline is refused whole'
);

-- ==========================================================================================
-- Owner, as pg_cron: the expiry job after the grace period
-- ==========================================================================================

select tests.act_as_owner();

select is(private.expire_overdue_attempts(), 3, 'After the grace period the expiry job closes the three attempts');

select results_eq(
  $$
    select a.status::text, a.finished_at = a.deadline_at, a.grading_status::text, a.score, a.max_score
    from public.exam_attempts as a where a.id = current_setting('test.auto')::uuid
  $$,
  $$ values ('expired', true, 'graded', 1.00::numeric(10, 2), 12.00::numeric(10, 2)) $$,
  'autosubmit: the attempt is expired and graded with what was saved, finished at its deadline'
);

select results_eq(
  $$
    select a.status::text, a.finished_at = a.deadline_at, a.grading_status::text, a.score, a.max_score
    from public.exam_attempts as a where a.id = current_setting('test.grace')::uuid
  $$,
  $$ values ('expired', true, 'graded', 1.00::numeric(10, 2), 1.00::numeric(10, 2)) $$,
  'grace_then_submit: the overdue attempt is expired and graded, finished at its deadline'
);

select results_eq(
  $$
    select a.status::text, a.finished_at = a.deadline_at, a.grading_status::text, a.score
    from public.exam_attempts as a where a.id = current_setting('test.abandon')::uuid
  $$,
  $$ values ('abandoned', true, 'ungraded', null::numeric(10, 2)) $$,
  'abandon: the attempt is closed ungraded, finished at its deadline'
);

select results_eq(
  $$
    select o.topic, o.event from public.outbox_events as o
    where o.topic in ('attempt:' || current_setting('test.auto'), 'attempt:' || current_setting('test.abandon'))
      and o.event in ('attempt_expired', 'attempt_abandoned')
    order by o.event
  $$,
  $$ values ('attempt:' || current_setting('test.abandon'), 'attempt_abandoned'), ('attempt:' || current_setting('test.auto'), 'attempt_expired') $$,
  'Closing by the job is told to each attempt''s topic'
);

select is_empty(
  $$
    select * from public.attempt_connections
    where attempt_id in (current_setting('test.auto')::uuid, current_setting('test.grace')::uuid)
  $$,
  'Closed attempts keep no live connection'
);

select results_eq(
  $$ select a.status::text from public.exam_attempts as a where a.id = current_setting('test.sam_open')::uuid $$,
  $$ values ('in_progress') $$,
  'The job leaves an attempt whose time is not up alone'
);

select is(private.expire_overdue_attempts(), 0, 'Running the job again changes nothing');

-- ==========================================================================================
-- Student (Sue) after her attempts closed
-- ==========================================================================================

select tests.authenticate_as('sue');

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.auto')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000005", "type": "flag", "question_id": "40000000-0000-4000-8000-000000000001"}]', 'laptop') $$),
  'PGRST attempt_closed',
  'A new save to an expired attempt is refused as attempt_closed'
);

select is(
  (select (o.results)[1].status::text from public.apply_attempt_ops(current_setting('test.auto')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000001", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "b", "base_version": 0}]',
    'laptop') as o),
  'duplicate',
  'A replay to an expired attempt still answers duplicate'
);

select results_eq(
  $$ select a.status::text, a.finished_at = a.deadline_at from public.submit_attempt(current_setting('test.auto')::uuid) as a $$,
  $$ values ('expired', true) $$,
  'Submitting an expired attempt returns it unchanged'
);

-- ==========================================================================================
-- Another student (Sam) submits after the grace period, before the job ran
-- ==========================================================================================

select tests.act_as_owner();
update public.exam_attempts set deadline_at = now() - interval '5 minutes' where id = current_setting('test.sam_late')::uuid;
select tests.authenticate_as('sam');

select results_eq(
  $$
    select a.status::text, a.finished_at = a.deadline_at, a.grading_status::text
    from public.submit_attempt(current_setting('test.sam_late')::uuid) as a
  $$,
  $$ values ('expired', true, 'graded') $$,
  'Submitting after the grace period applies the expiry policy: expired at the deadline, not submitted now'
);

-- ==========================================================================================
-- Student (Sue): sequential navigation and a section's own time limit
-- ==========================================================================================

select tests.authenticate_as('sue');

select is(
  (select (o.results)[1].status::text from public.apply_attempt_ops(current_setting('test.sequence')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000041", "type": "position", "question_id": "40000000-0000-4000-8000-000000000042"}]', 'laptop') as o),
  'applied',
  'In a sequential exam a student moves forward'
);

select results_eq(
  $$
    select r.status::text, r.code
    from public.apply_attempt_ops(current_setting('test.sequence')::uuid, '[
      {"op_id": "50000000-0000-4000-8000-000000000042", "type": "position", "question_id": "40000000-0000-4000-8000-000000000041"},
      {"op_id": "50000000-0000-4000-8000-000000000043", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000041", "value": true, "base_version": 0}
    ]', 'laptop') as o,
      unnest(o.results) as r
  $$,
  $$ values ('rejected', 'navigation_sequential'), ('rejected', 'question_closed') $$,
  'In a sequential exam going back and answering a passed question are rejected'
);

select results_eq(
  $$
    select a.current_question_id, (select count(*)::integer from public.attempt_answers as aa where aa.attempt_id = a.id)
    from public.exam_attempts as a where a.id = current_setting('test.sequence')::uuid
  $$,
  $$ values ('40000000-0000-4000-8000-000000000042'::uuid, 0) $$,
  'The rejected ops left the position and the answers as they were'
);

select from public.apply_attempt_ops(current_setting('test.sequence')::uuid,
  '[{"op_id": "50000000-0000-4000-8000-000000000044", "type": "position", "question_id": "40000000-0000-4000-8000-000000000043"}]', 'laptop');

select results_eq(
  $$
    select st.status::text, st.time_used_ms, st.completed_at = now()
    from public.update_section_state(current_setting('test.sequence')::uuid, '30000000-0000-4000-8000-000000000041',
      row('completed', 42000)::public.section_state_change) as st
  $$,
  $$ values ('completed', 42000::bigint, true) $$,
  'update_section_state completes the section left behind and records the time spent there'
);

select results_eq(
  $$
    select st.status::text, st.deadline_at - st.started_at from public.attempt_section_states as st
    where st.attempt_id = current_setting('test.sequence')::uuid and st.section_id = '30000000-0000-4000-8000-000000000042'
  $$,
  $$ values ('in_progress', interval '5 minutes') $$,
  'Entering a section with its own limit starts its clock'
);

select tests.act_as_owner();
update public.attempt_section_states set deadline_at = now() - interval '2 minutes'
where attempt_id = current_setting('test.sequence')::uuid and section_id = '30000000-0000-4000-8000-000000000042';
select tests.authenticate_as('sue');

select results_eq(
  $$
    select r.status::text, r.code
    from public.apply_attempt_ops(current_setting('test.sequence')::uuid,
      '[{"op_id": "50000000-0000-4000-8000-000000000045", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000043", "value": true, "base_version": 0}]',
      'laptop') as o,
      unnest(o.results) as r
  $$,
  $$ values ('rejected', 'section_expired') $$,
  'After a section''s own time plus grace its questions take no answer'
);

-- ==========================================================================================
-- Student (Sue), teacher (Tom): the jobs are not theirs to run
-- ==========================================================================================

select throws_ok(
  $$ select public.cleanup_stale_attempt_connections(60) $$,
  '42501', 'permission denied for function cleanup_stale_attempt_connections',
  'A student cannot run the connection cleanup'
);

select throws_ok(
  $$ select private.expire_overdue_attempts() $$,
  '42501', 'permission denied for function expire_overdue_attempts',
  'A student cannot run the expiry job'
);

select tests.authenticate_as('tom');

select throws_ok(
  $$ select public.cleanup_stale_attempt_connections(60) $$,
  '42501', 'permission denied for function cleanup_stale_attempt_connections',
  'A teacher cannot run the connection cleanup'
);

-- ==========================================================================================
-- Service role and anon
-- ==========================================================================================

select tests.act_as_owner();
update public.attempt_connections set last_heartbeat_at = now() - interval '5 minutes'
where attempt_id = current_setting('test.sequence')::uuid;
select tests.authenticate_as_service_role();

select is(
  public.cleanup_stale_attempt_connections(60),
  1,
  'The service role removes the connection silent for five minutes'
);

select is(
  (select count(*)::integer from public.attempt_connections where client_id = 'sam-laptop'),
  1,
  'The cleanup keeps a live connection'
);

select tests.clear_authentication();

select throws_ok(
  $$ select public.cleanup_stale_attempt_connections(60) $$,
  '42501', 'permission denied for function cleanup_stale_attempt_connections',
  'Anon cannot run the connection cleanup'
);

-- ==========================================================================================
-- Owner: the schedule
-- ==========================================================================================

select tests.act_as_owner();

select results_eq(
  $$ select jobname::text collate "default", schedule collate "default", command collate "default" from cron.job
    where jobname in ('examsync-expire-attempts', 'examsync-cleanup-stale-connections', 'examsync-prune-outbox')
    order by jobname $$,
  $$
    values
      ('examsync-cleanup-stale-connections', '* * * * *', 'select private.cleanup_stale_attempt_connections(60)'),
      ('examsync-expire-attempts', '* * * * *', 'select private.expire_overdue_attempts()'),
      ('examsync-prune-outbox', '17 3 * * *', 'delete from public.outbox_events where created_at < now() - interval ''3 days''')
  $$,
  'pg_cron runs the expiry job and the connection cleanup every minute and prunes the outbox daily'
);

select * from finish();
rollback;
