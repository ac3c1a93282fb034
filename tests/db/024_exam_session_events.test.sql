-- Session events by actor. On the session:<id> topic (read by the session's teachers and
-- the academy's admins): participant_joined, participant_admitted, session_status on
-- launch, pause, resume and end, progress coalesced to at most one per student per second,
-- participant_removed, participant_submitted. On each student's user:<id> topic:
-- session_admitted, session_attempt_started, session_status, announcement, session_removed.
-- can_read_topic and the Realtime policies (a select and a presence insert on
-- realtime.messages with realtime.topic set, as Realtime does) follow the same rule.
-- participant_left is in 025.

begin;
select plan(34);

-- East: admin Ada; teachers Tom (runs the session), Cal (its co-teacher) and Tia;
-- students Sue and Sam (in the session) and Ned (not in it). West: teacher Will.
select tests.create_academies('024');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom', 'cal', 'tia');
select tests.add_members('east', 'student', 'sue', 'sam', 'ned');
select tests.add_members('west', 'teacher', 'will');

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

-- Test-local helper: the events the caller reads on a topic after a given outbox id, the
-- notifications and progress that share user topics left out (tests/db/040 and 041 test those).
create function pg_temp.events(p_topic text, p_after bigint default 0)
returns table (event text, payload jsonb)
language sql
set search_path = ''
as $$
  select o.event, o.payload from public.outbox_events as o
  where o.topic = p_topic and o.id > p_after and o.event not like 'notification%' and o.event <> 'progress_updated'
  order by o.id;
$$;
grant execute on function pg_temp.events(text, bigint) to authenticated;

-- Test-local helper: what the caller gets from Realtime on a private channel, as the
-- Realtime server asks the database (realtime.topic set, then a select and, to track
-- presence, an insert on realtime.messages).
create function pg_temp.realtime_probe(p_topic text) returns text
language plpgsql
set search_path = ''
as $$
declare
  seen integer;
  tracked text;
begin
  perform pg_catalog.set_config('realtime.topic', p_topic, true);
  select count(*) into seen from realtime.messages as m where m.topic = p_topic and m.extension = 'broadcast';
  tracked := tests.error_of(pg_catalog.format(
    'insert into realtime.messages (topic, extension, event, payload, private) values (%L, %L, %L, %L, true)',
    p_topic, 'presence', 'presence', '{"online": true}'));
  return pg_catalog.format('%s broadcasts, presence %s',
    case when seen > 0 then 'receives' else 'no' end,
    case when tracked = 'no error' then 'tracked' else 'refused ' || tracked end);
end;
$$;
grant execute on function pg_temp.realtime_probe(text) to authenticated;

-- Tom's session with co-teacher Cal.
select tests.authenticate_as('tom');
select from set_config('test.session', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 1') as s), true);
select from set_config('test.topic', 'session:' || current_setting('test.session'), true);
select from set_config('test.code', (select s.join_code from public.exam_sessions as s
  where s.id = current_setting('test.session')::uuid), true);
select from public.add_session_teacher(current_setting('test.session')::uuid, tests.get_supabase_uid('cal'));

-- ==========================================================================================
-- Teacher who runs the session (Tom), on the session topic: the lobby and the launch
-- ==========================================================================================

select tests.authenticate_as('sue');
select from public.join_exam_session(current_setting('test.code'));
select tests.authenticate_as('sam');
select from public.join_exam_session(current_setting('test.code'));
select tests.authenticate_as('tom');

select results_eq(
  $$ select e.event, e.payload ->> 'user_id', e.payload ->> 'status' from pg_temp.events(current_setting('test.topic')) as e $$,
  $$
    values ('participant_joined', tests.get_supabase_uid('sue')::text, 'waiting'),
      ('participant_joined', tests.get_supabase_uid('sam')::text, 'waiting')
  $$,
  'The session topic hears each student who joins the lobby'
);

select from set_config('test.mark', (select coalesce(max(o.id), 0)::text from public.outbox_events as o where o.topic = current_setting('test.topic')), true);
select from public.admit_session_participants(current_setting('test.session')::uuid);

select set_eq(
  $$
    select e.event, e.payload ->> 'user_id' as user_id, e.payload ->> 'status' as status
    from pg_temp.events(current_setting('test.topic'), current_setting('test.mark')::bigint) as e
  $$,
  $$
    values ('participant_admitted', tests.get_supabase_uid('sue')::text, 'admitted'),
      ('participant_admitted', tests.get_supabase_uid('sam')::text, 'admitted')
  $$,
  'The session topic hears each student admitted'
);

select from set_config('test.mark', (select coalesce(max(o.id), 0)::text from public.outbox_events as o where o.topic = current_setting('test.topic')), true);
select from public.launch_exam_session(current_setting('test.session')::uuid);

select results_eq(
  $$
    select e.event, e.payload ->> 'status', (e.payload ->> 'deadline_at')::timestamptz = now() + interval '1 hour'
    from pg_temp.events(current_setting('test.topic'), current_setting('test.mark')::bigint) as e
  $$,
  $$ values ('session_status', 'active', true) $$,
  'Launching tells the session topic the session is active, with its deadline'
);

-- ==========================================================================================
-- Student in the session (Sue), on her own topic: admitted, then her attempt started
-- ==========================================================================================

select tests.authenticate_as('sue');

select results_eq(
  $$
    select e.event, e.payload ->> 'session_id', e.payload ->> 'attempt_id' = (select a.id::text from public.exam_attempts as a
      where a.user_id = tests.get_supabase_uid('sue')), (e.payload ->> 'deadline_at')::timestamptz = now() + interval '1 hour'
    from pg_temp.events('user:' || tests.get_supabase_uid('sue')) as e
  $$,
  $$
    values ('session_admitted', current_setting('test.session'), null::boolean, null::boolean),
      ('session_attempt_started', current_setting('test.session'), true, true)
  $$,
  'A student hears on their own topic that they were admitted, then that their attempt started, with its deadline'
);

-- ==========================================================================================
-- Teacher who runs the session (Tom), on the session topic: progress, at most one event per
-- student per second
-- ==========================================================================================

select tests.authenticate_as('sue');
select from pg_temp.save('40000000-0000-4000-8000-000000000001', '"b"');
select from pg_temp.save('40000000-0000-4000-8000-000000000002', 'true');
select tests.authenticate_as('sam');
select from pg_temp.save('40000000-0000-4000-8000-000000000001', '"a"');
select tests.authenticate_as('tom');

select results_eq(
  $$
    select e.payload ->> 'user_id', e.payload ->> 'answered'
    from pg_temp.events(current_setting('test.topic')) as e where e.event = 'progress'
  $$,
  $$ values (tests.get_supabase_uid('sue')::text, '1'), (tests.get_supabase_uid('sam')::text, '1') $$,
  'Two saves of one student within a second send one progress event; another student''s save sends their own'
);

-- A second goes by for Sue.
select tests.act_as_owner();
update public.exam_session_participants set last_progress_at = last_progress_at - interval '1 second'
where session_id = current_setting('test.session')::uuid and user_id = tests.get_supabase_uid('sue');
select tests.authenticate_as('sue');
select from pg_temp.save('40000000-0000-4000-8000-000000000003', '42');
select tests.authenticate_as('tom');

select results_eq(
  $$
    select e.payload ->> 'answered', e.payload ->> 'current_question_id', e.payload ->> 'status'
    from pg_temp.events(current_setting('test.topic')) as e
    where e.event = 'progress' and e.payload ->> 'user_id' = tests.get_supabase_uid('sue')::text
  $$,
  $$
    values ('1', '40000000-0000-4000-8000-000000000001', 'in_progress'),
      ('3', '40000000-0000-4000-8000-000000000001', 'in_progress')
  $$,
  'A second later the student''s next save sends the next progress event, with answered count and current question'
);

-- ==========================================================================================
-- Teacher who runs the session (Tom), on the session topic: remove, pause, resume, a
-- student's submission, the end
-- ==========================================================================================

select from set_config('test.mark', (select coalesce(max(o.id), 0)::text from public.outbox_events as o where o.topic = current_setting('test.topic')), true);
select from public.remove_session_participant(current_setting('test.session')::uuid, tests.get_supabase_uid('sam'), 'Phone out');

select results_eq(
  $$
    select e.event, e.payload ->> 'user_id', e.payload ->> 'status', e.payload ->> 'reason'
    from pg_temp.events(current_setting('test.topic'), current_setting('test.mark')::bigint) as e
  $$,
  $$ values ('participant_removed', tests.get_supabase_uid('sam')::text, 'removed', 'Phone out') $$,
  'Removing a student tells the session topic, with the reason'
);

select from set_config('test.mark', (select coalesce(max(o.id), 0)::text from public.outbox_events as o where o.topic = current_setting('test.topic')), true);
select from public.pause_exam_session(current_setting('test.session')::uuid);

select results_eq(
  $$
    select e.event, e.payload ->> 'status', (e.payload ->> 'paused_at')::timestamptz = now()
    from pg_temp.events(current_setting('test.topic'), current_setting('test.mark')::bigint) as e
  $$,
  $$ values ('session_status', 'paused', true) $$,
  'Pausing tells the session topic the session is paused'
);

select from set_config('test.mark', (select coalesce(max(o.id), 0)::text from public.outbox_events as o where o.topic = current_setting('test.topic')), true);
select from public.resume_exam_session(current_setting('test.session')::uuid);

select results_eq(
  $$
    select e.event, e.payload ->> 'status', e.payload ->> 'paused_at'
    from pg_temp.events(current_setting('test.topic'), current_setting('test.mark')::bigint) as e
  $$,
  $$ values ('session_status', 'active', null::text) $$,
  'Resuming tells the session topic the session is active again'
);

select from public.post_session_announcement(current_setting('test.session')::uuid, 'Five minutes left');

select tests.authenticate_as('sue');
select from (select public.submit_attempt(a.id) from public.exam_attempts as a where a.user_id = tests.get_supabase_uid('sue')) as submitted;
select tests.authenticate_as('tom');

select results_eq(
  $$
    select e.event, e.payload ->> 'user_id', e.payload ->> 'status', e.payload ->> 'score', e.payload ->> 'max_score'
    from pg_temp.events(current_setting('test.topic')) as e where e.event = 'participant_submitted'
  $$,
  $$ values ('participant_submitted', tests.get_supabase_uid('sue')::text, 'submitted', '3.00', '3.00') $$,
  'A student submitting tells the session topic, with their score'
);

select from set_config('test.mark', (select coalesce(max(o.id), 0)::text from public.outbox_events as o where o.topic = current_setting('test.topic')), true);
select from public.end_exam_session(current_setting('test.session')::uuid);

select results_eq(
  $$
    select e.event, e.payload ->> 'status'
    from pg_temp.events(current_setting('test.topic'), current_setting('test.mark')::bigint) as e
    where e.event = 'session_status'
  $$,
  $$ values ('session_status', 'ended') $$,
  'Ending tells the session topic the session ended'
);

-- ==========================================================================================
-- Student in the session (Sue) and the removed one (Sam), on their own topics
-- ==========================================================================================

select tests.authenticate_as('sue');

select results_eq(
  $$
    select e.event, coalesce(e.payload ->> 'status', e.payload ->> 'message')
    from pg_temp.events('user:' || tests.get_supabase_uid('sue')) as e
    where e.event in ('session_status', 'announcement')
  $$,
  $$
    values ('session_status', 'paused'), ('session_status', 'active'), ('announcement', 'Five minutes left'),
      ('session_status', 'ended')
  $$,
  'A student hears the pause, the resume, the announcement and the end on their own topic'
);

select is_empty(
  $$ select * from pg_temp.events(current_setting('test.topic')) $$,
  'A student reads none of the session topic''s events'
);

select is_empty(
  $$ select * from pg_temp.events('user:' || tests.get_supabase_uid('sam')) $$,
  'A student reads none of another student''s events'
);

select tests.authenticate_as('sam');

select results_eq(
  $$ select e.event from pg_temp.events('user:' || tests.get_supabase_uid('sam')) as e $$,
  $$ values ('session_admitted'), ('session_attempt_started'), ('session_removed') $$,
  'A removed student hears of the removal, and nothing of the session after it'
);

select results_eq(
  $$
    select e.payload ->> 'reason', e.payload ->> 'status' from pg_temp.events('user:' || tests.get_supabase_uid('sam')) as e
    where e.event = 'session_removed'
  $$,
  $$ values ('Phone out', 'removed') $$,
  'A removed student is told the reason on their own topic'
);

-- ==========================================================================================
-- Who may read the session topic (can_read_topic, the outbox, Realtime): the teacher who runs
-- it (Tom), the co-teacher (Cal), the admin (Ada), another teacher (Tia), a student in it
-- (Sue), a student not in it (Ned), a teacher of another academy (Will), anon
-- ==========================================================================================

select tests.authenticate_as('tom');

select ok(private.can_read_topic(current_setting('test.topic')), 'The teacher who runs the session may read its topic');
select is(
  pg_temp.realtime_probe(current_setting('test.topic')),
  'receives broadcasts, presence tracked',
  'On Realtime the teacher who runs the session receives its broadcasts and tracks presence'
);

select tests.authenticate_as('cal');

select ok(private.can_read_topic(current_setting('test.topic')), 'A co-teacher may read the session topic');
select is(
  pg_temp.realtime_probe(current_setting('test.topic')),
  'receives broadcasts, presence tracked',
  'On Realtime a co-teacher receives the session''s broadcasts and tracks presence'
);

select tests.authenticate_as('ada');

select ok(private.can_read_topic(current_setting('test.topic')), 'An admin of the academy may read the session topic');
select is(
  pg_temp.realtime_probe(current_setting('test.topic')),
  'receives broadcasts, presence tracked',
  'On Realtime an admin of the academy receives the session''s broadcasts and tracks presence'
);

select tests.authenticate_as('tia');

select ok(not private.can_read_topic(current_setting('test.topic')),
  'Another teacher of the academy may not read the topic of a session they do not run');
select is(
  pg_temp.realtime_probe(current_setting('test.topic')),
  'no broadcasts, presence refused 42501',
  'On Realtime another teacher of the academy receives nothing of the session and may not track presence'
);
select is_empty(
  $$ select * from pg_temp.events(current_setting('test.topic')) $$,
  'Another teacher of the academy reads none of the session topic''s events in the outbox'
);

select tests.authenticate_as('sue');

select ok(not private.can_read_topic(current_setting('test.topic')), 'A student of the session may not read its topic');
select is(
  pg_temp.realtime_probe(current_setting('test.topic')),
  'no broadcasts, presence refused 42501',
  'On Realtime a student of the session receives nothing of its topic and may not track presence there'
);
select is(
  pg_temp.realtime_probe('user:' || tests.get_supabase_uid('sue')),
  'receives broadcasts, presence tracked',
  'On Realtime a student receives the broadcasts of their own topic'
);

select tests.authenticate_as('ned');

select ok(not private.can_read_topic(current_setting('test.topic')), 'A student not in the session may not read its topic');
select is(
  pg_temp.realtime_probe(current_setting('test.topic')),
  'no broadcasts, presence refused 42501',
  'On Realtime a student not in the session receives nothing of its topic'
);

select tests.authenticate_as('will');

select ok(not private.can_read_topic(current_setting('test.topic')),
  'A teacher of another academy may not read the session topic');
select is(
  pg_temp.realtime_probe(current_setting('test.topic')),
  'no broadcasts, presence refused 42501',
  'On Realtime a teacher of another academy receives nothing of the session'
);

select tests.clear_authentication();

select throws_ok(
  format('select private.can_read_topic(%L)', current_setting('test.topic')),
  '42501', null,
  'Anon may not even ask whether it may read a topic'
);

select throws_ok(
  $$ select * from public.outbox_events $$,
  '42501', 'permission denied for table outbox_events',
  'Anon may not read the outbox'
);

select * from finish();
rollback;
