-- Platform bootstrap 1/5: roles, as hosted Supabase leaves them.
-- Runs as the cluster superuser `supabase_admin` on a plain PostgreSQL 15, before any
-- migration. A real Supabase project already has all of this: never run it there.
-- Source of every attribute: ../shared/reference/supabase-platform.md §1.

create role postgres with nosuperuser createdb createrole login replication bypassrls
  password 'postgres';
alter role postgres set search_path = "$user", public, extensions;

create role anon with nologin inherit;
alter role anon set statement_timeout = '3s';
create role authenticated with nologin inherit;
alter role authenticated set statement_timeout = '8s';
create role service_role with nologin inherit bypassrls;

create role authenticator with login noinherit password 'postgres';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';

create role supabase_auth_admin with noinherit login noreplication password 'postgres';
alter role supabase_auth_admin set search_path = auth;
create role supabase_realtime_admin with noinherit createrole login replication;
alter role supabase_realtime_admin set search_path = public, extensions, realtime;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
grant anon, authenticated, service_role to supabase_realtime_admin;

-- The `postgres` database belongs to `postgres` on hosted Supabase, so `postgres`
-- owns the `public` schema (pg_database_owner) and creates in it.
alter database postgres owner to postgres;
grant usage on schema public to anon, authenticated, service_role;

-- Default privileges in `public`: since 2026-10-30 new tables are no longer granted
-- to the API roles automatically; functions and sequences still are.
alter default privileges for role postgres in schema public
  grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to anon, authenticated, service_role;
