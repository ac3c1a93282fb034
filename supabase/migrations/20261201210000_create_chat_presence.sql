-- Online status and typing for chat, on both real-time paths. Online status lives in
-- Postgres (no instance keeps it in memory): a client's heartbeat (`update_presence`) and
-- every open SSE stream of a room topic refresh `last_seen_at`; a user not seen for 60 s
-- reads as offline at once and is turned offline (with an event) by a minute job. Each
-- change of status emits `user_status_changed` to the rooms the user is in.
--
-- Typing stores nothing: `send_typing` checks the room, allows one signal per user per
-- room per 2 s (a counter in private.rate_limits, shared by every instance) and sends a
-- notification on channel `examsync_ephemeral` that the SSE hubs fan out as an event
-- without an id (never replayed). Hosted, clients may instead broadcast `typing` on the
-- private Realtime channel, which the chat migration's policy on realtime.messages allows.

-- types ---------------------------------------------------------------------------------
create type public.presence_status as enum ('online', 'away', 'offline');
comment on type public.presence_status is 'online: active now; away: connected but idle; offline: gone (or not seen for 60 s).';

-- tables --------------------------------------------------------------------------------
create table public.user_presence (
  user_id uuid primary key references auth.users (id) on delete cascade,
  status public.presence_status not null default 'offline',
  last_seen_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.user_presence is
  'Each user''s online status, refreshed by heartbeats and open streams. Read by fellow academy members; written by update_presence and the expiry job only. A row not seen for 60 s means offline whatever its status says.';

-- indexes -------------------------------------------------------------------------------
create index user_presence_stale_idx on public.user_presence (last_seen_at) where status <> 'offline';

-- grants --------------------------------------------------------------------------------
grant select on public.user_presence to authenticated;
grant all on public.user_presence to service_role;

-- row level security --------------------------------------------------------------------
alter table public.user_presence enable row level security;

-- policies ------------------------------------------------------------------------------
create policy user_presence_select_fellow on public.user_presence
  for select to authenticated
  using (user_id = (select auth.uid()) or user_id in (select private.fellow_member_ids()));
comment on policy user_presence_select_fellow on public.user_presence is 'A user reads their own status and those of members of their academies.';

-- types of RPC results ------------------------------------------------------------------
create type public.chat_room_member_status as (
  user_id uuid,
  display_name text,
  avatar_url text,
  role public.chat_member_role,
  joined_at timestamptz,
  last_read_message_id bigint,
  status public.presence_status,
  last_seen_at timestamptz
);
comment on type public.chat_room_member_status is 'A member of get_room_members: profile, role in the room, read pointer and online status now.';

-- functions -----------------------------------------------------------------------------
create function private.presence_window()
returns interval
language sql
immutable
security invoker
set search_path = ''
as $$ select interval '60 seconds'; $$;
comment on function private.presence_window() is 'How long a heartbeat keeps a user online or away.';

create function private.effective_status(p_presence public.user_presence)
returns public.presence_status
language sql
stable
security invoker
set search_path = ''
as $$
  select case
    when p_presence.user_id is null or p_presence.last_seen_at < pg_catalog.now() - private.presence_window()
      then 'offline'::public.presence_status
    else p_presence.status
  end;
$$;
comment on function private.effective_status(public.user_presence) is 'The status a presence row means now: offline once not seen for the presence window.';

create function private.announce_status(p_user_id uuid, p_status public.presence_status, p_last_seen_at timestamptz)
returns void
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.publish_event('room:' || a.room_id, 'user_status_changed',
    jsonb_build_object('room_id', a.room_id, 'user_id', p_user_id, 'status', p_status, 'last_seen_at', p_last_seen_at))
  from private.room_access(p_user_id) as a
  order by a.room_id;
$$;
comment on function private.announce_status(uuid, public.presence_status, timestamptz) is
  'user_status_changed on room:<id> of every room the user may read today (in a proctoring room, the proctors'' topic).';

create function private.update_presence(p_status public.presence_status)
returns public.user_presence
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  before public.user_presence;
  after public.user_presence;
begin
  if caller is null then
    raise exception 'Cannot update presence: sign in first' using errcode = '42501', hint = 'user_required';
  end if;
  if p_status is null then
    raise exception 'Cannot update presence: status is required' using errcode = '22023', hint = 'invalid_status';
  end if;
  select * into before from public.user_presence as p where p.user_id = caller for update;
  -- A heartbeat that changes nothing within 10 s of the last one writes nothing.
  if before.user_id is not null and before.status = p_status and p_status <> 'offline'
    and before.last_seen_at > pg_catalog.now() - interval '10 seconds'
  then
    return before;
  end if;
  insert into public.user_presence as p (user_id, status, last_seen_at, updated_at)
  values (caller, p_status, pg_catalog.now(), pg_catalog.now())
  on conflict (user_id) do update
    set status = excluded.status, last_seen_at = excluded.last_seen_at,
        updated_at = case when p.status = excluded.status then p.updated_at else excluded.updated_at end
  returning * into after;
  if private.effective_status(before) <> p_status then
    perform private.announce_status(caller, p_status, after.last_seen_at);
  end if;
  return after;
end;
$$;
comment on function private.update_presence(public.presence_status) is
  'Records a heartbeat of the caller and, when their status changes, tells their rooms. Security definer: it writes presence and the outbox. The attempt-events function calls it (as the user) for open room streams.';

create function private.expire_presence()
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  stale public.user_presence;
  expired integer := 0;
begin
  for stale in
    update public.user_presence as p set status = 'offline', updated_at = pg_catalog.now()
    where p.status <> 'offline' and p.last_seen_at < pg_catalog.now() - private.presence_window()
    returning p.*
  loop
    perform private.announce_status(stale.user_id, 'offline', stale.last_seen_at);
    expired := expired + 1;
  end loop;
  return expired;
end;
$$;
comment on function private.expire_presence() is
  'Turns users not seen for the presence window offline and tells their rooms; returns how many. Run every minute by pg_cron.';

create function private.send_typing(p_room_id uuid)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  rights record;
  taken record;
begin
  select * into rights from private.my_room(p_room_id);
  if not rights.can_post then
    perform private.raise_http_error(403, 'room_read_only', 'Cannot send typing: you may not post in this room');
  end if;
  select * into taken from private.take_rate_limit('chat-typing:' || p_room_id || ':' || caller, 1, 2);
  if not taken.allowed then
    return false;
  end if;
  -- Ephemeral: a notification only, delivered at commit, never stored or replayed. In a
  -- proctoring room it goes to the proctors' topic only.
  perform pg_catalog.pg_notify('examsync_ephemeral', json_build_object(
    'topic', 'room:' || p_room_id,
    'event', 'typing',
    'payload', json_build_object('room_id', p_room_id, 'user_id', caller,
      'display_name', (select p.display_name from public.profiles as p where p.id = caller),
      'at', pg_catalog.clock_timestamp())
  )::text);
  return true;
end;
$$;
comment on function private.send_typing(uuid) is
  'Tells the room''s SSE streams the caller is typing (see public.send_typing). Security definer: it takes from the rate-limit counters.';

create function private.get_room_members(p_room_id uuid)
returns setof public.chat_room_member_status
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  rights record;
  caller uuid := (select auth.uid());
begin
  select * into rights from private.my_room(p_room_id);
  return query
  select m.user_id, pr.display_name, pr.avatar_url, m.role, m.joined_at, m.last_read_message_id,
    private.effective_status(up), up.last_seen_at
  from public.chat_room_members as m
  join public.academy_members as am on am.academy_id = (rights.room).academy_id and am.user_id = m.user_id
  left join public.profiles as pr on pr.id = m.user_id
  left join public.user_presence as up on up.user_id = m.user_id
  where m.room_id = p_room_id and m.left_at is null
    -- A proctoring room's students see only the proctors and themselves.
    and ((rights.room).kind <> 'proctoring' or rights.is_moderator or m.user_id = caller or m.role = 'moderator')
    -- Students of a proctoring room are members while in its session.
    and ((rights.room).kind <> 'proctoring' or m.role = 'moderator' or exists (
      select 1 from public.exam_session_participants as sp
      where sp.session_id = (rights.room).session_id and sp.user_id = m.user_id))
  order by m.role desc, pr.display_name, m.user_id;
end;
$$;
comment on function private.get_room_members(uuid) is 'The members of a room with their status (see public.get_room_members). Security definer: it reads members and presence of the room.';

create function public.update_presence(p_status public.presence_status default 'online')
returns public.user_presence
language sql volatile security invoker set search_path = ''
as $$ select * from private.update_presence(p_status); $$;
comment on function public.update_presence(public.presence_status) is
  'Heartbeat: you are online (or away, or offline when you leave). Send one every 30 s or less; after 60 s without one you read as offline. Emits user_status_changed to your rooms when your status changes.';

create function public.send_typing(p_room_id uuid)
returns boolean
language sql volatile security invoker set search_path = ''
as $$ select private.send_typing(p_room_id); $$;
comment on function public.send_typing(uuid) is
  'You are typing in a room: an ephemeral typing event (no id, never stored or replayed) on the room''s SSE streams. At most one per user per room per 2 s: false when this one was dropped. 403 room_read_only, 404 room_not_found.';

create function public.get_room_members(p_room_id uuid)
returns setof public.chat_room_member_status
language sql stable security invoker set search_path = ''
as $$ select * from private.get_room_members(p_room_id); $$;
comment on function public.get_room_members(uuid) is
  'The room''s current members with role, read pointer and who is online, away or offline; a student of a proctoring room sees the proctors and themselves. 404 room_not_found.';

grant execute on function private.update_presence(public.presence_status), private.send_typing(uuid),
  private.get_room_members(uuid)
  to authenticated;
grant execute on function public.update_presence(public.presence_status), public.send_typing(uuid),
  public.get_room_members(uuid)
  to authenticated;

-- jobs ----------------------------------------------------------------------------------
select cron.schedule('examsync-expire-presence', '* * * * *', 'select private.expire_presence()');
