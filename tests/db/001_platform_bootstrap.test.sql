-- Platform bootstrap: the local stand-in (sql/platform/*.sql) keeps the contract hosted
-- Supabase gives migrations: roles and memberships, GoTrue's auth functions, Realtime's
-- messages table and functions, extensions, pg_cron, default privileges and the
-- settings PostgREST and the advisors read (reference: supabase-platform.md §1, §2, §4).

begin;
select plan(39);

-- ==========================================================================================
-- Roles and memberships
-- ==========================================================================================

select isnt_superuser('postgres', 'The postgres role is not a superuser, as on hosted Supabase');

select is(
  (select rolbypassrls from pg_catalog.pg_roles where rolname = 'postgres'),
  true,
  'The postgres role bypasses row level security'
);

select is(
  (select rolcreaterole from pg_catalog.pg_roles where rolname = 'postgres'),
  true,
  'The postgres role can create roles'
);

select is(
  (select rolbypassrls from pg_catalog.pg_roles where rolname = 'service_role'),
  true,
  'The service_role role bypasses row level security'
);

select is(
  (select rolcanlogin from pg_catalog.pg_roles where rolname = 'anon'),
  false,
  'The anon role cannot log in'
);

select is(
  (select rolcanlogin from pg_catalog.pg_roles where rolname = 'authenticated'),
  false,
  'The authenticated role cannot log in'
);

select results_eq(
  $$ select rolcanlogin, rolinherit from pg_catalog.pg_roles where rolname = 'authenticator' $$,
  $$ values (true, false) $$,
  'The authenticator role logs in and does not inherit the roles it switches to'
);

select results_eq(
  $$
    select granted.rolname
    from pg_catalog.pg_auth_members as m
    join pg_catalog.pg_roles as granted on granted.oid = m.roleid
    where m.member = 'authenticator'::regrole
    order by 1
  $$,
  $$ values ('anon'::name), ('authenticated'::name), ('service_role'::name) $$,
  'The authenticator role is a member of exactly anon, authenticated and service_role'
);

select results_eq(
  $$
    select api_role
    from unnest(array['anon', 'authenticated', 'service_role']) as api_role
    where pg_catalog.pg_has_role('postgres', api_role, 'usage')
    order by 1
  $$,
  $$ values ('anon'), ('authenticated'), ('service_role') $$,
  'The postgres role is a member of the three API roles and can act as each'
);

select results_eq(
  $$
    select setrole::regrole::text collate "default", setconfig collate "default"
    from pg_catalog.pg_db_role_setting
    where setrole in ('anon'::regrole, 'authenticated'::regrole)
    order by 1
  $$,
  $$ values ('anon', array['statement_timeout=3s']), ('authenticated', array['statement_timeout=8s']) $$,
  'The anon and authenticated roles carry the hosted statement timeouts of 3s and 8s'
);

-- ==========================================================================================
-- auth functions, outside and inside a simulated PostgREST request
-- ==========================================================================================

select results_eq(
  $$ select auth.uid(), auth.role(), auth.email(), auth.jwt() $$,
  $$ values (null::uuid, null::text, null::text, null::jsonb) $$,
  'The auth functions return null when no request claims are set'
);

-- After a request commits PostgREST leaves the settings as '' rather than null.
select from set_config('request.jwt.claims', '', true);

select results_eq(
  $$ select auth.uid(), auth.role(), auth.email(), auth.jwt() $$,
  $$ values (null::uuid, null::text, null::text, null::jsonb) $$,
  'The auth functions return null when the request claims are an empty string'
);

-- A simulated PostgREST request: role and claims set transaction-locally.
select from set_config('role', 'authenticated', true);
select from set_config(
  'request.jwt.claims',
  '{"sub": "6f1c3a52-2d7e-4c8e-9a41-0c5b8f6e2d10", "role": "authenticated", "email": "ada@example.com", "aud": "authenticated"}',
  true
);

select is(auth.uid(), '6f1c3a52-2d7e-4c8e-9a41-0c5b8f6e2d10'::uuid, 'auth.uid() returns the sub claim of the request');
select is(auth.role(), 'authenticated', 'auth.role() returns the role claim of the request');
select is(auth.email(), 'ada@example.com', 'auth.email() returns the email claim of the request');
select is(
  auth.jwt(),
  '{"sub": "6f1c3a52-2d7e-4c8e-9a41-0c5b8f6e2d10", "role": "authenticated", "email": "ada@example.com", "aud": "authenticated"}'::jsonb,
  'auth.jwt() returns every claim of the request'
);

select from set_config('request.jwt.claim.sub', '0b7d9e64-1f2a-4b3c-8d5e-6f7a8b9c0d1e', true);

select is(
  auth.uid(),
  '0b7d9e64-1f2a-4b3c-8d5e-6f7a8b9c0d1e'::uuid,
  'auth.uid() prefers the legacy request.jwt.claim.sub setting when it is set'
);

select from set_config('request.jwt.claim.sub', '', true);
select tests.act_as_owner();

-- ==========================================================================================
-- Realtime: topic, partitions, send
-- ==========================================================================================

select is(realtime.topic(), null, 'realtime.topic() returns null when no topic is set');

select from set_config('realtime.topic', 'exam:probe-topic', true);

select is(realtime.topic(), 'exam:probe-topic', 'realtime.topic() returns the realtime.topic setting');

select from set_config('realtime.topic', '', true);

select is(
  (
    select count(*)::integer
    from pg_catalog.pg_inherits as i
    join pg_catalog.pg_class as c on c.oid = i.inhrelid
    where i.inhparent = 'realtime.messages'::regclass
      and c.relname = 'messages_' || to_char(current_date, 'YYYY_MM_DD')
  ),
  1,
  'realtime.messages has a partition for today'
);

select tests.authenticate_as_service_role();

select lives_ok(
  $$ select realtime.send('{"score": 42}', 'score_changed', 'exam:probe-private') $$,
  'The service role broadcasts with realtime.send()'
);

select is(
  realtime.topic(),
  'exam:probe-private',
  'realtime.send() leaves realtime.topic set to the topic it sent to'
);

select lives_ok(
  $$ select realtime.send('{"id": "client-chosen", "seat": 3}', 'seat_taken', 'exam:probe-public', false) $$,
  'The service role broadcasts a public message with realtime.send()'
);

select tests.act_as_owner();

select results_eq(
  $$
    select private, extension, event, payload ->> 'id' = id::text, payload ->> 'score'
    from realtime.messages
    where topic = 'exam:probe-private'
  $$,
  $$ values (true, 'broadcast', 'score_changed', true, '42') $$,
  'realtime.send() stores a private broadcast message by default whose payload carries the message id'
);

select results_eq(
  $$
    select private, payload ->> 'id', payload ->> 'seat'
    from realtime.messages
    where topic = 'exam:probe-public'
  $$,
  $$ values (false, 'client-chosen', '3') $$,
  'realtime.send() stores a public message when asked and keeps an id the payload already has'
);

-- anon may insert into realtime.messages but no policy lets it: the insert fails, and
-- realtime.send() must turn that into a warning instead of an error.
select tests.clear_authentication();
set local client_min_messages = error;

select lives_ok(
  $$ select realtime.send('{"x": 1}', 'refused', 'exam:probe-refused') $$,
  'realtime.send() swallows a failed insert instead of raising'
);

set local client_min_messages = notice;
select tests.act_as_owner();

select is(
  (select count(*)::integer from realtime.messages where topic = 'exam:probe-refused'),
  0,
  'A broadcast whose insert failed leaves no message behind'
);

select is(
  (select count(*)::integer from pg_catalog.pg_publication where pubname = 'supabase_realtime'),
  1,
  'The supabase_realtime publication exists'
);

-- ==========================================================================================
-- Extensions and pg_cron
-- ==========================================================================================

select is(
  (select extnamespace::regnamespace::text from pg_catalog.pg_extension where extname = 'pgcrypto'),
  'extensions',
  'The pgcrypto extension lives in schema extensions'
);

select is(
  (select extnamespace::regnamespace::text from pg_catalog.pg_extension where extname = 'uuid-ossp'),
  'extensions',
  'The uuid-ossp extension lives in schema extensions'
);

select has_schema('cron', 'The cron schema of pg_cron exists');

select is(
  (
    select count(*)::integer
    from cron.job
    where command like '%realtime.create_messages_partitions()%'
      and active
  ),
  1,
  'An active pg_cron job keeps the realtime.messages partitions'
);

-- ==========================================================================================
-- Default privileges and API settings
-- ==========================================================================================

create table public.default_privileges_probe (id integer);

select is(
  has_table_privilege('anon', 'public.default_privileges_probe', 'select, insert, update, delete'),
  false,
  'A new table in public grants nothing to anon by default'
);

select is(
  has_table_privilege('authenticated', 'public.default_privileges_probe', 'select, insert, update, delete'),
  false,
  'A new table in public grants nothing to authenticated by default'
);

select is(
  has_table_privilege('service_role', 'public.default_privileges_probe', 'select, insert, update, delete'),
  false,
  'A new table in public grants nothing to service_role by default'
);

select is(
  (
    select count(*)::integer
    from pg_catalog.pg_default_acl
    where defaclrole = 'postgres'::regrole
      and defaclnamespace = 'public'::regnamespace
      and defaclobjtype = 'r'
  ),
  0,
  'The postgres role has no default table privileges in schema public'
);

select results_eq(
  $$
    select setconfig collate "default"
    from pg_catalog.pg_db_role_setting
    where setdatabase = (select oid from pg_catalog.pg_database where datname = current_database())
      and setrole = 0
  $$,
  $$ values (array['pgrst.db_schemas=public, graphql_public']) $$,
  'The database sets pgrst.db_schemas to the schemas PostgREST exposes'
);

-- ==========================================================================================
-- Row level security on platform tables
-- ==========================================================================================

select tests.rls_enabled('realtime', 'messages');
select tests.rls_enabled('auth', 'users');

select * from finish();
rollback;
