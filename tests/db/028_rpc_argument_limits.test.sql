-- RPC arguments beyond what a column or an integer holds, by actor, called the way PostgREST
-- calls an RPC (the JSON body read with json_to_record into the parameters' own types):
-- over-long titles and reasons, negative tolerances, and numbers beyond the integer range
-- or not whole are refused up front with 400 22023 and a stable code in hint, never a raw
-- 23514 (check violation), 22003 (out of range) or 22P02. Values within the limits work.
-- A teacher of another academy and anon get nothing.

begin;
select plan(16);

-- East: admin Ada; teacher Tom; student Sue. West: teacher Will.
select from tests.create_academies('028');
select from tests.add_members('east', 'admin', 'ada');
select from tests.add_members('east', 'teacher', 'tom');
select from tests.add_members('east', 'student', 'sue');
select from tests.add_members('west', 'teacher', 'will');

-- East's one-hour quiz: one numeric question.
insert into public.exams (id, academy_id, title, published, duration_seconds, grace_period_seconds)
values ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'East Quiz', true, 3600, 60);
insert into public.exam_sections (id, exam_id, position, title)
values ('30000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', 0, 'Only section');
insert into public.questions (id, exam_id, section_id, position, type, prompt, options)
values ('40000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
  '30000000-0000-4000-8000-000000000001', 0, 'numeric', 'Six times seven?', '[]');

-- Test-local helper: calls a public RPC as PostgREST does (the body's keys as named
-- arguments, typed by json_to_record with the parameters' types) and returns the error's
-- SQLSTATE and code, or 'no error'.
create function pg_temp.rpc(p_name text, p_body jsonb) returns text
language plpgsql
set search_path = ''
as $$
declare
  record_type text;
  call_args text;
begin
  select string_agg(pg_catalog.format('%I %s', a.name, pg_catalog.format_type(a.type, null)), ', ' order by a.n),
    string_agg(pg_catalog.format('%I := b.%I', a.name, a.name), ', ' order by a.n)
  into record_type, call_args
  from pg_catalog.pg_proc as p,
    unnest(p.proargnames[1:p.pronargs], p.proargtypes::oid[]) with ordinality as a (name, type, n)
  where p.pronamespace = 'public'::regnamespace and p.proname = p_name and p_body ? a.name;
  return tests.error_of(pg_catalog.format('select public.%I(%s) from pg_catalog.json_to_record(%L::json) as b (%s)',
    p_name, call_args, p_body::text, record_type));
end;
$$;
grant execute on function pg_temp.rpc(text, jsonb) to anon, authenticated, service_role;

-- Tom runs a live session with Sue.
select from tests.authenticate_as('tom');
select from set_config('test.session', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 1') as s), true);
select from public.enroll_session_students(current_setting('test.session')::uuid, array[tests.get_supabase_uid('sue')]);
select from public.launch_exam_session(current_setting('test.session')::uuid);
select from tests.act_as_owner();
select from set_config('test.attempt', (select a.id::text from public.exam_attempts as a
  where a.user_id = tests.get_supabase_uid('sue')), true);

-- ==========================================================================================
-- Teacher (Tom): titles, durations, extensions, reasons, tolerances
-- ==========================================================================================

select from tests.authenticate_as('tom');

select is(
  pg_temp.rpc('create_exam_session', jsonb_build_object('p_exam_id', '20000000-0000-4000-8000-000000000001',
    'p_title', repeat('T', 201))),
  '22023 invalid_title',
  'A session title over 200 characters is refused with 400 invalid_title, not a check violation'
);

select is(
  pg_temp.rpc('create_exam_session', jsonb_build_object('p_exam_id', '20000000-0000-4000-8000-000000000001',
    'p_duration_seconds', 10000000000)),
  '22023 invalid_duration',
  'A duration beyond the integer range is refused with 400 invalid_duration, not an overflow'
);

select is(
  pg_temp.rpc('create_exam_session', jsonb_build_object('p_exam_id', '20000000-0000-4000-8000-000000000001',
    'p_duration_seconds', 90.5)),
  '22023 invalid_duration',
  'A duration that is not a whole number of seconds is refused with 400 invalid_duration'
);

select is(
  pg_temp.rpc('create_exam_session', jsonb_build_object('p_exam_id', '20000000-0000-4000-8000-000000000001',
    'p_title', '  ' || repeat('T', 200) || '  ', 'p_duration_seconds', 600)),
  'no error',
  'A title of 200 characters (spaces around it trimmed) and a duration in range create a session'
);

select is(
  pg_temp.rpc('extend_participant_time', jsonb_build_object('p_session_id', current_setting('test.session'),
    'p_user_id', tests.get_supabase_uid('sue'), 'p_seconds', 3000000000, 'p_reason', 'Fire alarm')),
  '22023 invalid_extension',
  'An extension beyond the integer range is refused with 400 invalid_extension, not an overflow'
);

select from tests.act_as_owner();
update public.exam_attempts set extension_seconds = 2147480000 where id = current_setting('test.attempt')::uuid;
select from tests.authenticate_as('tom');

select is(
  pg_temp.rpc('extend_participant_time', jsonb_build_object('p_session_id', current_setting('test.session'),
    'p_user_id', tests.get_supabase_uid('sue'), 'p_seconds', 86400, 'p_reason', 'Fire alarm')),
  '22023 invalid_extension',
  'An extension whose total would overflow the student''s extension seconds is refused with 400 invalid_extension'
);

select is(
  pg_temp.rpc('extend_participant_time', jsonb_build_object('p_session_id', current_setting('test.session'),
    'p_user_id', tests.get_supabase_uid('sue'), 'p_seconds', 60, 'p_reason', 'Fire alarm')),
  'no error',
  'An extension that fits is given'
);

select is(
  pg_temp.rpc('remove_session_participant', jsonb_build_object('p_session_id', current_setting('test.session'),
    'p_user_id', tests.get_supabase_uid('sue'), 'p_reason', repeat('r', 501))),
  '22023 invalid_reason',
  'A removal reason over 500 characters is refused with 400 invalid_reason, not a check violation'
);

select is(
  pg_temp.rpc('set_question_key', jsonb_build_object('p_question_id', '40000000-0000-4000-8000-000000000001',
    'p_correct', 42, 'p_tolerance', -1)),
  '22023 invalid_answer_key',
  'A negative tolerance is refused with 400 invalid_answer_key, not a check violation'
);

-- ==========================================================================================
-- Student (Sue): the client's remaining time and activity limits
-- ==========================================================================================

select from tests.authenticate_as('sue');

select is(
  pg_temp.rpc('update_timer_state', jsonb_build_object('p_attempt_id', current_setting('test.attempt'),
    'p_client_remaining_ms', 99999999999999999999::numeric)),
  '22023 invalid_time',
  'A remaining time beyond any integer is refused with 400 invalid_time, not an overflow'
);

select is(
  pg_temp.rpc('update_timer_state', jsonb_build_object('p_attempt_id', current_setting('test.attempt'),
    'p_client_remaining_ms', 3000000000)),
  'no error',
  'A remaining time of 12 digits or fewer is recorded, even beyond the integer range'
);

select is(
  pg_temp.rpc('get_realtime_attempt_activity', jsonb_build_object('p_attempt_id', current_setting('test.attempt'),
    'p_limit', 3000000000)),
  'no error',
  'An activity limit beyond the integer range is kept to 1000, not an overflow'
);

-- ==========================================================================================
-- Admin (Ada) and the service role: windows and timeouts
-- ==========================================================================================

select from tests.authenticate_as('ada');

select is(
  pg_temp.rpc('get_realtime_performance_metrics', jsonb_build_object('p_minutes', 3000000000)),
  '22023 invalid_window',
  'A metrics window beyond the integer range is refused with 400 invalid_window, not an overflow'
);

select from tests.authenticate_as_service_role();

select is(
  pg_temp.rpc('cleanup_stale_attempt_connections', jsonb_build_object('p_timeout_seconds', 3000000000)),
  '22023 invalid_timeout',
  'A cleanup timeout beyond the integer range is refused with 400 invalid_timeout, not an overflow'
);

-- ==========================================================================================
-- Teacher of another academy (Will) and anon
-- ==========================================================================================

select from tests.authenticate_as('will');

select is(
  pg_temp.rpc('extend_participant_time', jsonb_build_object('p_session_id', current_setting('test.session'),
    'p_user_id', tests.get_supabase_uid('sue'), 'p_seconds', 60, 'p_reason', 'Mine now')),
  'PGRST session_not_found',
  'A teacher of another academy cannot extend a student''s time (404)'
);

select from tests.clear_authentication();

select is(
  pg_temp.rpc('create_exam_session', jsonb_build_object('p_exam_id', '20000000-0000-4000-8000-000000000001',
    'p_title', repeat('T', 201))),
  '42501',
  'Anon cannot create a session, whatever the title'
);

select * from finish();
rollback;
