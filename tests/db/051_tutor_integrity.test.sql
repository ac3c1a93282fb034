-- The tutor's integrity rule (private.check_tutor_integrity), tried as Sue takes East
-- Mixed: questions named in the context, pasted or retyped question text at the tested
-- similarity thresholds, innocent messages sharing a few words, tutor_allowed practice,
-- and a running live session; every refusal logged with its score.

begin;
select plan(20);

select tests.create_exam_fixture('041');
update public.questions
set prompt = 'Explain the main causes of the French Revolution and their long-term effects on Europe.'
where id = '40000000-0000-4000-8000-000000000007';

-- ==========================================================================================
-- Owner: the similarity measure and its thresholds
-- ==========================================================================================

select ok(
  private.tutor_text_similarity('How do plants make their food?', 'can you help me: how do plants make their food? thanks')
    >= private.tutor_similarity_threshold('How do plants make their food?'),
  'A question pasted inside a longer message is over the threshold'
);
select ok(
  private.tutor_text_similarity('How do plants make their food?', 'how do plants produce their own food')
    >= private.tutor_similarity_threshold('How do plants make their food?'),
  'A paraphrase keeping the question''s words is over the threshold'
);
select ok(
  private.tutor_text_similarity('Chemical formula of table salt?', 'whats the chemical formula for table salt')
    >= private.tutor_similarity_threshold('Chemical formula of table salt?'),
  'A retyped question with small changes is over the threshold'
);
select ok(
  private.tutor_text_similarity('Chemical formula of table salt?', 'what is a chemical formula')
    < private.tutor_similarity_threshold('Chemical formula of table salt?'),
  'An innocent message sharing a few words stays under the threshold'
);
select ok(
  private.tutor_text_similarity('How do plants make their food?', 'How do I make a study plan?')
    < private.tutor_similarity_threshold('How do plants make their food?'),
  'An innocent message of the same shape stays under the threshold'
);
select ok(
  private.tutor_text_similarity('What is 2 + 2?', 'What is the capital of France?')
    < private.tutor_similarity_threshold('What is 2 + 2?'),
  'A short question needs a near copy: a message of the same shape passes'
);
select ok(
  private.tutor_text_similarity('What is 2 + 2?', 'can you tell me what is 2 + 2')
    >= private.tutor_similarity_threshold('What is 2 + 2?'),
  'A short question pasted into a message is over its threshold'
);

-- ==========================================================================================
-- Student (Sue) with an open attempt of East Mixed
-- ==========================================================================================

select tests.authenticate_as('sue');
select from set_config('test.attempt', (select a.id::text from public.start_attempt('20000000-0000-4000-8000-000000000001') as a), true);
select tests.act_as_owner();

select is(
  (select reason from private.check_tutor_integrity(tests.get_supabase_uid('sue'),
    '{"questionId": "40000000-0000-4000-8000-000000000005"}', 'hint?')),
  'context',
  'A question of the open attempt named in the context is refused'
);
select is(
  (select reason from private.check_tutor_integrity(tests.get_supabase_uid('sue'),
    '{"sectionId": "30000000-0000-4000-8000-000000000002"}', 'hint?')),
  'context',
  'A section of the open attempt named in the context is refused'
);
select is(
  (select reason from private.check_tutor_integrity(tests.get_supabase_uid('sue'),
    '{}', 'what were the main causes of the french revolution and their long term effects on europe?')),
  'pasted_question',
  'The retyped text of a question of the open attempt is refused'
);
select is(
  (select refused from private.check_tutor_integrity(tests.get_supabase_uid('sue'),
    '{}', 'I am studying European history, any tips for the exam next week?')),
  false,
  'An innocent message about the same subject is answered'
);
select is(
  (select refused from private.check_tutor_integrity(tests.get_supabase_uid('sam'),
    '{"questionId": "40000000-0000-4000-8000-000000000005"}', 'How do plants make their food?')),
  false,
  'Sam, without an open attempt, may ask about the same question'
);

select tests.authenticate_as('sue');
select is(
  (select t.refusal_reason from private.prepare_tutor_turn('c-041', 'How do plants make their food?', '{}') as t),
  'pasted_question',
  'prepare_tutor_turn refuses pasted question text'
);
select is(
  (select count(*)::int from public.attempt_activity_events as e
    where e.attempt_id = current_setting('test.attempt')::uuid and e.event_type = 'tutor_refused'
      and (e.details ->> 'similarity')::real >= 0.58),
  1,
  'The refusal is in the attempt''s activity log with its similarity score'
);
select is(
  (select count(*)::int from public.outbox_events as o
    where o.topic = 'attempt:' || current_setting('test.attempt') and o.event = 'tutor_refused'),
  1,
  'The refusal is announced on the attempt topic'
);
select is(
  (select t.question from private.prepare_tutor_turn('c-041', 'I like plants', '{"questionId": "40000000-0000-4000-8000-000000000006"}') as t),
  null,
  'While the attempt is open, a question named in the context never reaches the prompt'
);

-- ==========================================================================================
-- tutor_allowed practice, and a live session
-- ==========================================================================================

select tests.act_as_owner();
update public.exams set tutor_allowed = true where id = '20000000-0000-4000-8000-000000000001';
select is(
  (select refused from private.check_tutor_integrity(tests.get_supabase_uid('sue'),
    '{"questionId": "40000000-0000-4000-8000-000000000005"}', 'How do plants make their food?')),
  false,
  'A practice attempt of an exam with tutor_allowed gets help'
);

insert into public.exam_sessions (id, academy_id, exam_id, owner_id, title, status, join_code, duration_seconds)
values ('60000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001',
  '20000000-0000-4000-8000-000000000001', tests.get_supabase_uid('tom'), 'Live', 'active', 'QWERTY', 3600);
insert into public.exam_session_participants (session_id, user_id, status)
values ('60000000-0000-4000-8000-000000000001', tests.get_supabase_uid('sam'), 'active');
select is(
  (select reason from private.check_tutor_integrity(tests.get_supabase_uid('sam'), '{}', 'Tell me about cells')),
  'live_session',
  'A participant of a running live session is refused whatever they ask, even when the exam allows the tutor'
);
update public.exam_sessions set status = 'ended' where id = '60000000-0000-4000-8000-000000000001';
select is(
  (select refused from private.check_tutor_integrity(tests.get_supabase_uid('sam'), '{}', 'Tell me about cells')),
  false,
  'Once the session ended, the participant gets help again'
);

-- ==========================================================================================
-- Anon
-- ==========================================================================================

select tests.clear_authentication();
select throws_ok(
  $$ select * from private.prepare_tutor_turn('c-anon', 'hello', '{}') $$,
  '42501', null,
  'Anon cannot prepare a tutor turn'
);

select * from finish();
rollback;
