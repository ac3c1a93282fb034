-- Academy tenancy: academies, their members with a role, and one profile per auth user.
-- Every later feature scopes its rows by academy through the `private` membership
-- functions defined here, so a user never reads across academies.

-- Functions are not executable by anyone until granted one by one. The PUBLIC default
-- is global (a per-schema revoke cannot remove it); the API roles' defaults in `public`
-- come from the platform.
alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated, service_role;

create schema if not exists private;
comment on schema private is 'Helpers and data no client may read directly; not exposed through the API.';

-- types ---------------------------------------------------------------------------------
create type public.academy_role as enum ('student', 'teacher', 'admin');
comment on type public.academy_role is 'What a member may do in an academy: students take exams, teachers author and run them, admins also manage members.';

-- tables --------------------------------------------------------------------------------
create table public.academies (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 200),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  created_at timestamptz not null default now()
);
comment on table public.academies is 'A school or course platform: the unit of tenancy. Nobody reads anything of an academy they are not a member of.';
comment on column public.academies.slug is 'URL-safe unique name, lowercase letters, digits and dashes.';

create table public.academy_members (
  academy_id uuid not null references public.academies (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.academy_role not null default 'student',
  created_at timestamptz not null default now(),
  primary key (academy_id, user_id)
);
comment on table public.academy_members is 'Who belongs to which academy and with which role. Members read their academy''s list; only its admins change it.';

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null default '' check (char_length(display_name) <= 120),
  avatar_url text check (avatar_url is null or avatar_url ~ '^https?://'),
  specialty text check (specialty is null or char_length(specialty) <= 120),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.profiles is 'Public face of a user, one per auth user, created when the user signs up. Fellow academy members read it; only its owner edits it.';
comment on column public.profiles.specialty is 'Field of study, used by leaderboards'' specialty filters.';

-- indexes -------------------------------------------------------------------------------
create index academy_members_user_id_idx on public.academy_members (user_id, academy_id);

-- functions used by triggers and policies ----------------------------------------------
create function private.member_academy_ids(p_roles public.academy_role[] default null)
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.academy_id
  from public.academy_members as m
  where m.user_id = (select auth.uid())
    and (p_roles is null or m.role = any (p_roles));
$$;
comment on function private.member_academy_ids(public.academy_role[]) is
  'Academies the caller belongs to, optionally only those where they hold one of p_roles. Security definer: policies on academy_members use it, and reading academy_members under its own RLS would recurse.';

create function private.is_academy_member(p_academy_id uuid, p_roles public.academy_role[] default null)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.academy_members as m
    where m.academy_id = p_academy_id
      and m.user_id = (select auth.uid())
      and (p_roles is null or m.role = any (p_roles))
  );
$$;
comment on function private.is_academy_member(uuid, public.academy_role[]) is
  'Whether the caller is a member of the academy, optionally with one of p_roles. Security definer for the same reason as member_academy_ids.';

create function private.fellow_member_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select distinct fellow.user_id
  from public.academy_members as mine
  join public.academy_members as fellow on fellow.academy_id = mine.academy_id
  where mine.user_id = (select auth.uid());
$$;
comment on function private.fellow_member_ids() is
  'Users who share at least one academy with the caller (the caller included). Security definer: it reads memberships the caller''s RLS would hide.';

create function private.create_profile_for_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, display_name)
  values (
    new.id,
    left(coalesce(
      nullif(new.raw_user_meta_data ->> 'display_name', ''),
      nullif(new.raw_user_meta_data ->> 'full_name', ''),
      split_part(coalesce(new.email, ''), '@', 1)
    ), 120)
  );
  return new;
end;
$$;
comment on function private.create_profile_for_new_user() is
  'Creates the profile of a new auth user. Security definer: it runs inside GoTrue''s insert, whose role cannot write public.profiles.';

create function private.touch_updated_at()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end;
$$;
comment on function private.touch_updated_at() is 'Sets updated_at on every update.';

create function private.keep_an_admin()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Deleting the academy or the user's account (cascades) may leave no admin; a change
  -- made to the membership itself may not.
  if exists (select 1 from public.academies as a where a.id = old.academy_id)
    and exists (select 1 from auth.users as u where u.id = old.user_id)
    and not exists (
      select 1 from public.academy_members as m
      where m.academy_id = old.academy_id and m.role = 'admin'
    )
  then
    raise exception 'Cannot change member: the academy would have no admin left'
      using errcode = '23514', hint = 'last_admin';
  end if;
  return null;
end;
$$;
comment on function private.keep_an_admin() is
  'Refuses a member change that leaves an academy without an admin. Security definer: it must see every membership of the academy.';

-- triggers ------------------------------------------------------------------------------
create trigger create_profile_after_signup
  after insert on auth.users
  for each row execute function private.create_profile_for_new_user();

create trigger touch_updated_at
  before update on public.profiles
  for each row execute function private.touch_updated_at();

create trigger keep_an_admin
  after update of role or delete on public.academy_members
  for each row when (old.role = 'admin')
  execute function private.keep_an_admin();

-- grants --------------------------------------------------------------------------------
grant usage on schema private to authenticated, service_role;
grant execute on function private.member_academy_ids(public.academy_role[]),
  private.is_academy_member(uuid, public.academy_role[]),
  private.fellow_member_ids()
  to authenticated, service_role;

grant select, update (name) on public.academies to authenticated;
grant select, insert (academy_id, user_id, role), update (role), delete on public.academy_members to authenticated;
grant select, update (display_name, avatar_url, specialty) on public.profiles to authenticated;
grant all on public.academies, public.academy_members, public.profiles to service_role;

-- row level security --------------------------------------------------------------------
alter table public.academies enable row level security;
alter table public.academy_members enable row level security;
alter table public.profiles enable row level security;

-- policies ------------------------------------------------------------------------------
create policy academies_select_member on public.academies
  for select to authenticated
  using (id in (select private.member_academy_ids()));
comment on policy academies_select_member on public.academies is 'Members read the academies they belong to.';

create policy academies_update_admin on public.academies
  for update to authenticated
  using (id in (select private.member_academy_ids('{admin}')))
  with check (id in (select private.member_academy_ids('{admin}')));
comment on policy academies_update_admin on public.academies is 'Admins rename their academy.';

create policy academy_members_select_member on public.academy_members
  for select to authenticated
  using (academy_id in (select private.member_academy_ids()));
comment on policy academy_members_select_member on public.academy_members is 'Members read who else belongs to their academies.';

create policy academy_members_insert_admin on public.academy_members
  for insert to authenticated
  with check (academy_id in (select private.member_academy_ids('{admin}')));
comment on policy academy_members_insert_admin on public.academy_members is 'Admins add members to their academy.';

create policy academy_members_update_admin on public.academy_members
  for update to authenticated
  using (academy_id in (select private.member_academy_ids('{admin}')))
  with check (academy_id in (select private.member_academy_ids('{admin}')));
comment on policy academy_members_update_admin on public.academy_members is 'Admins change members'' roles in their academy.';

create policy academy_members_delete_admin on public.academy_members
  for delete to authenticated
  using (academy_id in (select private.member_academy_ids('{admin}')));
comment on policy academy_members_delete_admin on public.academy_members is 'Admins remove members from their academy.';

create policy profiles_select_fellow on public.profiles
  for select to authenticated
  using (id = (select auth.uid()) or id in (select private.fellow_member_ids()));
comment on policy profiles_select_fellow on public.profiles is 'A user reads their own profile and those of members of their academies.';

create policy profiles_update_owner on public.profiles
  for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));
comment on policy profiles_update_owner on public.profiles is 'A user edits only their own profile.';
