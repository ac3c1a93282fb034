-- Platform bootstrap 5/5: what PostgREST and the advisors read. `pgrst.db_schemas`
-- makes `supabase db advisors` judge the API schemas as it does on hosted Supabase
-- (reference §7); `graphql_public` exists there too.

create schema graphql_public;
grant usage on schema graphql_public to postgres, anon, authenticated, service_role;
alter database postgres set pgrst.db_schemas = 'public, graphql_public';
