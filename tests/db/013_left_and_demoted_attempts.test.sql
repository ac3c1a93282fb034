-- Rights to attempts follow current membership, by actor. A student who left the academy
-- reads, resumes, saves, submits and hears nothing of her attempts there any more (nor her
-- sub-skill performance), whatever rows still name her, and gets them back when she
-- rejoins; a teacher demoted to student and a teacher who left read no student's attempt,
-- no question, no key and no attempt topic. The attempt itself is kept for the academy:
-- its admin still reads it. Sessions are in 026.

begin;
select plan(30);

-- East: admin Ada, teachers Tom and Tia, students Sue and Sam; West: teacher Will,
-- student Bea; East's exam of tests.create_mixed_exam.
select tests.create_exam_fixture('013');
select tests.add_members('east', 'teacher', 'tia');

-- Test-local helper: how many rows of an attempt the caller reads in the attempt, its
-- answers, its activity log, its connections and its topic's events (RLS applies).
create function pg_temp.rows_read(p_attempt_id uuid) returns integer[]
language sql
set search_path = ''
as $$
  select array[
    (select count(*)::integer from public.exam_attempts as t where t.id = p_attempt_id),
    (select count(*)::integer from public.attempt_answers as t where t.attempt_id = p_attempt_id),
    (select count(*)::integer from public.attempt_activity_events as t where t.attempt_id = p_attempt_id),
    (select count(*)::integer from public.attempt_connections as t where t.attempt_id = p_attempt_id),
    (select count(*)::integer from public.outbox_events as t where t.topic = 'attempt:' || p_attempt_id)];
$$;
grant execute on function pg_temp.rows_read(uuid) to authenticated;

-- Test-local helper: what the caller gets from Realtime on a private channel, as the
-- Realtime server asks the database (realtime.topic set, then a select and a presence insert).
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

-- Sue submits a first attempt (graded: her sub-skill performance) and leaves a second one
-- open with an answer and a device; Sam has an open attempt with an answer and a device.
select tests.authenticate_as('sue');
select from set_config('test.sue_done', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);
select from public.apply_attempt_ops(current_setting('test.sue_done')::uuid,
  '[{"op_id": "50000000-0000-4000-8000-000000000001", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "b", "base_version": 0}]', 'sue-laptop');
select from public.submit_attempt(current_setting('test.sue_done')::uuid);
select from set_config('test.sue', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);
select from public.apply_attempt_ops(current_setting('test.sue')::uuid,
  '[{"op_id": "50000000-0000-4000-8000-000000000002", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "a", "base_version": 0}]', 'sue-laptop');
select from public.update_attempt_heartbeat(current_setting('test.sue')::uuid, 'sue-laptop');
select tests.authenticate_as('sam');
select from set_config('test.sam', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);
select from public.apply_attempt_ops(current_setting('test.sam')::uuid,
  '[{"op_id": "50000000-0000-4000-8000-000000000003", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000003", "value": true, "base_version": 0}]', 'sam-laptop');
select from public.update_attempt_heartbeat(current_setting('test.sam')::uuid, 'sam-laptop');

-- Then Sue and Tia leave East, and Tom is demoted to student.
select tests.act_as_owner();
delete from public.academy_members
where academy_id = '10000000-0000-4000-8000-000000000001' and user_id in (tests.get_supabase_uid('sue'), tests.get_supabase_uid('tia'));
update public.academy_members set role = 'student'
where academy_id = '10000000-0000-4000-8000-000000000001' and user_id = tests.get_supabase_uid('tom');

-- ==========================================================================================
-- Student who left the academy (Sue)
-- ==========================================================================================

select tests.authenticate_as('sue');

select is(
  pg_temp.rows_read(current_setting('test.sue')::uuid),
  array[0, 0, 0, 0, 0],
  'A student who left the academy reads nothing of her open attempt there: not the attempt, its answers, its log, its devices nor its events'
);

select is_empty(
  $$ select a.id from public.exam_attempts as a $$,
  'A student who left the academy reads none of her attempts there, submitted or open'
);

select is_empty(
  $$ select p.sub_skill from public.user_sub_skill_performance as p $$,
  'A student who left the academy reads no sub-skill performance of it'
);

select is_empty(
  $$ select * from public.get_active_session_state() $$,
  'A student who left the academy has no open attempt of it to resume'
);

select is_empty(
  $$ select * from public.get_realtime_attempt_activity(current_setting('test.sue')::uuid) $$,
  'A student who left the academy reads no activity of her attempt'
);

select is(
  tests.error_of($$ select public.get_attempt_state(current_setting('test.sue')::uuid) $$),
  'PGRST attempt_not_found',
  'A student who left the academy cannot resume her attempt, so sees no question of it (404)'
);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.sue')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000004", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "c", "base_version": 1}]', 'sue-laptop') $$),
  'PGRST attempt_not_found',
  'A student who left the academy cannot save an answer on her open attempt (404)'
);

select is(
  tests.error_of($$ select public.update_flagged_questions(current_setting('test.sue')::uuid, '40000000-0000-4000-8000-000000000002', true) $$),
  'PGRST attempt_not_found',
  'A student who left the academy cannot flag a question of her open attempt (404)'
);

select is(
  tests.error_of($$ select public.update_attempt_heartbeat(current_setting('test.sue')::uuid, 'sue-phone') $$),
  'PGRST attempt_not_found',
  'A student who left the academy cannot send a heartbeat on her open attempt (404)'
);

select is(
  tests.error_of($$ select public.submit_attempt(current_setting('test.sue')::uuid) $$),
  'PGRST attempt_not_found',
  'A student who left the academy cannot submit her open attempt (404)'
);

select is(
  tests.error_of($$ select public.get_attempt_sync_status(current_setting('test.sue')::uuid) $$),
  'PGRST attempt_not_found',
  'A student who left the academy cannot read the sync status of her attempt (404)'
);

select is(
  private.can_read_topic('attempt:' || current_setting('test.sue')),
  false,
  'A student who left the academy may not read her attempt''s topic'
);

select is(
  pg_temp.realtime_probe('attempt:' || current_setting('test.sue')),
  'no broadcasts, presence refused 42501',
  'A student who left the academy receives nothing on her attempt''s Realtime channel and cannot track presence there'
);

select is(
  private.can_read_topic('user:' || tests.get_supabase_uid('sue')),
  true,
  'A student who left the academy still reads her own user topic, which belongs to no academy'
);

select tests.act_as_owner();

select results_eq(
  $$
    select a.status::text, aa.value, aa.version, (select count(*)::integer from public.attempt_connections as c where c.attempt_id = a.id)
    from public.exam_attempts as a join public.attempt_answers as aa on aa.attempt_id = a.id
    where a.id = current_setting('test.sue')::uuid
  $$,
  $$ values ('in_progress', '"a"'::jsonb, 1, 1) $$,
  'Nothing a student tried after leaving changed her attempt: still open, same answer, one device'
);

-- ==========================================================================================
-- Student who rejoined the academy (Sue again)
-- ==========================================================================================

insert into public.academy_members (academy_id, user_id, role)
values ('10000000-0000-4000-8000-000000000001', tests.get_supabase_uid('sue'), 'student');
select tests.authenticate_as('sue');

select is(
  (select count(*)::integer from public.exam_attempts as a),
  2,
  'A student who rejoins the academy reads her attempts there again'
);

select is(
  tests.error_of($$ select public.apply_attempt_ops(current_setting('test.sue')::uuid,
    '[{"op_id": "50000000-0000-4000-8000-000000000005", "type": "answer", "question_id": "40000000-0000-4000-8000-000000000001", "value": "b", "base_version": 1}]', 'sue-laptop') $$),
  'no error',
  'A student who rejoins the academy saves on her open attempt again'
);

select tests.act_as_owner();
delete from public.academy_members
where academy_id = '10000000-0000-4000-8000-000000000001' and user_id = tests.get_supabase_uid('sue');

-- ==========================================================================================
-- Teacher demoted to student (Tom)
-- ==========================================================================================

select tests.authenticate_as('tom');

select is(
  pg_temp.rows_read(current_setting('test.sam')::uuid),
  array[0, 0, 0, 0, 0],
  'A teacher demoted to student reads nothing of a student''s attempt: not the attempt, its answers, its log, its devices nor its events'
);

select is(
  tests.error_of($$ select public.get_attempt_state(current_setting('test.sam')::uuid) $$),
  'PGRST attempt_not_found',
  'A teacher demoted to student cannot read a student''s attempt state (404)'
);

select is_empty(
  $$ select q.id from public.questions as q $$,
  'A teacher demoted to student reads no question of the academy''s exams'
);

select is_empty(
  $$ select * from public.get_question_keys('20000000-0000-4000-8000-000000000001') $$,
  'A teacher demoted to student reads no answer key'
);

select is(
  tests.error_of($$ select public.set_question_key('40000000-0000-4000-8000-000000000003', 'false') $$),
  '42501 question_not_found',
  'A teacher demoted to student cannot change an answer key (42501)'
);

select is(
  pg_temp.realtime_probe('attempt:' || current_setting('test.sam')),
  'no broadcasts, presence refused 42501',
  'A teacher demoted to student receives nothing on a student''s attempt channel and cannot track presence there'
);

-- ==========================================================================================
-- Teacher who left the academy (Tia)
-- ==========================================================================================

select tests.authenticate_as('tia');

select is(
  pg_temp.rows_read(current_setting('test.sam')::uuid),
  array[0, 0, 0, 0, 0],
  'A teacher who left the academy reads nothing of a student''s attempt'
);

select is_empty(
  $$ select e.id from public.exams as e $$,
  'A teacher who left the academy reads none of its exams'
);

select is(
  private.can_read_topic('attempt:' || current_setting('test.sam')),
  false,
  'A teacher who left the academy may not read a student''s attempt topic'
);

-- ==========================================================================================
-- Current members: the student who stayed (Sam) and the admin (Ada)
-- ==========================================================================================

select tests.authenticate_as('sam');

select is(
  (pg_temp.rows_read(current_setting('test.sam')::uuid))[1:2],
  array[1, 1],
  'A student who stays in the academy still reads his attempt and its answer'
);

select tests.authenticate_as('ada');

select is(
  (pg_temp.rows_read(current_setting('test.sue')::uuid))[1:2],
  array[1, 1],
  'The academy''s admin still reads the attempt of a student who left'
);

-- ==========================================================================================
-- Teacher of another academy (Will) and anon
-- ==========================================================================================

select tests.authenticate_as('will');

select is(
  pg_temp.rows_read(current_setting('test.sue')::uuid),
  array[0, 0, 0, 0, 0],
  'A teacher of another academy reads nothing of the attempt of a student who left East'
);

select tests.clear_authentication();

select throws_ok(
  $$ select public.get_attempt_state(current_setting('test.sue')::uuid) $$,
  '42501', null,
  'Anon cannot read any attempt state'
);

select * from finish();
rollback;
