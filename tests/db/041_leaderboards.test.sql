-- Leaderboards and progress by actor: students of the academy (visible and hidden), a
-- teacher, an admin, a student and a teacher of another academy, an ex-member, anon; the
-- leaderboard:<academy_id> topic with events coalesced per board; standard competition
-- ranks; no farming by retakes; diagnostic attempts; the week boundary of a non-UTC academy;
-- progress_updated; the attempt_graded and leaderboard_top10 notifications.

begin;
select plan(40);

-- East: admin Ada, teacher Tom; students Sue, Sam, Ned, Kim and Ivy (hidden). West:
-- teacher Will, student Wes. East's quiz: three questions worth one point each.
select tests.create_academies('041');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom');
select tests.add_members('east', 'student', 'sue', 'sam', 'ned', 'kim', 'ivy');
select tests.add_members('west', 'teacher', 'will');
select tests.add_members('west', 'student', 'wes');
select tests.create_quiz();
update public.profiles set specialty = 'cardio' where id in (tests.get_supabase_uid('sue'), tests.get_supabase_uid('sam'));
update public.profiles set hide_from_leaderboards = true where id = tests.get_supabase_uid('ivy');

-- Test-local helper: the calling student takes East Quiz in a mode and gets p_right of its
-- three questions right; returns the attempt id.
create function pg_temp.take_quiz(p_right integer, p_mode public.attempt_mode default 'practice') returns uuid
language plpgsql
set search_path = ''
as $$
declare
  attempt uuid := (select a.id from public.start_attempt('20000000-0000-4000-8000-000000000001', p_mode) as a);
begin
  perform public.apply_attempt_ops(attempt, jsonb_build_array(
    jsonb_build_object('op_id', gen_random_uuid(), 'type', 'answer', 'base_version', 0,
      'question_id', '40000000-0000-4000-8000-000000000001', 'value', case when p_right >= 1 then '"b"' else '"a"' end::jsonb),
    jsonb_build_object('op_id', gen_random_uuid(), 'type', 'answer', 'base_version', 0,
      'question_id', '40000000-0000-4000-8000-000000000002', 'value', (p_right >= 2)),
    jsonb_build_object('op_id', gen_random_uuid(), 'type', 'answer', 'base_version', 0,
      'question_id', '40000000-0000-4000-8000-000000000003', 'value', case when p_right >= 3 then 42 else 41 end)));
  perform public.submit_attempt(attempt);
  return attempt;
end;
$$;
grant execute on function pg_temp.take_quiz(integer, public.attempt_mode) to authenticated;

select tests.rls_enabled('public', 'leaderboard_entries');
select tests.rls_enabled('public', 'user_skill_progress');

-- Gradings: Sue 3, Sam 2, Ned 2, Kim 1, Ivy (hidden) 3.
select tests.authenticate_as('sue');
select from pg_temp.take_quiz(3);
select tests.authenticate_as('sam');
select from pg_temp.take_quiz(2);
select tests.authenticate_as('ned');
select from pg_temp.take_quiz(2);
select tests.authenticate_as('kim');
select from pg_temp.take_quiz(1);
select tests.authenticate_as('ivy');
select from pg_temp.take_quiz(3);

-- ========== Sue, a visible student ==========
select tests.authenticate_as('sue');
select is((select array_agg(row(l.rank, l.points)::text order by l.rank, l.user_id) from public.get_leaderboard('week') as l),
  array['(1,3.00)', '(2,2.00)', '(2,2.00)', '(4,1.00)'], 'This week''s board ranks 1, 2, 2, 4 and leaves hidden Ivy out');
select is((select array_agg(l.display_name order by l.rank, l.user_id) filter (where l.rank = 1) from public.get_leaderboard('all_time') as l),
  array['sue'], 'The all-time board names Sue first with her display name');
select is((select row(r.rank, r.points, r.gap_to_next, r.hidden, r.ranked)::text from public.get_my_rank('week') as r),
  '(1,3.00,,f,4)', 'Sue is first with 3 points, no gap to close, among 4 ranked');
select is((select array_agg(l.display_name order by l.rank) from public.get_leaderboard('week', 'cardio') as l),
  array['sue', 'sam'], 'The cardio board holds only students of that specialty');
select is((select count(*)::integer from public.leaderboard_entries where user_id = tests.get_supabase_uid('ivy')), 0,
  'Sue reads no entry of a hidden student');
select ok(private.can_read_topic('leaderboard:10000000-0000-4000-8000-000000000001'), 'Sue may read her academy''s leaderboard topic');
select is((select count(*)::integer from public.outbox_events as o
    where o.topic = 'leaderboard:10000000-0000-4000-8000-000000000001' and o.event = 'leaderboard_updated'
      and o.payload ->> 'period' = 'week' and o.payload ->> 'specialty' is null), 1,
  'Five gradings within a second send one leaderboard_updated for this week''s board');
select is(tests.error_of($$select * from public.get_leaderboard('week', p_limit => 500)$$), '22023 invalid_limit',
  'A page of more than 200 is refused');
select is(tests.error_of($$select * from public.get_leaderboard('week', p_academy_id => '10000000-0000-4000-8000-000000000002')$$),
  'PGRST academy_not_found', 'Sue cannot read another academy''s board');
select is((select row(p.current_streak, cardinality(p.skills), cardinality(p.positions))::text from public.get_my_progress() as p),
  '(1,1,6)', 'Her progress has a one-day streak, one sub-skill and six positions (three periods, all and cardio)');
select is((select row(s.attempts, s.best_percent, s.mastery_percent)::text from public.get_my_progress() as p, unnest(p.skills) as s),
  '(1,100.00,100.00)', 'Her sub-skill shows one attempt, best 100 % and mastery 100 %');
select is((select count(*)::integer from public.outbox_events as o where o.topic = 'user:' || auth.uid() and o.event = 'progress_updated'), 1,
  'Grading sent progress_updated on her own topic');
select is((select array_agg(n.type order by n.type) from public.notifications as n), array['attempt_graded', 'leaderboard_top10'],
  'She was notified that her attempt was graded and that she entered the top 10');

-- No farming: a worse retake adds nothing, a better one only what it improves.
select from pg_temp.take_quiz(1);
select is((select row(r.points, r.exams_counted)::text from public.get_my_rank('all_time') as r), '(3.00,1)',
  'A worse retake of the same exam adds no points');
select is((select n.batch_count from public.notifications as n where n.type = 'leaderboard_top10'), 1,
  'Staying in the top 10 sends no new top-10 notification');

-- ========== Sam, tied second ==========
select tests.authenticate_as('sam');
select is((select row(r.rank, r.gap_to_next)::text from public.get_my_rank('week') as r), '(2,1.00)',
  'Sam shares rank 2 and is one point from rank 1');
select from pg_temp.take_quiz(3);
select is((select row(r.rank, r.points, r.exams_counted)::text from public.get_my_rank('week') as r), '(1,3.00,1)',
  'A better retake counts only the best score: Sam ties Sue at 3 points with one exam');
select from pg_temp.take_quiz(0, 'diagnostic');
select is((select r.points from public.get_my_rank('all_time') as r), 3.00::numeric, 'A diagnostic attempt earns no points');

-- ========== Ivy, hidden ==========
select tests.authenticate_as('ivy');
select is((select row(r.rank, r.points, r.hidden)::text from public.get_my_rank('week') as r), '(1,3.00,t)',
  'Hidden Ivy still sees where she would stand');
select is((select count(*)::integer from public.get_leaderboard('week') as l where l.user_id = auth.uid()), 0,
  'Ivy is not on the board she reads');

-- ========== Tom, a teacher of the academy ==========
select tests.authenticate_as('tom');
select is((select count(*)::integer from public.get_leaderboard('month')), 4, 'The teacher reads the monthly board');
select is((select count(*)::integer from public.leaderboard_entries where period = 'week'), 5,
  'The teacher reads every entry, the hidden one too');
select is((select p.user_id from public.get_student_progress(tests.get_supabase_uid('sue')) as p), tests.get_supabase_uid('sue'),
  'The teacher reads a student''s progress');
select ok(private.can_read_topic('leaderboard:10000000-0000-4000-8000-000000000001'), 'The teacher may read the leaderboard topic');

-- ========== Ada, an admin ==========
select tests.authenticate_as('ada');
select is((select count(*)::integer from public.user_skill_progress), 5, 'The admin reads the skill progress of the academy''s five students');

-- ========== Will and Wes, another academy ==========
select tests.authenticate_as('will');
select is(tests.error_of(format('select * from public.get_student_progress(%L)', tests.get_supabase_uid('sue'))),
  'PGRST student_not_found', 'A teacher of another academy cannot read the student''s progress');
select ok(not private.can_read_topic('leaderboard:10000000-0000-4000-8000-000000000001'),
  'A teacher of another academy may not read the leaderboard topic');
select tests.authenticate_as('wes');
select is((select count(*)::integer from public.leaderboard_entries) + (select count(*)::integer from public.user_skill_progress), 0,
  'A student of another academy reads no entry and no progress of East');
select is((select count(*)::integer from public.get_leaderboard('week')), 0, 'His own academy''s board is empty');

-- ========== Sam reading Sue's progress ==========
select tests.authenticate_as('sam');
select is(tests.error_of(format('select * from public.get_student_progress(%L)', tests.get_supabase_uid('sue'))),
  'PGRST student_not_found', 'A student cannot read another student''s progress');

-- ========== anon ==========
select tests.clear_authentication();
select is(tests.error_of($$select * from public.get_leaderboard('week')$$), '42501', 'Anon cannot read a board');
select is(tests.error_of($$select private.can_read_topic('leaderboard:10000000-0000-4000-8000-000000000001')$$), '42501',
  'Anon may not read the leaderboard topic (not even run the topic check)');

-- ========== Coalescing: the held changes go out once the window has closed ==========
select tests.act_as_owner();
update private.leaderboard_boards set last_published_at = last_published_at - interval '2 seconds';
select cmp_ok(private.flush_leaderboard_events(), '>=', 1, 'Flushing announces the boards whose window has closed');
select is((select jsonb_array_length(o.payload -> 'entries') from public.outbox_events as o
    where o.topic = 'leaderboard:10000000-0000-4000-8000-000000000001' and o.payload ->> 'period' = 'week'
      and o.payload ->> 'specialty' is null order by o.id desc limit 1), 3,
  'The flushed event carries the visible students changed since the last one');

-- ========== Ned, after leaving the academy ==========
delete from public.academy_members where user_id = tests.get_supabase_uid('ned');
select tests.authenticate_as('kim');
select is((select r.rank from public.get_my_rank('week') as r), 3::bigint, 'An ex-member leaves the board: Kim moves up to rank 3');
select tests.authenticate_as('ned');
select is(tests.error_of($$select * from public.get_my_rank('week', p_academy_id => '10000000-0000-4000-8000-000000000001')$$),
  'PGRST academy_not_found', 'An ex-member has no rank in the academy');

-- ========== The week boundary in a non-UTC academy ==========
select tests.act_as_owner();
select is(private.leaderboard_period_start('week', '2026-11-29 23:30+00', 'Europe/Berlin'), date '2026-11-30',
  'Sunday 23:30 UTC is already Monday in Berlin: the new week');
select is(private.leaderboard_period_start('week', '2026-11-29 23:30+00', 'UTC'), date '2026-11-23',
  'The same moment is still last week in UTC');

select * from finish();
rollback;
