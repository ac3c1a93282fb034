-- Notification hooks of chat and leaderboards by actor: the author of messages, a member
-- who is online, a member who is offline, a mentioned reader, a mentioned student who may
-- not read the room, a teacher in a mentor room, an ex-member; one room_message
-- notification per room per 10 minutes; and the week boundary end to end through a grading
-- in a non-UTC academy.

begin;
select plan(16);

-- East (Europe/Berlin): admin Ada, teacher Tom; students Sue, Sam, Mia, Ned, Exa. West
-- (UTC): student Wes. A quiz in each academy.
select tests.create_academies('043');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom');
select tests.add_members('east', 'student', 'sue', 'sam', 'mia', 'ned', 'exa');
select tests.add_members('west', 'student', 'wes');
select tests.create_one_question_quizzes();
insert into private.question_keys (question_id, correct)
values ('40000000-0000-4000-8000-000000000001', 'true'), ('40000000-0000-4000-8000-000000000002', 'true');
update public.academies set time_zone = 'Europe/Berlin' where id = '10000000-0000-4000-8000-000000000001';

-- Sue's group with Sam, Mia and Exa; Sam is online, the others offline.
select tests.authenticate_as('sue');
select from set_config('test.group', (select g.id::text from public.create_study_group(
  '10000000-0000-4000-8000-000000000001', 'Night owls') as g), true);
select from set_config('test.room', (select r.id::text from public.chat_rooms as r
  where r.study_group_id = current_setting('test.group')::uuid), true);
select tests.authenticate_as('sam');
select from public.join_study_group(current_setting('test.group')::uuid);
select from public.update_presence('online');
select tests.authenticate_as('mia');
select from public.join_study_group(current_setting('test.group')::uuid);
select tests.authenticate_as('exa');
select from public.join_study_group(current_setting('test.group')::uuid);
select from public.leave_study_group(current_setting('test.group')::uuid);

-- Test-local helper: the room_message notifications of the room, as "user:count:priority:mentioned".
create function pg_temp.room_notifications(p_room text) returns text[]
language sql
set search_path = ''
as $$
  select coalesce(array_agg(n.user_id::text || ':' || n.batch_count || ':' || n.priority || ':' || (n.data ->> 'mentioned')
    order by n.user_id), '{}')
  from public.notifications as n where n.type = 'room_message' and n.data ->> 'room_id' = p_room;
$$;

-- ==========================================================================================
-- Author (Sue): three messages, one mentioning Mia
-- ==========================================================================================

select tests.authenticate_as('sue');
select from public.send_message(current_setting('test.room')::uuid, 'Who is revising tonight?', gen_random_uuid());
select from public.send_message(current_setting('test.room')::uuid, 'Chapter 4 then', gen_random_uuid());
select from public.send_message(current_setting('test.room')::uuid,
  'Hey <@' || upper(tests.get_supabase_uid('mia')::text) || '> and <@' || tests.get_supabase_uid('ned') || '>, join us',
  gen_random_uuid());
select tests.act_as_owner();

select is(
  pg_temp.room_notifications(current_setting('test.room')),
  array[tests.get_supabase_uid('mia')::text || ':2:high:true'],
  'Three messages make one notification for the offline member: the second, unread in the window, leaves it alone; the mention folds in and raises it to high'
);

select is(
  (select n.title from public.notifications as n where n.type = 'room_message' and n.user_id = tests.get_supabase_uid('mia')),
  'sue mentioned you in Night owls',
  'The notification names who mentioned her and the room'
);

select is(
  (select count(*)::integer from public.notifications as n where n.type = 'room_message'
   and n.user_id in (tests.get_supabase_uid('sue'), tests.get_supabase_uid('sam'), tests.get_supabase_uid('ned'), tests.get_supabase_uid('exa'))),
  0,
  'The author, an online member, a mentioned student who may not read the room and an ex-member get nothing'
);

select is(
  (select count(*)::integer from public.outbox_events as o
   where o.topic = 'user:' || tests.get_supabase_uid('mia') and o.event in ('notification_created', 'notification_updated')),
  2,
  'The offline member''s devices hear it created once and updated once, by the mention'
);

-- ==========================================================================================
-- Online member (Sam) goes offline; the window
-- ==========================================================================================

update public.user_presence set last_seen_at = now() - interval '2 minutes' where user_id = tests.get_supabase_uid('sam');
select tests.authenticate_as('mia');
select from public.send_message(current_setting('test.room')::uuid, 'Count me in', gen_random_uuid());
select tests.act_as_owner();

select is(
  pg_temp.room_notifications(current_setting('test.room')),
  (select array_agg(x order by x) from unnest(array[tests.get_supabase_uid('mia')::text || ':2:high:true',
    tests.get_supabase_uid('sam')::text || ':1:normal:false', tests.get_supabase_uid('sue')::text || ':1:normal:false']) as x),
  'A member not seen for a minute reads as offline and is notified; so is the author of before'
);

update public.notifications set created_at = now() - interval '11 minutes' where type = 'room_message';
select tests.authenticate_as('mia');
select from public.send_message(current_setting('test.room')::uuid, 'Still here', gen_random_uuid());
select tests.act_as_owner();

select is(
  (select count(*)::integer from public.notifications as n where n.type = 'room_message' and n.user_id = tests.get_supabase_uid('sue')),
  2,
  'After ten minutes a message makes a new notification'
);

-- ==========================================================================================
-- Mentor room (Tom offline), academy room mentions, another academy
-- ==========================================================================================

select tests.authenticate_as('ned');
select from set_config('test.mentor', (select r.id::text from public.open_mentor_room(
  '10000000-0000-4000-8000-000000000001', tests.get_supabase_uid('tom')) as r), true);
select from public.send_message(current_setting('test.mentor')::uuid, 'Can you help with chapter 4?', gen_random_uuid());
select tests.act_as_owner();

select is(
  pg_temp.room_notifications(current_setting('test.mentor')),
  array[tests.get_supabase_uid('tom')::text || ':1:normal:false'],
  'A message in a mentor room notifies the offline teacher'
);

select tests.authenticate_as('ada');
select from set_config('test.notice', (select r.id::text from public.create_academy_room(
  '10000000-0000-4000-8000-000000000001', 'Notices') as r), true);
select from public.send_message(current_setting('test.notice')::uuid,
  'Exams on Friday, <@' || tests.get_supabase_uid('ned') || '> <@' || tests.get_supabase_uid('wes') || '>', gen_random_uuid());
select tests.act_as_owner();

select is(
  pg_temp.room_notifications(current_setting('test.notice')),
  array[tests.get_supabase_uid('ned')::text || ':1:high:true'],
  'In an academy room only a mentioned reader is notified, never someone of another academy'
);

select tests.authenticate_as('ned');

select is(
  (select n.action_url from public.notifications as n where n.type = 'room_message' and n.data ->> 'room_id' = current_setting('test.notice')),
  '/rooms/' || current_setting('test.notice'),
  'The mentioned student reads her notification, which opens the room'
);

select tests.authenticate_as('wes');

select is((select count(*)::integer from public.notifications), 0, 'A student of another academy reads no notification of East');

-- ==========================================================================================
-- The week boundary end to end: gradings in Berlin (East) and in UTC (West)
-- ==========================================================================================

-- Sue and Wes each answer their quiz right; grading happens now. Then each attempt's
-- grading is recorded again as of Sunday 2026-11-29 23:30 UTC: already Monday in Berlin.
create function pg_temp.take_quiz(p_exam uuid, p_question uuid) returns uuid
language plpgsql
set search_path = ''
as $$
declare
  attempt uuid := (select a.id from public.start_attempt(p_exam, 'practice') as a);
begin
  perform public.apply_attempt_ops(attempt, jsonb_build_array(jsonb_build_object('op_id', gen_random_uuid(),
    'type', 'answer', 'base_version', 0, 'question_id', p_question, 'value', true)));
  perform public.submit_attempt(attempt);
  return attempt;
end;
$$;
grant execute on function pg_temp.take_quiz(uuid, uuid) to authenticated;

select tests.authenticate_as('sue');
select from set_config('test.east', pg_temp.take_quiz('20000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001')::text, true);
select tests.authenticate_as('wes');
select from set_config('test.west', pg_temp.take_quiz('20000000-0000-4000-8000-000000000002', '40000000-0000-4000-8000-000000000002')::text, true);
select tests.act_as_owner();
delete from public.leaderboard_entries;
delete from private.leaderboard_exam_bests;
update public.exam_attempts set graded_at = '2026-11-29 23:30+00'
where id in (current_setting('test.east')::uuid, current_setting('test.west')::uuid);
select from private.after_attempt_graded(current_setting('test.east')::uuid);
select from private.after_attempt_graded(current_setting('test.west')::uuid);

select is(
  (select array_agg(e.period || ' ' || e.period_start || ' ' || e.points order by e.period) from public.leaderboard_entries as e
   where e.user_id = tests.get_supabase_uid('sue')),
  array['week 2026-11-30 1.00', 'month 2026-11-01 1.00', 'all_time 1970-01-01 1.00'],
  'A grading at Sunday 23:30 UTC counts for the week starting Monday 30 November in Berlin'
);

select is(
  (select e.period_start from public.leaderboard_entries as e where e.user_id = tests.get_supabase_uid('wes') and e.period = 'week'),
  date '2026-11-23',
  'The same moment counts for the week of 23 November in a UTC academy'
);

select tests.authenticate_as('sam');

select is(
  (select array_agg(l.period_start::text) from (select e.period_start from public.leaderboard_entries as e
    where e.period = 'week') as l),
  array['2026-11-30'],
  'A fellow student reads the Berlin week''s entry'
);

select is(
  (select count(*)::integer from public.notifications as n where n.type = 'attempt_graded'),
  0,
  'Another student''s grading notifications stay hers'
);

select tests.authenticate_as('sue');

select is(
  (select count(*)::integer from public.notifications as n where n.type = 'attempt_graded'),
  2,
  'Each grading told the student'
);

select tests.clear_authentication();

select throws_ok($$ select count(*) from public.notifications $$, '42501', null, 'Anon reads no notifications');

select * from finish();
rollback;
