-- Test helpers for pgTAP suites, modelled on supabase-test-helpers' API: create auth
-- users, act as a user, as anon or as the service role, exactly as PostgREST sets a
-- request up. Loaded into test databases only (as the cluster superuser); migrations
-- never use them.

create extension if not exists pgtap with schema extensions;

create schema tests;
grant usage on schema tests to postgres, anon, authenticated, service_role;
alter default privileges in schema tests grant execute on functions to postgres, anon, authenticated, service_role;

create function tests.create_supabase_user(
  identifier text, email text default null, phone text default null, metadata jsonb default null
) returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  user_id uuid := gen_random_uuid();
begin
  insert into auth.users (id, aud, role, email, phone, raw_user_meta_data, raw_app_meta_data,
    email_confirmed_at, created_at, updated_at)
  values (
    user_id, 'authenticated', 'authenticated',
    coalesce(create_supabase_user.email, user_id::text || '@test.com'),
    create_supabase_user.phone,
    jsonb_build_object('test_identifier', identifier) || coalesce(metadata, '{}'::jsonb),
    '{"provider": "email", "providers": ["email"]}'::jsonb,
    pg_catalog.now(), pg_catalog.now(), pg_catalog.now()
  );
  return user_id;
end;
$$;
comment on function tests.create_supabase_user(text, text, text, jsonb) is
  'Creates an auth user known to tests by identifier; its profile is made by the signup trigger.';

create function tests.get_supabase_user(identifier text) returns json
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  found json;
begin
  select json_build_object('id', u.id, 'email', u.email, 'phone', u.phone,
    'raw_user_meta_data', u.raw_user_meta_data, 'raw_app_meta_data', u.raw_app_meta_data)
  into found
  from auth.users as u
  where u.raw_user_meta_data ->> 'test_identifier' = identifier;
  if found is null then
    raise exception 'User with identifier % not found', identifier;
  end if;
  return found;
end;
$$;

create function tests.get_supabase_uid(identifier text) returns uuid
language sql
stable
set search_path = ''
as $$
  select (tests.get_supabase_user(identifier) ->> 'id')::uuid;
$$;

create function tests.authenticate_as(identifier text) returns void
language plpgsql
set search_path = ''
as $$
declare
  found json := tests.get_supabase_user(identifier);
begin
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims', json_build_object(
    'sub', found ->> 'id',
    'role', 'authenticated',
    'aud', 'authenticated',
    'email', found ->> 'email',
    'phone', found ->> 'phone',
    'user_metadata', found -> 'raw_user_meta_data',
    'app_metadata', found -> 'raw_app_meta_data',
    'exp', extract(epoch from pg_catalog.now() + interval '1 hour')::bigint
  )::text, true);
end;
$$;
comment on function tests.authenticate_as(text) is
  'Acts as the user for the rest of the transaction: role authenticated and their JWT claims, as PostgREST sets them.';

create function tests.authenticate_as_service_role() returns void
language sql
set search_path = ''
as $$
  select set_config('role', 'service_role', true),
         set_config('request.jwt.claims', '{"role": "service_role"}', true);
$$;

create function tests.clear_authentication() returns void
language sql
set search_path = ''
as $$
  select set_config('role', 'anon', true),
         set_config('request.jwt.claims', '{"role": "anon"}', true);
$$;
comment on function tests.clear_authentication() is 'Acts as an anonymous caller (role anon).';

create function tests.act_as_owner() returns void
language sql
set search_path = ''
as $$
  select set_config('role', 'postgres', true),
         set_config('request.jwt.claims', '', true);
$$;
comment on function tests.act_as_owner() is 'Back to the connecting role (postgres), as migrations and cron run.';

create function tests.error_of(p_sql text) returns text
language plpgsql
set search_path = ''
as $$
declare
  state text;
  message text;
  hint text;
begin
  execute p_sql;
  return 'no error';
exception when others then
  get stacked diagnostics state = returned_sqlstate, message = message_text, hint = pg_exception_hint;
  return concat_ws(' ', state, case when state = 'PGRST' then message::jsonb ->> 'code' else nullif(hint, '') end);
end;
$$;
comment on function tests.error_of(text) is
  'The SQLSTATE and stable code of the error a statement raises (''22023 unknown_op_type'', ''PGRST attempt_expired''), or ''no error''.';

-- pgTAP's own functions call each other unqualified, so its schema is on the path.
create function tests.rls_enabled(testing_schema text) returns text
language sql
set search_path = extensions, pg_catalog
as $$
  select extensions.is(
    (select count(*)::integer from pg_catalog.pg_tables
      where schemaname = testing_schema and rowsecurity is false),
    0,
    format('Every table in schema %s has row level security enabled', testing_schema)
  );
$$;

create function tests.rls_enabled(testing_schema text, testing_table text) returns text
language sql
set search_path = extensions, pg_catalog
as $$
  select extensions.is(
    (select rowsecurity from pg_catalog.pg_tables
      where schemaname = testing_schema and tablename = testing_table),
    true,
    format('Table %s.%s has row level security enabled', testing_schema, testing_table)
  );
$$;

-- Fixture builders --------------------------------------------------------------------------
-- The academies, members and exams most suites start from, with fixed ids the assertions
-- name: East Academy 10000000-0000-4000-8000-000000000001 and West Academy …002; exams
-- 20000000-…, sections 30000000-…, questions 40000000-… (last digits as listed below).
-- Every builder returns void, so pg_prove prints nothing for it.

create function tests.create_academies(suffix text) returns void
language sql
set search_path = ''
as $$
  insert into public.academies (id, name, slug)
  values
    ('10000000-0000-4000-8000-000000000001', 'East Academy', 'east-academy-' || suffix),
    ('10000000-0000-4000-8000-000000000002', 'West Academy', 'west-academy-' || suffix);
$$;
comment on function tests.create_academies(text) is
  'Creates East Academy (id …001, slug east-academy-<suffix>) and West Academy (…002), with no members.';

create function tests.add_members(academy text, role public.academy_role, variadic identifiers text[]) returns void
language plpgsql
set search_path = ''
as $$
declare
  target public.academies;
  identifier text;
begin
  select * into target from public.academies as a where a.slug like add_members.academy || '-academy-%';
  if target.id is null then
    raise exception 'Academy % not found: call tests.create_academies first', academy;
  end if;
  foreach identifier in array identifiers loop
    insert into public.academy_members (academy_id, user_id, role)
    values (target.id, tests.create_supabase_user(identifier,
      identifier || '@' || replace(target.slug, '-academy-', '-') || '.example'), add_members.role);
  end loop;
end;
$$;
comment on function tests.add_members(text, public.academy_role, text[]) is
  'Creates a user per identifier (email <identifier>@<academy>-<suffix>.example) and makes each a member of academy ''east'' or ''west'' with the role: tests.add_members(''east'', ''student'', ''sue'', ''sam'').';

create function tests.create_mixed_exam() returns void
language sql
set search_path = ''
as $$
  -- One hour, 60 s grace, free navigation, merge strategy.
  insert into public.exams (id, academy_id, title, published, duration_seconds, grace_period_seconds)
  values ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'East Mixed', true, 3600, 60);

  insert into public.exam_sections (id, exam_id, position, title, sub_skill)
  values
    ('30000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', 0, 'Maths', 'algebra'),
    ('30000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001', 1, 'Science', 'science');

  insert into public.questions (id, exam_id, section_id, position, type, prompt, options, points, sub_skill)
  values
    ('40000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001',
     0, 'single_choice', 'What is 2 + 2?', '[{"id": "a", "text": "3"}, {"id": "b", "text": "4"}, {"id": "c", "text": "5"}]', 1, null),
    ('40000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001',
     1, 'multiple_choice', 'Which are prime?', '[{"id": "a", "text": "2"}, {"id": "b", "text": "4"}, {"id": "c", "text": "5"}, {"id": "d", "text": "9"}]', 2, null),
    ('40000000-0000-4000-8000-000000000003', '20000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001',
     2, 'true_false', 'Zero is even.', '[]', 1, null),
    ('40000000-0000-4000-8000-000000000004', '20000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001',
     3, 'numeric', 'Gravity on Earth in m/s², two decimals?', '[]', 1, null),
    ('40000000-0000-4000-8000-000000000005', '20000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000002',
     0, 'short_text', 'How do plants make their food?', '[]', 1, 'biology'),
    ('40000000-0000-4000-8000-000000000006', '20000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000002',
     1, 'short_text', 'Chemical formula of table salt?', '[]', 1, null),
    ('40000000-0000-4000-8000-000000000007', '20000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000002',
     2, 'essay', 'Explain osmosis.', '[]', 5, null);

  insert into private.question_keys (question_id, correct, tolerance, accepted_texts, case_sensitive)
  values
    ('40000000-0000-4000-8000-000000000001', '"b"', null, null, false),
    ('40000000-0000-4000-8000-000000000002', '["a", "c"]', null, null, false),
    ('40000000-0000-4000-8000-000000000003', 'true', null, null, false),
    ('40000000-0000-4000-8000-000000000004', '9.81', 0.05, null, false),
    ('40000000-0000-4000-8000-000000000005', null, null, '{Photosynthesis}', false),
    ('40000000-0000-4000-8000-000000000006', null, null, '{NaCl}', true);
$$;
comment on function tests.create_mixed_exam() is
  'East''s published exam East Mixed (…001): one hour, 60 s grace, free navigation, merge strategy; section Maths (…001, sub-skill algebra) with single_choice "b" (…001), multiple_choice ["a", "c"] worth 2 (…002), true_false true (…003) and numeric 9.81 ± 0.05 (…004); section Science (…002, sub-skill science) with short_text Photosynthesis (…005, sub-skill biology), case-sensitive short_text NaCl (…006) and an essay worth 5 without key (…007).';

create function tests.create_exam_fixture(suffix text) returns void
language sql
set search_path = ''
as $$
  select tests.create_academies(suffix);
  select tests.add_members('east', 'admin', 'ada');
  select tests.add_members('east', 'teacher', 'tom');
  select tests.add_members('east', 'student', 'sue', 'sam');
  select tests.add_members('west', 'teacher', 'will');
  select tests.add_members('west', 'student', 'bea');
  select tests.create_mixed_exam();
$$;
comment on function tests.create_exam_fixture(text) is
  'The attempt suites'' fixture: East with admin Ada, teacher Tom, students Sue and Sam; West with teacher Will and student Bea; and East''s exam of tests.create_mixed_exam().';

create function tests.create_quiz() returns void
language sql
set search_path = ''
as $$
  insert into public.exams (id, academy_id, title, published, duration_seconds, grace_period_seconds)
  values ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'East Quiz', true, 3600, 60);
  insert into public.exam_sections (id, exam_id, position, title)
  values ('30000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', 0, 'Only section');
  insert into public.questions (id, exam_id, section_id, position, type, prompt, options)
  values
    ('40000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001',
     0, 'single_choice', 'What is 2 + 2?', '[{"id": "a", "text": "3"}, {"id": "b", "text": "4"}]'),
    ('40000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001',
     1, 'true_false', 'Zero is even.', '[]'),
    ('40000000-0000-4000-8000-000000000003', '20000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001',
     2, 'numeric', 'Six times seven?', '[]');
  insert into private.question_keys (question_id, correct)
  values
    ('40000000-0000-4000-8000-000000000001', '"b"'),
    ('40000000-0000-4000-8000-000000000002', 'true'),
    ('40000000-0000-4000-8000-000000000003', '42');
$$;
comment on function tests.create_quiz() is
  'East''s published one-hour quiz East Quiz (…001, 60 s grace), one section (…001) and three questions with keys: single_choice "b" (…001), true_false true (…002), numeric 42 (…003).';

create function tests.create_one_question_quizzes() returns void
language sql
set search_path = ''
as $$
  insert into public.exams (id, academy_id, title, published, duration_seconds, grace_period_seconds)
  values
    ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'East Quiz', true, 3600, 60),
    ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000002', 'West Quiz', true, 3600, 60);
  insert into public.exam_sections (id, exam_id, position, title)
  values
    ('30000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', 0, 'Only section'),
    ('30000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000002', 0, 'Only section');
  insert into public.questions (id, exam_id, section_id, position, type, prompt)
  values
    ('40000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
     '30000000-0000-4000-8000-000000000001', 0, 'true_false', 'Zero is even.'),
    ('40000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000002',
     '30000000-0000-4000-8000-000000000002', 0, 'true_false', 'Water is wet.');
$$;
comment on function tests.create_one_question_quizzes() is
  'East Quiz (…001) and West Quiz (…002), published, one hour, 60 s grace, one section (…001, …002) and one true_false question each (…001, …002), without keys.';
