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
