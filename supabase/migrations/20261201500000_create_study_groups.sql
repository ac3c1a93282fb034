-- Study groups (issue 12): a group of an academy with a name, description, specialty,
-- public or private, and a member limit (2 to 500, default 10). The creator owns it; a
-- `study_group` chat room is created with it and its members are the group's members
-- (owner and moderators are the room's moderators). Public groups: any student of the
-- academy joins. Private groups: a student asks to join and the owner or a moderator
-- approves, or a moderator invites and the student accepts. The member limit holds under
-- concurrent joins: every join locks the group's row and counts its members first.
--
-- Leaving: the owner's leaving hands ownership to the longest-standing moderator, else the
-- longest-standing member; the last member's leaving archives the group (its room becomes
-- read-only). The owner, or a teacher or admin of the academy, deletes (archives) a group.
-- Teachers and admins of the academy see and moderate every group of it.
--
-- Rights come from current membership only: an active row of study_group_members while a
-- member of the group's academy, or the teacher/admin role in it. `private.group_access`
-- is the one place that says so. Events go to `group:<id>` and to the group's room.

-- types ---------------------------------------------------------------------------------
create type public.study_group_role as enum ('owner', 'moderator', 'member');
comment on type public.study_group_role is
  'owner: one per group, manages moderators and deletes the group; moderator: approves requests, invites, removes members; member.';
create type public.study_group_request_kind as enum ('request', 'invitation');
comment on type public.study_group_request_kind is 'request: a student asks to join a private group; invitation: a moderator invites a student.';
create type public.study_group_request_status as enum ('pending', 'accepted', 'declined');
comment on type public.study_group_request_status is 'pending until decided: a request by the group''s moderators, an invitation by the invitee.';

-- tables --------------------------------------------------------------------------------
create table public.study_groups (
  id uuid primary key default gen_random_uuid(),
  academy_id uuid not null references public.academies (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 120),
  description text not null default '' check (char_length(description) <= 2000),
  specialty text check (specialty is null or char_length(specialty) between 1 and 120),
  is_public boolean not null default true,
  member_limit integer not null default 10 check (member_limit between 2 and 500),
  owner_id uuid references auth.users (id) on delete set null,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  archived_at timestamptz
);
comment on table public.study_groups is
  'A study group of an academy. Its members read it; every member of the academy reads the groups that are not archived (to find and join them); teachers and admins read all. Written through RPCs only.';
comment on column public.study_groups.is_public is 'Public: any student of the academy joins. Private: by an approved request or an accepted invitation.';
comment on column public.study_groups.member_limit is 'At most this many members (2 to 500), held under concurrent joins.';
comment on column public.study_groups.owner_id is 'The current owner (moves to the longest-standing moderator or member when the owner leaves).';
comment on column public.study_groups.archived_at is 'Set when the last member left or the group was deleted: it has no members and its room is read-only.';

create table public.study_group_members (
  group_id uuid not null references public.study_groups (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.study_group_role not null default 'member',
  joined_at timestamptz not null default now(),
  left_at timestamptz,
  primary key (group_id, user_id)
);
comment on table public.study_group_members is
  'Who is in a group with their role; left_at set when they left or were removed (the row stays, active again if they rejoin). Members of the group read its active members; teachers and admins read all.';

create table public.study_group_requests (
  id uuid primary key default gen_random_uuid(),
  group_id uuid not null references public.study_groups (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  kind public.study_group_request_kind not null,
  status public.study_group_request_status not null default 'pending',
  invited_by uuid references auth.users (id) on delete set null,
  decided_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  constraint study_group_requests_invited_by_check check ((kind = 'invitation') = (invited_by is not null)),
  constraint study_group_requests_decided_check check ((status = 'pending') = (decided_at is null))
);
comment on table public.study_group_requests is
  'Join requests to private groups and invitations to groups. The student reads their own; the group''s owner and moderators and the academy''s teachers and admins read the group''s.';

alter table public.chat_rooms
  add constraint chat_rooms_study_group_id_fkey foreign key (study_group_id) references public.study_groups (id) on delete cascade;

-- indexes -------------------------------------------------------------------------------
create index study_groups_academy_id_idx on public.study_groups (academy_id, created_at desc) where archived_at is null;
create index study_groups_academy_id_all_idx on public.study_groups (academy_id);
create index study_groups_owner_id_idx on public.study_groups (owner_id);
create index study_groups_created_by_idx on public.study_groups (created_by);
create index study_groups_name_search_idx on public.study_groups using gin (to_tsvector('simple'::regconfig, name || ' ' || description));
create index study_group_members_active_idx on public.study_group_members (group_id, joined_at) where left_at is null;
create index study_group_members_user_id_idx on public.study_group_members (user_id, group_id) where left_at is null;
create index study_group_members_user_id_all_idx on public.study_group_members (user_id);
create unique index study_group_requests_pending_idx on public.study_group_requests (group_id, user_id) where status = 'pending';
create index study_group_requests_group_id_idx on public.study_group_requests (group_id, created_at desc);
create index study_group_requests_user_id_idx on public.study_group_requests (user_id);
create index study_group_requests_invited_by_idx on public.study_group_requests (invited_by);
create index study_group_requests_decided_by_idx on public.study_group_requests (decided_by);
create unique index chat_rooms_study_group_id_idx on public.chat_rooms (study_group_id);

-- triggers ------------------------------------------------------------------------------
create trigger touch_updated_at before update on public.study_groups
  for each row execute function private.touch_updated_at();

-- grants --------------------------------------------------------------------------------
grant select on public.study_groups, public.study_group_members, public.study_group_requests to authenticated;
grant all on public.study_groups, public.study_group_members, public.study_group_requests to service_role;

-- row level security --------------------------------------------------------------------
alter table public.study_groups enable row level security;
alter table public.study_group_members enable row level security;
alter table public.study_group_requests enable row level security;

-- functions used by policies --------------------------------------------------------------
create function private.group_access(p_user_id uuid)
returns table (group_id uuid, role public.study_group_role, is_member boolean, is_moderator boolean, is_staff boolean)
language sql
stable
security invoker
set search_path = ''
as $$
  -- Active members, while members of the group's academy. Teachers and admins moderate
  -- every group of their academy (their own role in it kept when they are members).
  select g.id, sm.role, sm.user_id is not null,
    coalesce(sm.role in ('owner', 'moderator'), false) or am.role in ('teacher', 'admin'),
    am.role in ('teacher', 'admin')
  from public.academy_members as am
  join public.study_groups as g on g.academy_id = am.academy_id
  left join public.study_group_members as sm on sm.group_id = g.id and sm.user_id = am.user_id and sm.left_at is null
  where am.user_id = p_user_id
    and (sm.user_id is not null or am.role in ('teacher', 'admin'));
$$;
comment on function private.group_access(uuid) is
  'The one group check: every group the user reads today as a member or as a teacher or admin of its academy, their role, and whether they moderate it. Invoker, not granted: only security definer functions call it.';

create function private.readable_group_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select a.group_id from private.group_access((select auth.uid())) as a;
$$;
comment on function private.readable_group_ids() is 'Groups the caller is a member of or oversees today. Security definer: policies use it and it reads memberships RLS hides.';

create function private.moderated_group_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select a.group_id from private.group_access((select auth.uid())) as a where a.is_moderator;
$$;
comment on function private.moderated_group_ids() is 'Groups the caller moderates today (owner, moderator, or teacher or admin of the academy). Security definer: policies use it.';

create function private.can_read_group_topic(p_topic text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select split_part(p_topic, ':', 3) = '' and exists (
    select 1 from private.group_access((select auth.uid())) as a
    where a.group_id = private.try_uuid(split_part(p_topic, ':', 2))
  );
$$;
comment on function private.can_read_group_topic(text) is
  'Who may read group:<id>: its current members and the teachers and admins of its academy. Security definer: the group check reads memberships.';

grant execute on function private.readable_group_ids(), private.moderated_group_ids(), private.can_read_group_topic(text)
  to authenticated, service_role;

-- policies ------------------------------------------------------------------------------
create policy study_groups_select_member on public.study_groups
  for select to authenticated
  using (
    (archived_at is null and academy_id in (select private.member_academy_ids()))
    or id in (select private.readable_group_ids())
  );
comment on policy study_groups_select_member on public.study_groups is
  'Members of the academy read its groups that are not archived; members and the academy''s teachers and admins read theirs, archived ones included.';

create policy study_group_members_select_member on public.study_group_members
  for select to authenticated
  using (
    group_id in (select private.readable_group_ids())
    and (left_at is null or group_id in (select private.moderated_group_ids()))
  );
comment on policy study_group_members_select_member on public.study_group_members is
  'A group''s current members read its active members; its moderators also read who left.';

create policy study_group_requests_select_involved on public.study_group_requests
  for select to authenticated
  using (
    (user_id = (select auth.uid()) and group_id in (
      select g.id from public.study_groups as g where g.academy_id in (select private.member_academy_ids())))
    or group_id in (select private.moderated_group_ids())
  );
comment on policy study_group_requests_select_involved on public.study_group_requests is
  'A student reads their own requests and invitations while a member of the academy; the group''s moderators read all of the group.';

-- types of RPC results ------------------------------------------------------------------
create type public.study_group_summary as (
  group_id uuid,
  academy_id uuid,
  name text,
  description text,
  specialty text,
  is_public boolean,
  member_limit integer,
  member_count integer,
  owner_id uuid,
  room_id uuid,
  created_at timestamptz,
  archived_at timestamptz,
  my_role public.study_group_role,
  can_moderate boolean,
  can_join boolean,
  can_request boolean,
  pending_kind public.study_group_request_kind
);
comment on type public.study_group_summary is
  'A group of list_study_groups: its settings, current member count, the caller''s role and rights (can_join: join_study_group would let them in now; can_request: request_study_group_join would ask), and their pending request or invitation.';

-- private helpers -------------------------------------------------------------------------
create function private.my_group(p_group_id uuid, p_for_update boolean default false)
returns table (grp public.study_groups, role public.study_group_role, is_member boolean, is_moderator boolean, is_staff boolean)
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  found_group public.study_groups;
begin
  if p_for_update then
    select * into found_group from public.study_groups as g where g.id = p_group_id for update;
  else
    select * into found_group from public.study_groups as g where g.id = p_group_id;
  end if;
  return query
  select found_group, a.role, a.is_member, a.is_moderator, a.is_staff
  from private.group_access((select auth.uid())) as a
  where a.group_id = p_group_id;
  if not found then
    -- Members of the academy see (and join) groups that are not archived.
    if found_group.id is not null and found_group.archived_at is null and private.is_academy_member(found_group.academy_id) then
      return query select found_group, null::public.study_group_role, false, false, false;
      return;
    end if;
    perform private.raise_http_error(404, 'group_not_found', format('Cannot find study group %s', p_group_id));
  end if;
end;
$$;
comment on function private.my_group(uuid, boolean) is
  'The group and the caller''s rights in it today, optionally locking its row (every change of membership does, so the member limit holds); 404 group_not_found when they may not see it.';

create function private.group_member_count(p_group_id uuid)
returns integer
language sql
stable
security invoker
set search_path = ''
as $$
  select count(*)::integer
  from public.study_group_members as m
  join public.study_groups as g on g.id = m.group_id
  join public.academy_members as am on am.academy_id = g.academy_id and am.user_id = m.user_id
  where m.group_id = p_group_id and m.left_at is null;
$$;
comment on function private.group_member_count(uuid) is 'Active members of a group who are still members of its academy.';

create function private.group_room(p_group_id uuid)
returns public.chat_rooms
language sql
stable
security invoker
set search_path = ''
as $$
  select r.* from public.chat_rooms as r where r.study_group_id = p_group_id;
$$;
comment on function private.group_room(uuid) is 'The chat room of a study group.';

create function private.publish_group_event(p_group public.study_groups, p_event text, p_payload jsonb)
returns void
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  room public.chat_rooms := private.group_room(p_group.id);
  payload jsonb := jsonb_build_object('group_id', p_group.id, 'room_id', room.id,
    'member_count', private.group_member_count(p_group.id)) || coalesce(p_payload, '{}'::jsonb);
begin
  perform private.publish_event('group:' || p_group.id, p_event, payload);
  if room.id is not null then
    perform private.publish_event('room:' || room.id, p_event, payload);
  end if;
end;
$$;
comment on function private.publish_group_event(public.study_groups, text, jsonb) is
  'Appends a study group event to group:<id> and to its room''s topic, with the group, room and current member count.';

create function private.add_group_member(p_group public.study_groups, p_user_id uuid, p_role public.study_group_role)
returns public.study_group_members
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  member public.study_group_members;
begin
  -- The caller holds the group's row lock: the count cannot change under it.
  if p_group.archived_at is not null then
    perform private.raise_http_error(409, 'group_archived', 'Cannot join study group: it is archived');
  end if;
  select * into member from public.study_group_members as m
  where m.group_id = p_group.id and m.user_id = p_user_id and m.left_at is null;
  if found then
    return member;
  end if;
  if private.group_member_count(p_group.id) >= p_group.member_limit then
    perform private.raise_http_error(409, 'group_full',
      format('Cannot join study group: it has reached its limit of %s members', p_group.member_limit));
  end if;
  insert into public.study_group_members as m (group_id, user_id, role)
  values (p_group.id, p_user_id, p_role)
  on conflict (group_id, user_id) do update set role = excluded.role, joined_at = pg_catalog.now(), left_at = null
  returning * into member;
  perform private.join_room_row(private.group_room(p_group.id), p_user_id,
    case when p_role = 'member' then 'member' else 'moderator' end::public.chat_member_role);
  -- A pending request or invitation of the new member is settled by their joining.
  update public.study_group_requests as q
  set status = 'accepted', decided_at = pg_catalog.now(), decided_by = coalesce(q.decided_by, (select auth.uid()))
  where q.group_id = p_group.id and q.user_id = p_user_id and q.status = 'pending';
  perform private.publish_group_event(p_group, 'study_group_member_joined',
    jsonb_build_object('user_id', p_user_id, 'role', member.role, 'joined_at', member.joined_at));
  return member;
end;
$$;
comment on function private.add_group_member(public.study_groups, uuid, public.study_group_role) is
  'Makes the user an active member (and a member of the room) unless the group is archived (409 group_archived) or full (409 group_full); study_group_member_joined. The caller must hold the group''s row lock.';

create function private.set_room_role(p_group_id uuid, p_user_id uuid, p_role public.study_group_role)
returns void
language sql
volatile
security invoker
set search_path = ''
as $$
  update public.chat_room_members as m
  set role = case when p_role = 'member' then 'member' else 'moderator' end::public.chat_member_role
  where m.room_id = (private.group_room(p_group_id)).id and m.user_id = p_user_id and m.left_at is null;
$$;
comment on function private.set_room_role(uuid, uuid, public.study_group_role) is 'Maps a group role onto the room: owner and moderators moderate it.';

create function private.remove_group_member(p_group public.study_groups, p_user_id uuid, p_reason text)
returns public.study_group_members
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  member public.study_group_members;
  room public.chat_rooms := private.group_room(p_group.id);
  heir public.study_group_members;
begin
  update public.study_group_members as m set left_at = pg_catalog.now()
  where m.group_id = p_group.id and m.user_id = p_user_id and m.left_at is null
  returning * into member;
  if not found then
    perform private.raise_http_error(404, 'member_not_found', format('Cannot find member %s in the study group', p_user_id));
  end if;
  update public.chat_room_members as m set left_at = pg_catalog.now()
  where m.room_id = room.id and m.user_id = p_user_id and m.left_at is null;
  perform private.publish_event('room:' || room.id, 'member_left',
    jsonb_build_object('room_id', room.id, 'user_id', p_user_id, 'left_at', member.left_at));

  if member.role = 'owner' then
    -- The longest-standing moderator, else the longest-standing member (still in the academy).
    select m.* into heir from public.study_group_members as m
    join public.academy_members as am on am.academy_id = p_group.academy_id and am.user_id = m.user_id
    where m.group_id = p_group.id and m.left_at is null
    order by m.role = 'moderator' desc, m.joined_at, m.user_id
    limit 1;
    if heir.user_id is not null then
      update public.study_group_members as m set role = 'owner'
      where m.group_id = p_group.id and m.user_id = heir.user_id;
      perform private.set_room_role(p_group.id, heir.user_id, 'owner');
    end if;
    update public.study_groups as g set owner_id = heir.user_id where g.id = p_group.id
    returning * into p_group;
  end if;

  perform private.publish_group_event(p_group, 'study_group_member_left',
    jsonb_build_object('user_id', p_user_id, 'left_at', member.left_at, 'reason', p_reason,
      'owner_id', p_group.owner_id));

  if private.group_member_count(p_group.id) = 0 and p_group.archived_at is null then
    update public.study_groups as g set archived_at = pg_catalog.now(), owner_id = null where g.id = p_group.id
    returning * into p_group;
    perform private.publish_group_event(p_group, 'study_group_deleted',
      jsonb_build_object('archived_at', p_group.archived_at, 'reason', 'last_member_left'));
  end if;
  return member;
end;
$$;
comment on function private.remove_group_member(public.study_groups, uuid, text) is
  'Ends a membership (and the room''s), hands an owner''s group to the longest-standing moderator or member, archives the group when nobody is left; study_group_member_left, then study_group_deleted when archived. The caller must hold the group''s row lock.';

create function private.assert_student_of(p_academy_id uuid, p_user_id uuid, p_action text)
returns void
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.academy_members as m
    where m.academy_id = p_academy_id and m.user_id = p_user_id and m.role = 'student'
  ) then
    perform private.raise_http_error(404, 'student_not_found', format('Cannot %s: %s is not a student of the academy', p_action, p_user_id));
  end if;
end;
$$;
comment on function private.assert_student_of(uuid, uuid, text) is 'Refuses (404 student_not_found) a user who is not a student of the academy today.';

-- functions: private bodies of the RPCs ------------------------------------------------------
create function private.create_study_group(
  p_academy_id uuid, p_name text, p_description text, p_specialty text, p_is_public boolean, p_member_limit integer
) returns public.study_groups
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  created public.study_groups;
begin
  if not private.is_academy_member(p_academy_id) then
    perform private.raise_http_error(404, 'academy_not_found', format('Cannot find academy %s', p_academy_id));
  end if;
  perform private.assert_argument(coalesce(char_length(btrim(p_name)), 0) between 1 and 120,
    'Cannot create study group: the name must have 1 to 120 characters', 'invalid_name');
  perform private.assert_argument(coalesce(char_length(p_description), 0) <= 2000,
    'Cannot create study group: the description may have at most 2000 characters', 'invalid_description');
  perform private.assert_argument(p_specialty is null or char_length(btrim(p_specialty)) between 1 and 120,
    'Cannot create study group: the specialty must have 1 to 120 characters', 'invalid_specialty');
  perform private.assert_argument(p_member_limit is not null and p_member_limit between 2 and 500,
    'Cannot create study group: the member limit must be 2 to 500', 'invalid_member_limit');

  insert into public.study_groups (academy_id, name, description, specialty, is_public, member_limit, owner_id, created_by)
  values (p_academy_id, btrim(p_name), coalesce(p_description, ''), nullif(btrim(p_specialty), ''),
    coalesce(p_is_public, true), p_member_limit, caller, caller)
  returning * into created;
  insert into public.chat_rooms (academy_id, kind, title, study_group_id, created_by)
  values (p_academy_id, 'study_group', left(created.name, 200), created.id, caller);
  perform private.add_group_member(created, caller, 'owner');
  return created;
end;
$$;
comment on function private.create_study_group(uuid, text, text, text, boolean, integer) is
  'A member of the academy creates a group, owns it, and gets its room (see public.create_study_group). Security definer: it writes groups, rooms and members.';

create function private.join_study_group(p_group_id uuid)
returns public.study_group_members
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  rights record;
begin
  select * into rights from private.my_group(p_group_id, true);
  if rights.is_member then
    return (select m from public.study_group_members as m where m.group_id = p_group_id and m.user_id = caller);
  end if;
  if (rights.grp).archived_at is not null then
    perform private.raise_http_error(409, 'group_archived', 'Cannot join study group: it is archived');
  end if;
  perform private.assert_student_of((rights.grp).academy_id, caller, 'join study group');
  if not (rights.grp).is_public and not exists (
    select 1 from public.study_group_requests as q
    where q.group_id = p_group_id and q.user_id = caller and q.kind = 'invitation' and q.status = 'pending'
  ) then
    perform private.raise_http_error(403, 'join_request_required',
      'Cannot join study group: it is private; ask to join (request_study_group_join) or be invited');
  end if;
  return private.add_group_member(rights.grp, caller, 'member');
end;
$$;
comment on function private.join_study_group(uuid) is
  'A student joins a public group, or a private one they are invited to (see public.join_study_group). Security definer: it locks the group and writes members.';

create function private.leave_study_group(p_group_id uuid)
returns public.study_group_members
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  rights record;
begin
  select * into rights from private.my_group(p_group_id, true);
  if not rights.is_member then
    perform private.raise_http_error(404, 'member_not_found', 'Cannot leave study group: you are not a member');
  end if;
  return private.remove_group_member(rights.grp, (select auth.uid()), 'left');
end;
$$;
comment on function private.leave_study_group(uuid) is 'The caller leaves a group (see public.leave_study_group). Security definer: it locks the group and writes members.';

create function private.remove_study_group_member(p_group_id uuid, p_user_id uuid)
returns public.study_group_members
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  rights record;
  target public.study_group_role;
begin
  select * into rights from private.my_group(p_group_id, true);
  if not rights.is_moderator then
    perform private.raise_http_error(403, 'moderator_required', 'Cannot remove member: only the group''s moderators remove members');
  end if;
  select m.role into target from public.study_group_members as m
  where m.group_id = p_group_id and m.user_id = p_user_id and m.left_at is null;
  -- Moderators remove members; the owner and the academy's staff also remove moderators;
  -- nobody removes the owner (who leaves, or whose group is deleted).
  if target = 'owner' or (target = 'moderator' and not (rights.is_staff or rights.role = 'owner')) then
    perform private.raise_http_error(403, 'owner_or_staff_required',
      format('Cannot remove member: a %s is removed only by the owner or the academy''s teachers and admins', target));
  end if;
  return private.remove_group_member(rights.grp, p_user_id, 'removed');
end;
$$;
comment on function private.remove_study_group_member(uuid, uuid) is 'A moderator removes a member (see public.remove_study_group_member). Security definer: it writes members.';

create function private.set_study_group_role(p_group_id uuid, p_user_id uuid, p_role public.study_group_role)
returns public.study_group_members
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  rights record;
  member public.study_group_members;
begin
  select * into rights from private.my_group(p_group_id, true);
  if not (rights.is_staff or rights.role = 'owner') then
    perform private.raise_http_error(403, 'owner_or_staff_required',
      'Cannot change a role: only the owner and the academy''s teachers and admins do');
  end if;
  if p_role is null or p_role = 'owner' then
    raise exception 'Cannot change a role: give moderator or member' using errcode = '22023', hint = 'invalid_role';
  end if;
  update public.study_group_members as m set role = p_role
  where m.group_id = p_group_id and m.user_id = p_user_id and m.left_at is null and m.role <> 'owner'
  returning * into member;
  if not found then
    perform private.raise_http_error(404, 'member_not_found', format('Cannot find member %s (not the owner) in the study group', p_user_id));
  end if;
  perform private.set_room_role(p_group_id, p_user_id, p_role);
  perform private.publish_group_event(rights.grp, 'study_group_member_updated',
    jsonb_build_object('user_id', p_user_id, 'role', p_role));
  return member;
end;
$$;
comment on function private.set_study_group_role(uuid, uuid, public.study_group_role) is 'The owner or staff make a member a moderator or back (see public.set_study_group_role). Security definer: it writes members.';

create function private.delete_study_group(p_group_id uuid)
returns public.study_groups
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  rights record;
  deleted public.study_groups;
  room public.chat_rooms;
begin
  select * into rights from private.my_group(p_group_id, true);
  if not (rights.is_staff or rights.role = 'owner') then
    perform private.raise_http_error(403, 'owner_or_staff_required',
      'Cannot delete study group: only its owner and the academy''s teachers and admins do');
  end if;
  if (rights.grp).archived_at is not null then
    return rights.grp;
  end if;
  room := private.group_room(p_group_id);
  update public.study_group_members as m set left_at = pg_catalog.now() where m.group_id = p_group_id and m.left_at is null;
  update public.chat_room_members as m set left_at = pg_catalog.now() where m.room_id = room.id and m.left_at is null;
  update public.study_group_requests as q set status = 'declined', decided_at = pg_catalog.now(), decided_by = (select auth.uid())
  where q.group_id = p_group_id and q.status = 'pending';
  update public.study_groups as g set archived_at = pg_catalog.now(), owner_id = null where g.id = p_group_id
  returning * into deleted;
  perform private.publish_group_event(deleted, 'study_group_deleted',
    jsonb_build_object('archived_at', deleted.archived_at, 'reason', 'deleted', 'deleted_by', (select auth.uid())));
  return deleted;
end;
$$;
comment on function private.delete_study_group(uuid) is
  'The owner or staff delete a group: every membership ends, pending requests are declined, the group is archived and its room read-only (see public.delete_study_group). Security definer: it writes groups and members.';

create function private.request_study_group_join(p_group_id uuid)
returns public.study_group_requests
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  rights record;
  request public.study_group_requests;
  requester text;
begin
  select * into rights from private.my_group(p_group_id, true);
  if rights.is_member then
    perform private.raise_http_error(409, 'already_member', 'Cannot ask to join: you are a member');
  end if;
  if (rights.grp).archived_at is not null then
    perform private.raise_http_error(409, 'group_archived', 'Cannot ask to join: the study group is archived');
  end if;
  perform private.assert_student_of((rights.grp).academy_id, caller, 'ask to join');
  if (rights.grp).is_public then
    perform private.raise_http_error(409, 'group_public', 'Cannot ask to join: the group is public; join it');
  end if;
  select * into request from public.study_group_requests as q
  where q.group_id = p_group_id and q.user_id = caller and q.status = 'pending';
  if found then
    return request;
  end if;
  insert into public.study_group_requests (group_id, user_id, kind)
  values (p_group_id, caller, 'request')
  returning * into request;
  -- The owner and moderators hear of it, batched per group.
  requester := coalesce((select p.display_name from public.profiles as p where p.id = caller), 'A student');
  perform private.notify_user_batched(m.user_id, 'study_group_requests:' || p_group_id, 'study_group_join_request',
    format('%s asks to join %s', requester, (rights.grp).name), '', 'normal',
    '/groups/' || p_group_id || '/requests',
    jsonb_build_object('group_id', p_group_id, 'request_id', request.id, 'user_id', caller), (rights.grp).academy_id)
  from public.study_group_members as m
  join public.academy_members as am on am.academy_id = (rights.grp).academy_id and am.user_id = m.user_id
  where m.group_id = p_group_id and m.left_at is null and m.role in ('owner', 'moderator')
  order by m.user_id;
  return request;
end;
$$;
comment on function private.request_study_group_join(uuid) is
  'A student asks to join a private group; its owner and moderators get a batched notification (see public.request_study_group_join). Security definer: it writes requests and others'' notifications.';

create function private.invite_to_study_group(p_group_id uuid, p_user_id uuid)
returns public.study_group_requests
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  rights record;
  invitation public.study_group_requests;
begin
  select * into rights from private.my_group(p_group_id, true);
  if not rights.is_moderator then
    perform private.raise_http_error(403, 'moderator_required', 'Cannot invite: only the group''s moderators invite');
  end if;
  if (rights.grp).archived_at is not null then
    perform private.raise_http_error(409, 'group_archived', 'Cannot invite: the study group is archived');
  end if;
  perform private.assert_student_of((rights.grp).academy_id, p_user_id, 'invite');
  if exists (select 1 from public.study_group_members as m where m.group_id = p_group_id and m.user_id = p_user_id and m.left_at is null) then
    perform private.raise_http_error(409, 'already_member', 'Cannot invite: the student is a member');
  end if;
  select * into invitation from public.study_group_requests as q
  where q.group_id = p_group_id and q.user_id = p_user_id and q.status = 'pending';
  if invitation.kind = 'request' then
    -- Inviting someone who asked is approving their request.
    perform private.add_group_member(rights.grp, p_user_id, 'member');
    select * into invitation from public.study_group_requests as q where q.id = invitation.id;
    return invitation;
  elsif invitation.id is not null then
    return invitation;
  end if;
  insert into public.study_group_requests (group_id, user_id, kind, invited_by)
  values (p_group_id, p_user_id, 'invitation', caller)
  returning * into invitation;
  perform private.notify_user(p_user_id, 'study_group_invitation', format('You are invited to %s', (rights.grp).name),
    (rights.grp).description, 'normal', '/groups/' || p_group_id,
    jsonb_build_object('group_id', p_group_id, 'request_id', invitation.id, 'invited_by', caller), (rights.grp).academy_id);
  return invitation;
end;
$$;
comment on function private.invite_to_study_group(uuid, uuid) is
  'A moderator invites a student (see public.invite_to_study_group). Security definer: it writes requests and the invitee''s notification.';

create function private.respond_to_study_group_request(p_request_id uuid, p_accept boolean)
returns public.study_group_requests
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  request public.study_group_requests;
  rights record;
begin
  select * into request from public.study_group_requests as q where q.id = p_request_id;
  if not found or (request.user_id <> caller and request.group_id not in (select private.moderated_group_ids())) then
    perform private.raise_http_error(404, 'request_not_found', format('Cannot find request %s', p_request_id));
  end if;
  select * into rights from private.my_group(request.group_id, true);
  -- Requests are decided by the group's moderators, invitations by the invitee.
  if (request.kind = 'request' and not rights.is_moderator) or (request.kind = 'invitation' and request.user_id <> caller) then
    perform private.raise_http_error(403, case when request.kind = 'request' then 'moderator_required' else 'invitee_required' end,
      format('Cannot decide the %s: it is the %s''s to decide', request.kind,
        case when request.kind = 'request' then 'group''s moderators' else 'invitee' end));
  end if;
  select * into request from public.study_group_requests as q where q.id = p_request_id for update;
  if request.status <> 'pending' then
    perform private.raise_http_error(409, 'request_decided', format('Cannot decide the %s: it was %s', request.kind, request.status));
  end if;
  if coalesce(p_accept, false) then
    perform private.assert_student_of((rights.grp).academy_id, request.user_id, 'accept');
    update public.study_group_requests as q set decided_by = caller where q.id = p_request_id;
    perform private.add_group_member(rights.grp, request.user_id, 'member');
  else
    update public.study_group_requests as q set status = 'declined', decided_at = pg_catalog.now(), decided_by = caller
    where q.id = p_request_id;
  end if;
  select * into request from public.study_group_requests as q where q.id = p_request_id;
  return request;
end;
$$;
comment on function private.respond_to_study_group_request(uuid, boolean) is
  'A moderator approves or declines a join request, an invitee accepts or declines an invitation (see public.respond_to_study_group_request). Security definer: it writes requests and members.';

create function private.list_study_groups(
  p_academy_id uuid, p_specialty text, p_query text, p_limit integer, p_offset integer
) returns setof public.study_group_summary
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  academy uuid := private.leaderboard_academy(p_academy_id);
  my_academy_role public.academy_role;
begin
  perform private.assert_argument(p_limit is not null and p_limit between 1 and 100,
    'Cannot list study groups: limit must be 1 to 100', 'invalid_limit');
  perform private.assert_argument(p_offset is not null and p_offset between 0 and 100000,
    'Cannot list study groups: offset must be 0 to 100000', 'invalid_offset');
  perform private.assert_argument(p_query is null or char_length(btrim(p_query)) between 1 and 200,
    'Cannot list study groups: the query must have 1 to 200 characters', 'invalid_query');
  select m.role into my_academy_role from public.academy_members as m where m.academy_id = academy and m.user_id = caller;
  return query
  select g.id, g.academy_id, g.name, g.description, g.specialty, g.is_public, g.member_limit,
    count_.n, g.owner_id, room.id, g.created_at, g.archived_at, mine.role,
    a.is_moderator is true,
    g.archived_at is null and mine.role is null and my_academy_role = 'student' and count_.n < g.member_limit
      and (g.is_public or pending.kind is not distinct from 'invitation'),
    g.archived_at is null and mine.role is null and my_academy_role = 'student' and not g.is_public and pending.kind is null,
    pending.kind
  from public.study_groups as g
  left join private.group_access(caller) as a on a.group_id = g.id
  left join public.study_group_members as mine on mine.group_id = g.id and mine.user_id = caller and mine.left_at is null
  left join public.chat_rooms as room on room.study_group_id = g.id
  left join public.study_group_requests as pending on pending.group_id = g.id and pending.user_id = caller and pending.status = 'pending'
  cross join lateral (select private.group_member_count(g.id) as n) as count_
  where g.academy_id = academy
    and (g.archived_at is null or a.group_id is not null)
    and (p_specialty is null or lower(g.specialty) = lower(btrim(p_specialty)))
    and (p_query is null
      or g.name ilike '%' || replace(replace(replace(btrim(p_query), '\', '\\'), '%', '\%'), '_', '\_') || '%'
      or to_tsvector('simple'::regconfig, g.name || ' ' || g.description) @@ pg_catalog.websearch_to_tsquery('simple'::regconfig, p_query))
  order by (mine.role is not null) desc, g.archived_at is not null, count_.n desc, g.created_at desc, g.id
  limit p_limit offset p_offset;
end;
$$;
comment on function private.list_study_groups(uuid, text, text, integer, integer) is
  'The academy''s groups with counts and the caller''s rights (see public.list_study_groups). Security definer: one query over memberships RLS would check row by row.';

-- functions: public RPCs ------------------------------------------------------------------
create function public.create_study_group(
  p_academy_id uuid, p_name text, p_description text default '', p_specialty text default null,
  p_is_public boolean default true, p_member_limit integer default 10
) returns public.study_groups
language sql volatile security invoker set search_path = ''
as $$ select * from private.create_study_group(p_academy_id, p_name, p_description, p_specialty, p_is_public, p_member_limit); $$;
comment on function public.create_study_group(uuid, text, text, text, boolean, integer) is
  'Members of the academy: creates a study group (public unless p_is_public is false; member limit 2 to 500, default 10) you own, with its study_group chat room; study_group_member_joined. 400 invalid_name, invalid_description, invalid_specialty, invalid_member_limit; 404 academy_not_found.';

create function public.join_study_group(p_group_id uuid)
returns public.study_group_members
language sql volatile security invoker set search_path = ''
as $$ select * from private.join_study_group(p_group_id); $$;
comment on function public.join_study_group(uuid) is
  'Students of the academy: joins a public group, or a private one you are invited to (accepting the invitation); a member gets their row back unchanged; study_group_member_joined. 403 join_request_required (private), 404 group_not_found, student_not_found; 409 group_full, group_archived.';

create function public.leave_study_group(p_group_id uuid)
returns public.study_group_members
language sql volatile security invoker set search_path = ''
as $$ select * from private.leave_study_group(p_group_id); $$;
comment on function public.leave_study_group(uuid) is
  'Leaves a group and its room; an owner''s leaving hands ownership to the longest-standing moderator, else member; the last member''s leaving archives the group. study_group_member_left (then study_group_deleted). 404 group_not_found, member_not_found.';

create function public.remove_study_group_member(p_group_id uuid, p_user_id uuid)
returns public.study_group_members
language sql volatile security invoker set search_path = ''
as $$ select * from private.remove_study_group_member(p_group_id, p_user_id); $$;
comment on function public.remove_study_group_member(uuid, uuid) is
  'Moderators (owner, moderators, the academy''s teachers and admins): removes a member; moderators only by the owner or staff, the owner by nobody. study_group_member_left. 403 moderator_required, owner_or_staff_required; 404 group_not_found, member_not_found.';

create function public.set_study_group_role(p_group_id uuid, p_user_id uuid, p_role public.study_group_role)
returns public.study_group_members
language sql volatile security invoker set search_path = ''
as $$ select * from private.set_study_group_role(p_group_id, p_user_id, p_role); $$;
comment on function public.set_study_group_role(uuid, uuid, public.study_group_role) is
  'The owner, teachers and admins: makes a member a moderator (a moderator of the room too) or a member again; study_group_member_updated. 400 invalid_role; 403 owner_or_staff_required; 404 group_not_found, member_not_found.';

create function public.delete_study_group(p_group_id uuid)
returns public.study_groups
language sql volatile security invoker set search_path = ''
as $$ select * from private.delete_study_group(p_group_id); $$;
comment on function public.delete_study_group(uuid) is
  'The owner, teachers and admins: ends every membership, declines pending requests and archives the group (its room read-only); study_group_deleted. 403 owner_or_staff_required; 404 group_not_found.';

create function public.request_study_group_join(p_group_id uuid)
returns public.study_group_requests
language sql volatile security invoker set search_path = ''
as $$ select * from private.request_study_group_join(p_group_id); $$;
comment on function public.request_study_group_join(uuid) is
  'Students: asks to join a private group (a pending request comes back as is); its owner and moderators get a study_group_join_request notification, batched per group over 10 minutes. 404 group_not_found, student_not_found; 409 already_member, group_public, group_archived.';

create function public.invite_to_study_group(p_group_id uuid, p_user_id uuid)
returns public.study_group_requests
language sql volatile security invoker set search_path = ''
as $$ select * from private.invite_to_study_group(p_group_id, p_user_id); $$;
comment on function public.invite_to_study_group(uuid, uuid) is
  'Moderators: invites a student of the academy (a study_group_invitation notification); inviting a student who asked approves the request. 403 moderator_required; 404 group_not_found, student_not_found; 409 already_member, group_archived, group_full.';

create function public.respond_to_study_group_request(p_request_id uuid, p_accept boolean)
returns public.study_group_requests
language sql volatile security invoker set search_path = ''
as $$ select * from private.respond_to_study_group_request(p_request_id, p_accept); $$;
comment on function public.respond_to_study_group_request(uuid, boolean) is
  'Moderators approve or decline a join request; the invitee accepts or declines an invitation. Accepting adds the member (study_group_member_joined). 403 moderator_required, invitee_required; 404 request_not_found; 409 request_decided, group_full, group_archived.';

create function public.list_study_groups(
  p_academy_id uuid default null, p_specialty text default null, p_query text default null,
  p_limit integer default 50, p_offset integer default 0
) returns setof public.study_group_summary
language sql stable security invoker set search_path = ''
as $$ select * from private.list_study_groups(p_academy_id, p_specialty, p_query, p_limit, p_offset); $$;
comment on function public.list_study_groups(uuid, text, text, integer, integer) is
  'Groups of your academy (p_academy_id, or your only one) that are not archived (staff and members also see archived ones they oversee), filtered by specialty (any case) and a search of name and description, with member counts, your role, can_join and can_request; your groups first, then by size. 400 invalid_limit, invalid_offset, invalid_query; 404 academy_not_found.';

grant execute on function
  private.create_study_group(uuid, text, text, text, boolean, integer), private.join_study_group(uuid),
  private.leave_study_group(uuid), private.remove_study_group_member(uuid, uuid),
  private.set_study_group_role(uuid, uuid, public.study_group_role), private.delete_study_group(uuid),
  private.request_study_group_join(uuid), private.invite_to_study_group(uuid, uuid),
  private.respond_to_study_group_request(uuid, boolean), private.list_study_groups(uuid, text, text, integer, integer)
  to authenticated;
grant execute on function
  public.create_study_group(uuid, text, text, text, boolean, integer), public.join_study_group(uuid),
  public.leave_study_group(uuid), public.remove_study_group_member(uuid, uuid),
  public.set_study_group_role(uuid, uuid, public.study_group_role), public.delete_study_group(uuid),
  public.request_study_group_join(uuid), public.invite_to_study_group(uuid, uuid),
  public.respond_to_study_group_request(uuid, boolean), public.list_study_groups(uuid, text, text, integer, integer)
  to authenticated;

-- rooms follow their groups -------------------------------------------------------------------
-- The body of 20261201200000 (not redefined since) with two changes to the study group
-- branch: posting ends when the group is archived, and the academy's teachers and admins
-- read and moderate every study group room of it (as they do the group).
create or replace function private.room_access(p_user_id uuid)
returns table (room_id uuid, kind public.chat_room_kind, is_moderator boolean, can_post boolean)
language sql
stable
security invoker
set search_path = ''
as $$
  -- Mentor and study group rooms: an active member row, in an academy the user belongs to today.
  select r.id, r.kind, m.role = 'moderator' or (r.kind = 'study_group' and am.role in ('teacher', 'admin')),
    r.kind <> 'study_group' or g.archived_at is null
  from public.chat_room_members as m
  join public.chat_rooms as r on r.id = m.room_id and r.kind in ('mentor', 'study_group')
  join public.academy_members as am on am.academy_id = r.academy_id and am.user_id = m.user_id
  left join public.study_groups as g on g.id = r.study_group_id
  where m.user_id = p_user_id and m.left_at is null
  union all
  -- Study group rooms, the academy's teachers and admins who are not members: they moderate.
  select r.id, r.kind, true, g.archived_at is null
  from public.academy_members as am
  join public.chat_rooms as r on r.academy_id = am.academy_id and r.kind = 'study_group'
  join public.study_groups as g on g.id = r.study_group_id
  where am.user_id = p_user_id and am.role in ('teacher', 'admin')
    and not exists (select 1 from public.chat_room_members as m where m.room_id = r.id and m.user_id = p_user_id and m.left_at is null)
  union all
  -- Academy rooms: every member reads, teachers and admins post, admins moderate.
  select r.id, r.kind, am.role = 'admin', am.role in ('teacher', 'admin')
  from public.academy_members as am
  join public.chat_rooms as r on r.academy_id = am.academy_id and r.kind = 'academy'
  where am.user_id = p_user_id
  union all
  -- Proctoring rooms, proctors: who runs the session today, as private.taught_session_ids
  -- says (the academy's admins; its teachers who own or co-teach the session).
  select r.id, r.kind, true, s.status <> 'ended'
  from public.academy_members as am
  join public.exam_sessions as s on s.academy_id = am.academy_id
  join public.chat_rooms as r on r.session_id = s.id
  where am.user_id = p_user_id
    and (am.role = 'admin' or (am.role = 'teacher' and (s.owner_id = am.user_id
      or exists (select 1 from public.exam_session_teachers as t where t.session_id = s.id and t.user_id = am.user_id))))
  union all
  -- Proctoring rooms, students: participants of the session while members of its academy;
  -- posting ends when they are removed or banned or the session ends.
  select r.id, r.kind, false, s.status <> 'ended' and p.status not in ('removed', 'banned')
  from public.exam_session_participants as p
  join public.exam_sessions as s on s.id = p.session_id
  join public.academy_members as am on am.academy_id = s.academy_id and am.user_id = p.user_id
  join public.chat_rooms as r on r.session_id = s.id
  where p.user_id = p_user_id
    and not (am.role = 'admin' or (am.role = 'teacher' and (s.owner_id = am.user_id
      or exists (select 1 from public.exam_session_teachers as t where t.session_id = s.id and t.user_id = am.user_id))));
$$;
comment on function private.room_access(uuid) is
  'The one room check: every room the user may read today, whether they moderate it and whether they may post (not in the room of an archived study group). Invoker, not granted: only security definer functions call it.';

-- The body of 20261201200000 (not redefined since); the room of a study group takes its
-- members from the group, so here only mentor rooms and study group rooms without a group.
create or replace function private.add_room_members(p_room_id uuid, p_user_ids uuid[])
returns setof public.chat_room_members
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  rights record;
  target uuid;
  target_role public.academy_role;
begin
  select * into rights from private.my_room(p_room_id);
  if not ((rights.room).kind = 'mentor' or ((rights.room).kind = 'study_group' and (rights.room).study_group_id is null)) then
    perform private.raise_http_error(409, 'room_membership_managed',
      'Cannot add members: academy, proctoring and study group rooms follow the academy, the session and the group');
  end if;
  if not rights.is_moderator then
    perform private.raise_http_error(403, 'moderator_required', 'Cannot add members: only the room''s moderators add members');
  end if;
  foreach target in array coalesce(p_user_ids, '{}') loop
    select m.role into target_role from public.academy_members as m
    where m.academy_id = (rights.room).academy_id and m.user_id = target;
    if target_role is null or ((rights.room).kind = 'mentor' and target_role = 'student') then
      perform private.raise_http_error(404, 'member_not_found',
        format('Cannot add %s: not a member of the academy%s', target,
          case when (rights.room).kind = 'mentor' then ' who teaches' else '' end));
    end if;
    return next private.join_room_row(rights.room, target,
      case when (rights.room).kind = 'mentor' then 'moderator' else 'member' end::public.chat_member_role);
  end loop;
end;
$$;
comment on function private.add_room_members(uuid, uuid[]) is
  'Moderators of a mentor room add teachers (as moderators), of a study group room without a group members of the academy; a study group''s room takes its members from the group. Security definer: it writes members.';

-- The body of 20261201200000 (not redefined since); leaving the room of a study group is
-- leaving the group (leave_study_group), so here only mentor rooms and group-less ones.
create or replace function private.leave_room(p_room_id uuid, p_user_id uuid)
returns public.chat_room_members
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  rights record;
  member public.chat_room_members;
begin
  select * into rights from private.my_room(p_room_id);
  if not ((rights.room).kind = 'mentor' or ((rights.room).kind = 'study_group' and (rights.room).study_group_id is null)) then
    perform private.raise_http_error(409, 'room_membership_managed',
      'Cannot leave room: academy, proctoring and study group rooms follow the academy, the session and the group');
  end if;
  if p_user_id <> (select auth.uid()) and not rights.is_moderator then
    perform private.raise_http_error(403, 'moderator_required', 'Cannot remove member: only the room''s moderators remove members');
  end if;
  update public.chat_room_members as m set left_at = pg_catalog.now()
  where m.room_id = p_room_id and m.user_id = p_user_id and m.left_at is null
  returning * into member;
  if not found then
    perform private.raise_http_error(404, 'member_not_found', format('Cannot find member %s in the room', p_user_id));
  end if;
  perform private.publish_room_event(rights.room, 'member_left',
    jsonb_build_object('room_id', p_room_id, 'user_id', p_user_id, 'left_at', member.left_at), null, false);
  return member;
end;
$$;
comment on function private.leave_room(uuid, uuid) is
  'A member leaves a mentor room (or a study group room without a group), or a moderator removes one; the room hears member_left. A study group''s room follows the group (leave_study_group). Security definer: it writes members.';

comment on function public.add_room_members(uuid, uuid[]) is
  'Moderators: adds teachers to a mentor room (as moderators); member_joined each. A study group''s room takes its members from the group. 403 moderator_required, 404 member_not_found, 409 room_membership_managed (academy and proctoring rooms, and the rooms of study groups).';
comment on function public.leave_room(uuid) is 'Leaves a mentor room (member_left). 409 room_membership_managed for academy and proctoring rooms and the rooms of study groups (leave_study_group).';
comment on function public.remove_room_member(uuid, uuid) is 'Moderators: removes a member from a mentor room (member_left). 403 moderator_required; 409 room_membership_managed for the rooms of study groups (remove_study_group_member).';

-- the group topic -------------------------------------------------------------------------------
-- The body of 20261201410000 (the latest) with the group branch added.
create or replace function private.can_read_topic(p_topic text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select case split_part(p_topic, ':', 1)
    when 'attempt' then coalesce(private.can_read_attempt(private.try_uuid(substr(p_topic, 9))), false)
    when 'session' then coalesce(private.is_session_teacher(private.try_uuid(substr(p_topic, 9))), false)
    when 'user' then substr(p_topic, 6) = (select auth.uid())::text
    when 'leaderboard' then coalesce(private.is_academy_member(private.try_uuid(substr(p_topic, 13))), false)
    when 'room' then private.can_read_room_topic(p_topic)
    when 'group' then private.can_read_group_topic(p_topic)
    else false
  end;
$$;
comment on function private.can_read_topic(text) is
  'The one topic check: who may read an outbox topic, join its private Realtime channel or open its SSE stream (attempt, session, user, room, leaderboard:<academy_id> for the academy''s members, group:<id> for the group''s members and the academy''s teachers and admins). Security definer: it reads rows the caller''s RLS may hide.';
