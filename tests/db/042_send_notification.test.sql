-- send_notification by actor: a teacher who runs a session, a co-teacher, a teacher who does
-- not run it, an admin, a student, a teacher of another academy, a teacher who left the
-- academy, and anon. Every audience (student, session, study_group, academy), 404 for what
-- the sender may not reach, the invalid action URL and title, the 429 rate limit, and who
-- reads the notification_sends log.

begin;
select plan(29);

-- East: admin Ada, teachers Tom, Cal (co-teacher) and Tim; students Sue, Sam and Mia. West:
-- teacher Will, student Wes. East's quiz; Tom's session with Sue and Sam; Sue's study group
-- with Mia.
select tests.create_academies('042');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom', 'cal', 'tim');
select tests.add_members('east', 'student', 'sue', 'sam', 'mia');
select tests.add_members('west', 'teacher', 'will');
select tests.add_members('west', 'student', 'wes');
select tests.create_quiz();

select tests.authenticate_as('tom');
select from set_config('test.session', (
  select s.id::text from public.create_exam_session('20000000-0000-4000-8000-000000000001', 'Period 1') as s), true);
select from public.add_session_teacher(current_setting('test.session')::uuid, tests.get_supabase_uid('cal'));
select from public.enroll_session_students(current_setting('test.session')::uuid,
  array[tests.get_supabase_uid('sue'), tests.get_supabase_uid('sam')]);
select tests.authenticate_as('sue');
select from set_config('test.group', (select g.id::text from public.create_study_group(
  '10000000-0000-4000-8000-000000000001', 'Revision') as g), true);
select tests.authenticate_as('mia');
select from public.join_study_group(current_setting('test.group')::uuid);

-- Test-local helper: the staff_message notifications of a send, by recipient name order.
create function pg_temp.recipients(p_send_id uuid) returns uuid[]
language sql
set search_path = ''
as $$
  select coalesce(array_agg(n.user_id order by n.user_id), '{}') from public.notifications as n
  where n.type = 'staff_message' and n.data ->> 'send_id' = p_send_id::text;
$$;

select tests.rls_enabled('public', 'notification_sends');

-- ==========================================================================================
-- Teacher who runs the session (Tom)
-- ==========================================================================================

select tests.authenticate_as('tom');

select from set_config('test.send', (select s.id::text from public.send_notification('student', tests.get_supabase_uid('sue'),
  'Well done', 'Great work', 'high', '/exams/1') as s), true);
select tests.act_as_owner();

select is(pg_temp.recipients(current_setting('test.send')::uuid), array[tests.get_supabase_uid('sue')],
  'A teacher reaches one student of the academy');

select tests.authenticate_as('tom');

select is(
  (select s.recipient_count || ' ' || s.audience from public.send_notification('session', current_setting('test.session')::uuid,
    'Bring a pencil') as s),
  '2 session',
  'A teacher reaches the participants of the session he runs'
);

select from set_config('test.send', (select s.id::text from public.send_notification('study_group', current_setting('test.group')::uuid,
  'Group tip', 'Revise chapter 3', 'normal', 'https://examsync.example/groups') as s), true);
select tests.act_as_owner();

select set_eq(
  $$ select unnest(pg_temp.recipients(current_setting('test.send')::uuid)) $$,
  array[tests.get_supabase_uid('sue'), tests.get_supabase_uid('mia')],
  'A teacher reaches the current members of a study group of the academy'
);

select tests.authenticate_as('tom');

select is(
  (select s.recipient_count from public.send_notification('academy', '10000000-0000-4000-8000-000000000001', 'Holiday') as s),
  6,
  'A teacher reaches every other member of the academy'
);

select is(
  array[tests.error_of($$ select public.send_notification('student', tests.get_supabase_uid('wes'), 'Hi') $$),
    tests.error_of($$ select public.send_notification('student', tests.get_supabase_uid('cal'), 'Hi') $$),
    tests.error_of($$ select public.send_notification('session', gen_random_uuid(), 'Hi') $$),
    tests.error_of($$ select public.send_notification('study_group', gen_random_uuid(), 'Hi') $$),
    tests.error_of($$ select public.send_notification('academy', '10000000-0000-4000-8000-000000000002', 'Hi') $$)],
  array['PGRST audience_not_found', 'PGRST audience_not_found', 'PGRST audience_not_found', 'PGRST audience_not_found',
    'PGRST audience_not_found'],
  'A student of another academy, a teacher, an unknown session or group and another academy are 404'
);

select is(
  array[tests.error_of($$ select public.send_notification('student', tests.get_supabase_uid('sue'), 'Hi', '', 'normal', 'javascript:alert(1)') $$),
    tests.error_of($$ select public.send_notification('student', tests.get_supabase_uid('sue'), 'Hi', '', 'normal', '//evil.example/x') $$),
    tests.error_of($$ select public.send_notification('student', tests.get_supabase_uid('sue'), 'Hi', '', 'normal', 'http://plain.example') $$),
    tests.error_of($$ select public.send_notification('student', tests.get_supabase_uid('sue'), '  ') $$)],
  array['22023 invalid_action_url', '22023 invalid_action_url', '22023 invalid_action_url', '22023 invalid_title'],
  'An action URL that is neither a relative path nor https, and a blank title, are refused (400)'
);

select is(
  (select count(*)::integer from public.notification_sends),
  4,
  'A teacher reads his own sends, and the refused ones were not logged'
);

-- Four more academy-wide sends reach the limit of five an hour; the sixth is 429.
select from generate_series(1, 4) as n, lateral public.send_notification('academy', '10000000-0000-4000-8000-000000000001', 'Notice ' || n);

select is(
  tests.error_of($$ select public.send_notification('academy', '10000000-0000-4000-8000-000000000001', 'One too many') $$),
  'PGRST rate_limited',
  'The sixth academy-wide send within an hour is refused (429)'
);

select is(
  tests.error_of($$ select public.send_notification('student', tests.get_supabase_uid('sam'), 'Still fine') $$),
  'no error',
  'Sends to students have a limit of their own'
);

-- Sends to students, sessions and groups: 30 an hour (4 so far).
select from generate_series(1, 26) as n, lateral public.send_notification('student', tests.get_supabase_uid('sam'), 'Note ' || n);

select is(
  tests.error_of($$ select public.send_notification('session', current_setting('test.session')::uuid, 'Thirty-first') $$),
  'PGRST rate_limited',
  'The thirty-first send to students, sessions or groups within an hour is refused (429)'
);

-- ==========================================================================================
-- Co-teacher (Cal) and a teacher who does not run the session (Tim)
-- ==========================================================================================

select tests.authenticate_as('cal');

select is(
  (select s.recipient_count from public.send_notification('session', current_setting('test.session')::uuid, 'From Cal') as s),
  2,
  'A co-teacher reaches the session''s participants'
);

select is((select count(*)::integer from public.notification_sends), 1, 'A co-teacher reads only his own sends');

select tests.authenticate_as('tim');

select is(
  array[tests.error_of($$ select public.send_notification('session', current_setting('test.session')::uuid, 'Hi') $$),
    tests.error_of($$ select public.send_notification('study_group', current_setting('test.group')::uuid, 'Hi') $$)],
  array['PGRST audience_not_found', 'no error'],
  'A teacher who does not run the session cannot reach it (404) but reaches any group of the academy'
);

-- ==========================================================================================
-- Admin (Ada)
-- ==========================================================================================

select tests.authenticate_as('ada');

select is(
  (select s.recipient_count from public.send_notification('academy', '10000000-0000-4000-8000-000000000001', 'From the office') as s),
  6,
  'An admin has her own rate limit and reaches the academy'
);

select is(
  (select count(*)::integer from public.send_notification('session', current_setting('test.session')::uuid, 'Admin note')),
  1,
  'An admin reaches the participants of any session of the academy'
);

select is((select count(*)::integer from public.notification_sends), 39, 'An admin reads every send of the academy');

-- ==========================================================================================
-- Students (Sue, the group's owner) and another academy (Will)
-- ==========================================================================================

select tests.authenticate_as('sue');

select is(
  array[tests.error_of($$ select public.send_notification('student', tests.get_supabase_uid('sam'), 'Hi') $$),
    tests.error_of($$ select public.send_notification('study_group', current_setting('test.group')::uuid, 'Hi') $$),
    tests.error_of($$ select public.send_notification('academy', '10000000-0000-4000-8000-000000000001', 'Hi') $$)],
  array['PGRST audience_not_found', 'PGRST audience_not_found', 'PGRST audience_not_found'],
  'A student sends to nobody, not even to the group she owns (404)'
);

select is((select count(*)::integer from public.notification_sends), 0, 'A student reads no sends');

select is(
  (select count(*)::integer from public.notifications as n where n.type = 'staff_message' and n.data ->> 'send_id' is not null),
  (select count(*)::integer from public.notifications as n where n.user_id = auth.uid() and n.type = 'staff_message'),
  'A student reads only the staff messages sent to her'
);

select tests.authenticate_as('will');

select is(
  array[tests.error_of($$ select public.send_notification('study_group', current_setting('test.group')::uuid, 'Hi') $$),
    tests.error_of($$ select public.send_notification('session', current_setting('test.session')::uuid, 'Hi') $$),
    (select count(*)::text from public.notification_sends)],
  array['PGRST audience_not_found', 'PGRST audience_not_found', '0'],
  'A teacher of another academy reaches nobody of East and reads none of its sends'
);

-- ==========================================================================================
-- An archived group, a teacher who left the academy (Tom), anon
-- ==========================================================================================

select tests.authenticate_as('sue');
select from public.delete_study_group(current_setting('test.group')::uuid);
select tests.authenticate_as('tim');

select is(
  tests.error_of($$ select public.send_notification('study_group', current_setting('test.group')::uuid, 'Hi') $$),
  'PGRST audience_not_found',
  'An archived group is no audience (404)'
);

select tests.act_as_owner();
delete from public.academy_members where user_id = tests.get_supabase_uid('cal');
select tests.authenticate_as('cal');

select is(
  array[tests.error_of($$ select public.send_notification('session', current_setting('test.session')::uuid, 'Hi') $$),
    (select count(*)::text from public.notification_sends)],
  array['PGRST audience_not_found', '0'],
  'A co-teacher who left the academy reaches nobody and no longer reads his own sends'
);

select tests.clear_authentication();

select throws_ok($$ select count(*) from public.notification_sends $$, '42501', null, 'Anon cannot read the sends log');
select throws_ok($$ select public.send_notification('academy', '10000000-0000-4000-8000-000000000001', 'Hi') $$, '42501', null,
  'Anon cannot send notifications');

-- ==========================================================================================
-- System notifications of the session (created in the setup above and by launch and extend)
-- ==========================================================================================

select tests.authenticate_as('tom');
select from public.launch_exam_session(current_setting('test.session')::uuid);
select from public.extend_participant_time(current_setting('test.session')::uuid, tests.get_supabase_uid('sue'), 300, 'Late bus');
select tests.act_as_owner();

select results_eq(
  $$ select n.user_id, n.type, n.priority::text, n.action_url from public.notifications as n
     where n.type = 'session_lobby_open' order by n.user_id $$,
  $$ select u, 'session_lobby_open'::text, 'high'::text, '/sessions/' || current_setting('test.session')
     from unnest(array[tests.get_supabase_uid('sue'), tests.get_supabase_uid('sam')]) as u order by u $$,
  'Enrolling in a session that has not started tells each student its lobby is open'
);

select set_eq(
  $$ select n.user_id from public.notifications as n where n.type = 'session_launched' $$,
  array[tests.get_supabase_uid('sue'), tests.get_supabase_uid('sam')],
  'Launching tells every participant whose attempt started'
);

select is(
  (select array_agg(n.user_id::text || ' ' || (n.data ->> 'seconds')) from public.notifications as n where n.type = 'time_extended'),
  array[tests.get_supabase_uid('sue')::text || ' 300'],
  'A time extension tells only the student who got it, and how much'
);

select is(
  (select count(*)::integer from public.notifications as n
   where n.type in ('session_lobby_open', 'session_launched', 'time_extended')
     and n.user_id in (tests.get_supabase_uid('mia'), tests.get_supabase_uid('wes'), tests.get_supabase_uid('tom'))),
  0,
  'Nobody outside the session hears of it'
);

select * from finish();
rollback;
