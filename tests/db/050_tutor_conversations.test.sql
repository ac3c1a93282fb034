-- Tutor conversations and messages by actor: the student owns, lists, renames and
-- deletes theirs; teachers read their academy's unless teacher access is off; admins
-- always; another student, another academy and anon read nothing; budgets and usage.

begin;
select plan(25);

select tests.create_exam_fixture('040');

select tests.authenticate_as('sue');
select from private.prepare_tutor_turn('c-sue', 'How do I study algebra?', '{}');
select tests.act_as_owner();
select from private.store_tutor_message(jsonb_build_object('id', 'm-1', 'conversation_id', 'c-sue', 'role', 'user',
  'parts', '[{"type": "text", "text": "How do I study algebra?"}]'::jsonb));
select from private.store_tutor_message(jsonb_build_object('id', 'm-2', 'conversation_id', 'c-sue', 'role', 'assistant',
  'parts', '[{"type": "text", "text": "What do you know already?"}]'::jsonb, 'provider', 'openai', 'model', 'gpt-4o-mini',
  'input_tokens', 30, 'output_tokens', 8, 'finish_reason', 'stop'));

-- ==========================================================================================
-- Owner: tables and functions
-- ==========================================================================================

select is(
  (select count(*)::int from pg_catalog.pg_class as c
    where c.relnamespace in ('public'::regnamespace, 'private'::regnamespace)
      and c.relname in ('tutor_conversations', 'tutor_messages', 'academy_tutor_settings', 'question_explanations',
        'tutor_user_daily_usage', 'tutor_academy_monthly_usage', 'tutor_reservations')
      and c.relrowsecurity),
  7,
  'Every tutor table has row level security on'
);
select is(
  (select count(*)::int from public.outbox_events as o
    where o.topic = 'user:' || tests.get_supabase_uid('sue') and o.event in ('tutor_conversation_created', 'tutor_message_stored')),
  3,
  'Creating the conversation and storing each message are announced on the owner''s user topic'
);

-- ==========================================================================================
-- Student (Sue), the owner
-- ==========================================================================================

select tests.authenticate_as('sue');
select is((select count(*)::int from public.list_my_tutor_conversations()), 1, 'Sue lists her conversation');
select is((select count(*)::int from public.tutor_messages), 2, 'Sue reads her messages');
select is((select title from public.rename_tutor_conversation('c-sue', 'Algebra help')), 'Algebra help', 'Sue renames her conversation');
select throws_ok($$ update public.tutor_conversations set title = 'x' $$, '42501', null, 'Sue cannot write the table directly');
select throws_ok($$ insert into public.tutor_messages (id, conversation_id, user_id, academy_id, role, parts)
  values ('forged', 'c-sue', auth.uid(), '10000000-0000-4000-8000-000000000001', 'assistant', '[]') $$,
  '42501', null, 'Sue cannot forge a message');
select is((select count(*)::int from public.get_my_tutor_usage()), 1, 'Sue reads her usage in her academy');
select throws_ok($$ select * from public.get_academy_tutor_usage('10000000-0000-4000-8000-000000000001') $$,
  '42501', null, 'A student cannot read the academy''s usage per student');

-- ==========================================================================================
-- Another student (Sam), and a student of another academy (Bea)
-- ==========================================================================================

select tests.authenticate_as('sam');
select is((select count(*)::int from public.tutor_conversations), 0, 'Sam reads no conversation of Sue');
select is((select count(*)::int from public.tutor_messages), 0, 'Sam reads no message of Sue');
select is(tests.error_of($$ select * from private.prepare_tutor_turn('c-sue', 'continue', '{}') $$),
  'PGRST conversation_not_found', 'Sam cannot continue Sue''s conversation');
select is(tests.error_of($$ select * from public.rename_tutor_conversation('c-sue', 'mine') $$),
  'PGRST conversation_not_found', 'Sam cannot rename Sue''s conversation');
select is(tests.error_of($$ select * from public.delete_tutor_conversation('c-sue') $$),
  'PGRST conversation_not_found', 'Sam cannot delete Sue''s conversation');
select tests.authenticate_as('bea');
select is((select count(*)::int from public.tutor_messages), 0, 'Bea of West reads nothing of East');

-- ==========================================================================================
-- Teacher (Tom) and admin (Ada)
-- ==========================================================================================

select tests.authenticate_as('tom');
select is((select count(*)::int from public.tutor_messages), 2, 'Tom reads his academy''s tutor messages');
select throws_ok($$ insert into public.academy_tutor_settings (academy_id, teacher_access)
  values ('10000000-0000-4000-8000-000000000001', false) $$, '42501', null, 'A teacher cannot change the tutor settings');
select tests.authenticate_as('ada');
insert into public.academy_tutor_settings (academy_id, teacher_access, provider, model)
values ('10000000-0000-4000-8000-000000000001', false, 'anthropic', 'claude-test');
select is((select count(*)::int from public.tutor_messages), 2, 'Ada reads them, as admin, always');
select tests.authenticate_as('tom');
select is((select count(*)::int from public.tutor_messages), 0, 'Tom reads nothing once teacher access is off');

-- ==========================================================================================
-- Budgets
-- ==========================================================================================

select tests.act_as_owner();
select from set_config('test.reservation', (select r.reservation_id::text from private.reserve_tutor_tokens(
  tests.get_supabase_uid('sue'), '10000000-0000-4000-8000-000000000001', 300, 500, 0) as r), true);
select is(
  (select code from private.reserve_tutor_tokens(tests.get_supabase_uid('sue'), '10000000-0000-4000-8000-000000000001', 300, 500, 0)),
  'tutor_daily_tokens_exceeded',
  'A reservation past the daily budget is refused while another is in flight'
);
select is(private.settle_tutor_reservation(current_setting('test.reservation')::uuid, 120), 120::bigint,
  'Settling charges the tokens really used');
select is(private.settle_tutor_reservation(current_setting('test.reservation')::uuid, 120), null,
  'Settling twice changes nothing');
select is(
  (select allowed from private.reserve_tutor_tokens(tests.get_supabase_uid('sue'), '10000000-0000-4000-8000-000000000001', 300, 500, 0)),
  true,
  'After reconciliation the freed tokens can be reserved again'
);

select tests.authenticate_as('ada');
select is(
  (select tokens_used from public.get_academy_tutor_usage('10000000-0000-4000-8000-000000000001')
    where user_id = tests.get_supabase_uid('sue')),
  120::bigint,
  'Ada reads each student''s tutor tokens of the month'
);
select tests.authenticate_as('sue');
select is((select t.provider from private.prepare_tutor_turn('c-sue', 'again', '{}') as t), 'anthropic',
  'The academy''s provider override reaches the turn');

select * from finish();
rollback;
