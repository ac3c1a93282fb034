-- Platform bootstrap 2/5: the `extensions` schema and the extensions hosted Supabase
-- has ready. pg_cron is created ahead of time so a migration's
-- `create extension if not exists pg_cron` is a no-op here and real on Supabase.

create schema extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
create extension pgcrypto with schema extensions;
create extension "uuid-ossp" with schema extensions;
-- pg_trgm is available on hosted Supabase (a migration's `create extension if not exists
-- pg_trgm with schema extensions` enables it there); created ahead of time here, because
-- `postgres` cannot create objects in a schema of the superuser.
create extension pg_trgm with schema extensions;
-- `supabase db lint` runs plpgsql_check, found through postgres's search path.
create extension plpgsql_check with schema extensions;
grant execute on all functions in schema extensions to postgres, anon, authenticated, service_role;

-- Debian's pg_cron 1.4 does not pin its schema; its objects land in `cron`.
create extension pg_cron with schema pg_catalog;
grant usage on schema cron to postgres;
grant execute on all functions in schema cron to postgres;
grant select on all tables in schema cron to postgres;
