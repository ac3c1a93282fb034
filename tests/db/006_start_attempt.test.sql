-- start_attempt by actor: the student creates or resumes their attempt; publication,
-- academy, availability window, max attempts and mode are enforced; other students get
-- their own attempt; a teacher of another academy and anon cannot start one.

begin;
select plan(32);

-- East: admin Ada, teacher Tom, students Sue and Sam; West: teacher Will, student Bea.
-- East's published exam: one hour, 60 s grace, free navigation, merge strategy; two
-- sections and one question of every type, each with its key (tests.create_mixed_exam).
select tests.create_exam_fixture('006');

-- More East exams, each with one question: a draft, one with a single attempt allowed, one
-- not open yet, one closed, one closing in ten minutes, one with no question; and West's.
insert into public.exams (id, academy_id, title, published, duration_seconds, max_attempts, available_from, available_until)
values
  ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', 'East Draft', false, 3600, null, null, null),
  ('20000000-0000-4000-8000-000000000003', '10000000-0000-4000-8000-000000000001', 'East Once', true, 3600, 1, null, null),
  ('20000000-0000-4000-8000-000000000004', '10000000-0000-4000-8000-000000000001', 'East Tomorrow', true, 3600, null,
   now() + interval '1 day', null),
  ('20000000-0000-4000-8000-000000000005', '10000000-0000-4000-8000-000000000001', 'East Yesterday', true, 3600, null,
   now() - interval '2 days', now() - interval '1 day'),
  ('20000000-0000-4000-8000-000000000006', '10000000-0000-4000-8000-000000000001', 'East Closing', true, 3600, null,
   null, now() + interval '10 minutes'),
  ('20000000-0000-4000-8000-000000000007', '10000000-0000-4000-8000-000000000001', 'East Empty', true, 3600, null, null, null),
  ('20000000-0000-4000-8000-000000000008', '10000000-0000-4000-8000-000000000002', 'West Biology', true, 3600, null, null, null);

insert into public.exam_sections (exam_id, position, title)
select e.id, 0, 'Only section'
from public.exams as e
where e.id in ('20000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000003',
  '20000000-0000-4000-8000-000000000004', '20000000-0000-4000-8000-000000000005',
  '20000000-0000-4000-8000-000000000006', '20000000-0000-4000-8000-000000000007',
  '20000000-0000-4000-8000-000000000008');

insert into public.questions (exam_id, section_id, position, type, prompt)
select s.exam_id, s.id, 0, 'true_false', 'Water is wet.'
from public.exam_sections as s
where s.exam_id <> '20000000-0000-4000-8000-000000000007' and s.title = 'Only section';

-- ==========================================================================================
-- Student (Sue, student of East)
-- ==========================================================================================

select tests.authenticate_as('sue');

select from set_config('test.attempt', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);

select results_eq(
  $$
    select a.attempt_number, a.mode::text, a.status::text, a.conflict_strategy::text, a.deadline_at - a.started_at
    from public.exam_attempts as a where a.id = current_setting('test.attempt')::uuid
  $$,
  $$ values (1, 'practice', 'in_progress', 'merge', interval '1 hour') $$,
  'A student starts a practice attempt with the exam''s duration and conflict strategy'
);

select is(
  (select a.current_question_id from public.exam_attempts as a where a.id = current_setting('test.attempt')::uuid),
  '40000000-0000-4000-8000-000000000001'::uuid,
  'A new attempt starts at the first question of the first section'
);

select results_eq(
  $$
    select st.section_id, st.status::text, st.current_question_id
    from public.attempt_section_states as st
    where st.attempt_id = current_setting('test.attempt')::uuid
    order by st.section_id
  $$,
  $$
    values
      ('30000000-0000-4000-8000-000000000001'::uuid, 'in_progress', '40000000-0000-4000-8000-000000000001'::uuid),
      ('30000000-0000-4000-8000-000000000002'::uuid, 'not_started', null::uuid)
  $$,
  'A new attempt has a state per section, the first one entered'
);

select results_eq(
  $$ select event_type from public.attempt_activity_events where attempt_id = current_setting('test.attempt')::uuid $$,
  $$ values ('started') $$,
  'Starting an attempt logs started'
);

select results_eq(
  $$ select event, payload ->> 'user_id' from public.outbox_events where topic = 'attempt:' || current_setting('test.attempt') $$,
  $$ values ('attempt_started', tests.get_supabase_uid('sue')::text) $$,
  'Starting an attempt tells the attempt''s topic'
);

select is(
  (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a),
  current_setting('test.attempt'),
  'Starting again returns the open attempt instead of a new one'
);

select is(
  (select count(*)::integer from public.start_attempt('20000000-0000-4000-8000-000000000001', 'drill') as a
   where a.id = current_setting('test.attempt')::uuid and a.mode = 'practice'),
  1,
  'Starting again in another mode still returns the open attempt unchanged'
);

select results_eq(
  $$
    select event_type, count(*)::integer from public.attempt_activity_events
    where attempt_id = current_setting('test.attempt')::uuid group by event_type order by event_type
  $$,
  $$ values ('resumed', 2), ('started', 1) $$,
  'Each return of the open attempt logs resumed'
);

select is(
  (select count(*)::integer from public.exam_attempts where exam_id = '20000000-0000-4000-8000-000000000001'),
  1,
  'A student never holds two open attempts at one exam'
);

select throws_ok(
  $$ select public.start_attempt('20000000-0000-4000-8000-000000000003', 'cramming') $$,
  '22P02', 'invalid input value for enum attempt_mode: "cramming"',
  'A student cannot start an attempt in a mode that is not an attempt_mode'
);

select throws_like(
  $$ select public.start_attempt('20000000-0000-4000-8000-000000000002') $$,
  '%"code" : "exam_not_found"%',
  'A student cannot start an unpublished exam: it is not found'
);

select throws_ok(
  $$ select public.start_attempt('20000000-0000-4000-8000-000000000008') $$,
  'PGRST', null,
  'A student cannot start an exam of another academy (404)'
);

select throws_like(
  $$ select public.start_attempt('20000000-0000-4000-8000-000000000008') $$,
  '%"code" : "exam_not_found"%',
  'An exam of another academy is reported as not found, not as forbidden'
);

select throws_like(
  $$ select public.start_attempt(gen_random_uuid()) $$,
  '%"code" : "exam_not_found"%',
  'A student cannot start an exam that does not exist'
);

select throws_like(
  $$ select public.start_attempt('20000000-0000-4000-8000-000000000004') $$,
  '%"code" : "exam_not_open"%',
  'A student cannot start an exam before it opens'
);

select throws_like(
  $$ select public.start_attempt('20000000-0000-4000-8000-000000000005') $$,
  '%"code" : "exam_closed"%',
  'A student cannot start an exam after it closed'
);

select throws_like(
  $$ select public.start_attempt('20000000-0000-4000-8000-000000000007') $$,
  '%"code" : "exam_has_no_questions"%',
  'A student cannot start an exam without questions'
);

select is(
  (select a.deadline_at from public.start_attempt('20000000-0000-4000-8000-000000000006', 'drill') as a),
  (select e.available_until from public.exams as e where e.id = '20000000-0000-4000-8000-000000000006'),
  'An attempt started near the exam''s closing has its deadline at the closing time'
);

select lives_ok(
  $$
    select public.submit_attempt(a.id)
    from public.start_attempt('20000000-0000-4000-8000-000000000003', 'diagnostic') as a
  $$,
  'A student starts and submits the single attempt an exam allows'
);

select throws_like(
  $$ select public.start_attempt('20000000-0000-4000-8000-000000000003') $$,
  '%"code" : "max_attempts_reached"%',
  'A student cannot start more attempts than the exam allows'
);

select results_eq(
  $$
    select a.attempt_number, a.status::text from public.exam_attempts as a
    where a.exam_id = '20000000-0000-4000-8000-000000000003'
  $$,
  $$ values (1, 'submitted') $$,
  'The refused attempt left nothing behind'
);

-- Sue's first attempt ran out of time an hour ago and nothing closed it yet.
select tests.act_as_owner();
update public.exam_attempts
set started_at = now() - interval '2 hours', deadline_at = now() - interval '1 hour'
where id = current_setting('test.attempt')::uuid;
select tests.authenticate_as('sue');

select from set_config('test.second', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);

select results_eq(
  $$
    select a.attempt_number, a.status::text, a.finished_at = a.deadline_at
    from public.exam_attempts as a
    where a.exam_id = '20000000-0000-4000-8000-000000000001'
    order by a.attempt_number
  $$,
  $$ values (1, 'expired', true), (2, 'in_progress', null) $$,
  'Starting after the open attempt''s time ran out expires it at its deadline and starts attempt 2'
);

-- ==========================================================================================
-- Another student of the academy (Sam)
-- ==========================================================================================

select tests.authenticate_as('sam');

select isnt(
  (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a),
  current_setting('test.second'),
  'Another student starting the same exam gets an attempt of their own'
);

select results_eq(
  $$ select user_id from public.exam_attempts $$,
  $$ values (tests.get_supabase_uid('sam')) $$,
  'Another student reads only their own attempt'
);

-- ==========================================================================================
-- Teacher (Tom, teacher of East)
-- ==========================================================================================

select tests.authenticate_as('tom');

select lives_ok(
  $$ select public.start_attempt('20000000-0000-4000-8000-000000000002') $$,
  'A teacher tries out a draft exam of their academy'
);

select is(
  (select count(*)::integer from public.exam_attempts where exam_id = '20000000-0000-4000-8000-000000000001'),
  3,
  'A teacher reads every attempt at their academy''s exam'
);

-- ==========================================================================================
-- Teacher and student of another academy (Will, Bea)
-- ==========================================================================================

select tests.authenticate_as('will');

select throws_like(
  $$ select public.start_attempt('20000000-0000-4000-8000-000000000001') $$,
  '%"code" : "exam_not_found"%',
  'A teacher of another academy cannot start East''s exam'
);

select is_empty(
  $$ select * from public.exam_attempts $$,
  'A teacher of another academy reads none of East''s attempts'
);

select tests.authenticate_as('bea');

select throws_like(
  $$ select public.start_attempt('20000000-0000-4000-8000-000000000001') $$,
  '%"code" : "exam_not_found"%',
  'A student of another academy cannot start East''s exam'
);

select lives_ok(
  $$ select public.start_attempt('20000000-0000-4000-8000-000000000008') $$,
  'A student of West starts West''s exam'
);

-- ==========================================================================================
-- Anon
-- ==========================================================================================

select tests.clear_authentication();

select throws_ok(
  $$ select public.start_attempt('20000000-0000-4000-8000-000000000001') $$,
  '42501', 'permission denied for function start_attempt',
  'Anon cannot start an attempt'
);

select throws_ok(
  $$ select * from public.exam_attempts $$,
  '42501', 'permission denied for table exam_attempts',
  'Anon cannot read attempts'
);

select * from finish();
rollback;
