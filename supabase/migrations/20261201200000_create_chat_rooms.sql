-- Chat rooms inside an academy: mentor rooms (a student and teachers), study group rooms
-- (ready for study groups), proctoring rooms (one per live exam session) and academy
-- rooms (announcements: teachers and admins post). Members carry a role in the room and a
-- read pointer (`last_read_message_id`, Matrix's and Mattermost's per-member pointer, not
-- a row per message per reader). Messages are plain text sent through `send_message`,
-- idempotent by the client's id and limited to 60 a minute per user; the author edits
-- and deletes (a tombstone stays), moderators delete. Attachments are Storage objects
-- under `rooms/<room id>/<user id>/` of the private bucket `chat-attachments`.
--
-- Rights come from current membership, never from rows that merely name a user:
-- `private.room_access(user)` is the one place that says who reads, posts and moderates
-- which room today (the academy membership and role, the room membership, the session
-- taught or joined). Leaving the academy ends every room of it at once.
--
-- Events go to the outbox topic `room:<id>`. In a proctoring room that topic is for the
-- proctors only; each student has `room:<id>:<student id>`, which carries their own
-- messages, the proctors' replies to them and the proctors' messages to everyone, so no
-- event carries a student's text to another student. `private.can_read_topic` learns both.

-- types ---------------------------------------------------------------------------------
create type public.chat_room_kind as enum ('mentor', 'study_group', 'proctoring', 'academy');
comment on type public.chat_room_kind is
  'mentor: a student and teachers; study_group: a study group''s room; proctoring: one per live exam session; academy: announcements, teachers and admins post.';
create type public.chat_member_role as enum ('member', 'moderator');
comment on type public.chat_member_role is 'member: reads and posts; moderator: also deletes any message and manages members.';

create type public.chat_attachment as (
  object_path text,
  name text,
  size_bytes bigint,
  mime_type text
);
comment on type public.chat_attachment is
  'An uploaded Storage object of bucket chat-attachments (object_path rooms/<room id>/<your user id>/<file>), its file name, size (at most 25 MB) and mime type.';

-- tables --------------------------------------------------------------------------------
create table public.chat_rooms (
  id uuid primary key default gen_random_uuid(),
  academy_id uuid not null references public.academies (id) on delete cascade,
  kind public.chat_room_kind not null,
  title text not null check (char_length(title) between 1 and 200),
  session_id uuid references public.exam_sessions (id) on delete cascade,
  mentor_id uuid references auth.users (id) on delete cascade,
  study_group_id uuid,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint chat_rooms_session_id_check check ((kind = 'proctoring') = (session_id is not null)),
  constraint chat_rooms_mentor_id_check check ((kind = 'mentor') = (mentor_id is not null))
);
comment on table public.chat_rooms is
  'A chat room of an academy. Read by who may read it today (private.room_access); created and changed through RPCs only.';
comment on column public.chat_rooms.session_id is 'The live exam session of a proctoring room (one room per session).';
comment on column public.chat_rooms.mentor_id is 'The teacher a student opened a mentor room with (one room per student and teacher).';
comment on column public.chat_rooms.study_group_id is 'The study group of a study_group room (study groups come with their own migration).';

create table public.chat_room_members (
  room_id uuid not null references public.chat_rooms (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.chat_member_role not null default 'member',
  joined_at timestamptz not null default now(),
  left_at timestamptz,
  last_read_message_id bigint not null default 0 check (last_read_message_id >= 0),
  primary key (room_id, user_id)
);
comment on table public.chat_room_members is
  'Who is in a room, with their role, join and leave times and read pointer. Mentor and study group rooms admit by this row; academy and proctoring rooms follow the academy and the session, and the row (made on first join, read or post) holds the pointer.';
comment on column public.chat_room_members.last_read_message_id is
  'Read up to and including this message id: moves forward only (mark_room_read, and posting counts as reading).';

create table public.chat_messages (
  id bigint generated always as identity primary key,
  room_id uuid not null references public.chat_rooms (id) on delete cascade,
  author_id uuid references auth.users (id) on delete set null,
  client_msg_id uuid not null,
  body text check (body is null or char_length(body) between 1 and 4000),
  reply_to_id bigint references public.chat_messages (id) on delete set null,
  thread_user_id uuid references auth.users (id) on delete cascade,
  attachment_path text,
  attachment_name text,
  attachment_size bigint check (attachment_size is null or attachment_size between 0 and 26214400),
  attachment_mime text,
  created_at timestamptz not null default now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  deleted_by uuid references auth.users (id) on delete set null,
  constraint chat_messages_attachment_check check (
    (attachment_path is null) = (attachment_name is null)
    and (attachment_path is null) = (attachment_size is null)
    and (attachment_path is null) = (attachment_mime is null)),
  constraint chat_messages_tombstone_check check (deleted_at is null or (body is null and attachment_path is null))
);
comment on table public.chat_messages is
  'Messages of a room, plain text stored as sent (render as text, never as HTML). A deleted message keeps its row as a tombstone (body and attachment gone, deleted_at set). Written through RPCs only.';
comment on column public.chat_messages.client_msg_id is 'The sending client''s id: sending it again returns the first message and writes nothing.';
comment on column public.chat_messages.thread_user_id is
  'Proctoring rooms: the student the message belongs to (their question or a proctor''s reply to them); null for a proctor''s message to everyone, and in every other kind of room.';
comment on column public.chat_messages.attachment_path is 'Object name in bucket chat-attachments: rooms/<room id>/<author id>/<file>.';

-- indexes -------------------------------------------------------------------------------
create unique index chat_rooms_session_id_idx on public.chat_rooms (session_id);
create unique index chat_rooms_mentor_pair_idx on public.chat_rooms (academy_id, created_by, mentor_id)
  where kind = 'mentor';
create index chat_rooms_academy_kind_idx on public.chat_rooms (academy_id, kind);
create index chat_rooms_mentor_id_idx on public.chat_rooms (mentor_id);
create index chat_rooms_created_by_idx on public.chat_rooms (created_by);
create index chat_room_members_user_id_idx on public.chat_room_members (user_id, room_id) where left_at is null;
create index chat_room_members_user_id_all_idx on public.chat_room_members (user_id);
create unique index chat_messages_client_msg_id_idx on public.chat_messages (room_id, author_id, client_msg_id);
create index chat_messages_room_id_idx on public.chat_messages (room_id, id);
create index chat_messages_author_id_idx on public.chat_messages (author_id);
create index chat_messages_reply_to_id_idx on public.chat_messages (reply_to_id);
create index chat_messages_thread_user_id_idx on public.chat_messages (thread_user_id);
create index chat_messages_deleted_by_idx on public.chat_messages (deleted_by);
create index chat_messages_attachment_path_idx on public.chat_messages (attachment_path) where attachment_path is not null;
create index chat_messages_search_idx on public.chat_messages
  using gin (to_tsvector('simple'::regconfig, coalesce(body, '')));

-- grants --------------------------------------------------------------------------------
grant select on public.chat_rooms, public.chat_room_members, public.chat_messages to authenticated;
grant all on public.chat_rooms, public.chat_room_members, public.chat_messages to service_role;

-- row level security --------------------------------------------------------------------
alter table public.chat_rooms enable row level security;
alter table public.chat_room_members enable row level security;
alter table public.chat_messages enable row level security;

-- functions used by policies --------------------------------------------------------------
create function private.room_access(p_user_id uuid)
returns table (room_id uuid, kind public.chat_room_kind, is_moderator boolean, can_post boolean)
language sql
stable
security invoker
set search_path = ''
as $$
  -- Mentor and study group rooms: an active member row, in an academy the user belongs to today.
  select r.id, r.kind, m.role = 'moderator', true
  from public.chat_room_members as m
  join public.chat_rooms as r on r.id = m.room_id and r.kind in ('mentor', 'study_group')
  join public.academy_members as am on am.academy_id = r.academy_id and am.user_id = m.user_id
  where m.user_id = p_user_id and m.left_at is null
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
  'The one room check: every room the user may read today, whether they moderate it and whether they may post. Invoker, not granted: only security definer functions call it.';

create function private.readable_room_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select a.room_id from private.room_access((select auth.uid())) as a;
$$;
comment on function private.readable_room_ids() is 'Rooms the caller may read today. Security definer: policies use it and it reads memberships RLS hides.';

create function private.moderated_room_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select a.room_id from private.room_access((select auth.uid())) as a where a.is_moderator;
$$;
comment on function private.moderated_room_ids() is 'Rooms the caller moderates today (proctors of a proctoring room included). Security definer: policies use it.';

create function private.proctored_room_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select a.room_id from private.room_access((select auth.uid())) as a where a.kind = 'proctoring' and not a.is_moderator;
$$;
comment on function private.proctored_room_ids() is
  'Proctoring rooms where the caller is a student: they see only the proctors and themselves there. Security definer: policies use it.';

create function private.can_read_room_topic(p_topic text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  -- room:<room id> (proctors only in a proctoring room) or room:<room id>:<student id>.
  select coalesce((
    select case
      when split_part(p_topic, ':', 3) = '' then a.kind <> 'proctoring' or a.is_moderator
      else a.kind = 'proctoring' and private.try_uuid(split_part(p_topic, ':', 3)) is not null
        and (a.is_moderator or split_part(p_topic, ':', 3) = (select auth.uid())::text)
    end
    from private.room_access((select auth.uid())) as a
    where a.room_id = private.try_uuid(split_part(p_topic, ':', 2)) and split_part(p_topic, ':', 4) = ''
  ), false);
$$;
comment on function private.can_read_room_topic(text) is
  'Who may read room:<id> (its members; in a proctoring room its proctors) and room:<id>:<student id> (that student and the proctors). Security definer: the room check reads memberships.';

create function private.can_broadcast_room_topic(p_topic text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((
    select a.can_post from private.room_access((select auth.uid())) as a
    where a.room_id = private.try_uuid(split_part(p_topic, ':', 2))
  ), false) and private.can_read_room_topic(p_topic);
$$;
comment on function private.can_broadcast_room_topic(text) is
  'Whether the caller may send Realtime broadcast (typing) on a room topic: they read it and may post in the room today. Security definer: the room check reads memberships.';

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
    when 'room' then private.can_read_room_topic(p_topic)
    else false
  end;
$$;
comment on function private.can_read_topic(text) is
  'The one topic check: who may read an outbox topic, join its private Realtime channel or open its SSE stream. Security definer: it reads rows the caller''s RLS may hide.';

create function private.can_read_attachment(p_name text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.chat_messages as m
    where m.attachment_path = p_name
      and m.room_id = private.try_uuid(split_part(p_name, '/', 2))
      and m.room_id in (select private.readable_room_ids())
      and (m.thread_user_id is null or m.thread_user_id = (select auth.uid())
        or m.room_id in (select private.moderated_room_ids()))
  );
$$;
comment on function private.can_read_attachment(text) is
  'Whether the caller reads a message that carries this Storage object (so a proctoring room''s students never read each other''s files). Security definer: storage policies use it.';

create function private.can_post_in_room(p_room_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((select a.can_post from private.room_access((select auth.uid())) as a where a.room_id = p_room_id), false);
$$;
comment on function private.can_post_in_room(uuid) is 'Whether the caller may post in the room today. Security definer: storage policies use it.';

grant execute on function private.readable_room_ids(), private.moderated_room_ids(), private.proctored_room_ids(),
  private.can_read_room_topic(text), private.can_broadcast_room_topic(text), private.can_read_attachment(text),
  private.can_post_in_room(uuid)
  to authenticated, service_role;

-- policies ------------------------------------------------------------------------------
create policy chat_rooms_select_member on public.chat_rooms
  for select to authenticated
  using (id in (select private.readable_room_ids()));
comment on policy chat_rooms_select_member on public.chat_rooms is 'Who may read a room today reads it.';

create policy chat_room_members_select_member on public.chat_room_members
  for select to authenticated
  using (
    room_id in (select private.readable_room_ids())
    and (user_id = (select auth.uid()) or role = 'moderator' or room_id not in (select private.proctored_room_ids()))
  );
comment on policy chat_room_members_select_member on public.chat_room_members is
  'Readers of a room read its members; a student of a proctoring room only the proctors and themselves.';

create policy chat_messages_select_member on public.chat_messages
  for select to authenticated
  using (
    room_id in (select private.readable_room_ids())
    and (thread_user_id is null or thread_user_id = (select auth.uid()) or room_id in (select private.moderated_room_ids()))
  );
comment on policy chat_messages_select_member on public.chat_messages is
  'Readers of a room read its messages; a student of a proctoring room only their own thread and the proctors'' messages to everyone.';

create policy messages_insert_room_broadcast on realtime.messages
  for insert to authenticated
  with check (
    topic = (select realtime.topic())
    and extension = 'broadcast'
    and split_part((select realtime.topic()), ':', 1) = 'room'
    and (select private.can_broadcast_room_topic((select realtime.topic())))
  );
comment on policy messages_insert_room_broadcast on realtime.messages is
  'Who may post in a room may send broadcast (typing) on its topic; every other broadcast comes from the database.';

-- storage -------------------------------------------------------------------------------
insert into storage.buckets (id, name, public, file_size_limit)
values ('chat-attachments', 'chat-attachments', false, 26214400)
on conflict (id) do nothing;

create policy objects_select_chat_reader on storage.objects
  for select to authenticated
  using (
    bucket_id = 'chat-attachments'
    and ((owner_id = (select auth.uid())::text
        and (select private.can_post_in_room(private.try_uuid((storage.foldername(name))[2]))))
      or private.can_read_attachment(name))
  );
comment on policy objects_select_chat_reader on storage.objects is
  'Chat attachments: who reads a message carrying the object reads it; the uploader reads it while they may post in its room.';

create policy objects_insert_chat_poster on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'chat-attachments'
    and owner_id = (select auth.uid())::text
    and (storage.foldername(name))[1] = 'rooms'
    and (storage.foldername(name))[3] = (select auth.uid())::text
    and (select private.can_post_in_room(private.try_uuid((storage.foldername(name))[2])))
  );
comment on policy objects_insert_chat_poster on storage.objects is
  'Chat attachments: a member who may post uploads under rooms/<room id>/<their own id>/ only.';

create policy objects_delete_chat_owner on storage.objects
  for delete to authenticated
  using (bucket_id = 'chat-attachments' and owner_id = (select auth.uid())::text);
comment on policy objects_delete_chat_owner on storage.objects is 'Chat attachments: the uploader deletes their own objects.';

-- private helpers -------------------------------------------------------------------------
create function private.my_room(p_room_id uuid)
returns table (room public.chat_rooms, is_moderator boolean, can_post boolean)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  return query
  select r, a.is_moderator, a.can_post
  from private.room_access((select auth.uid())) as a
  join public.chat_rooms as r on r.id = a.room_id
  where a.room_id = p_room_id;
  if not found then
    perform private.raise_http_error(404, 'room_not_found', format('Cannot find room %s', p_room_id));
  end if;
end;
$$;
comment on function private.my_room(uuid) is 'The room and the caller''s rights in it today; 404 room_not_found when they may not read it (or it does not exist).';

create function private.assert_message_body(p_body text)
returns void
language plpgsql
immutable
security invoker
set search_path = ''
as $$
begin
  if p_body is null or char_length(p_body) not between 1 and 4000 then
    raise exception 'Cannot send message: the body must be 1 to 4000 characters'
      using errcode = '22023', hint = 'invalid_message_length';
  end if;
  if pg_catalog.translate(p_body, E'\n\t', '') ~ '[[:cntrl:]]' then
    raise exception 'Cannot send message: the body may not contain control characters other than newline and tab'
      using errcode = '22023', hint = 'invalid_message_characters';
  end if;
end;
$$;
comment on function private.assert_message_body(text) is
  'Refuses a body that is empty, longer than 4000 characters, or holds control characters other than newline and tab (22023 invalid_message_length, invalid_message_characters).';

create function private.publish_room_event(
  p_room public.chat_rooms, p_event text, p_payload jsonb, p_thread_user_id uuid, p_everyone boolean
) returns void
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  perform private.publish_event('room:' || p_room.id, p_event, p_payload);
  if p_room.kind <> 'proctoring' then
    return;
  end if;
  if p_thread_user_id is not null then
    perform private.publish_event('room:' || p_room.id || ':' || p_thread_user_id, p_event, p_payload);
  elsif p_everyone then
    perform private.publish_event('room:' || p_room.id || ':' || p.user_id, p_event, p_payload)
    from public.exam_session_participants as p
    join public.academy_members as am on am.academy_id = p_room.academy_id and am.user_id = p.user_id
    where p.session_id = p_room.session_id and p.status not in ('removed', 'banned')
    order by p.user_id;
  end if;
end;
$$;
comment on function private.publish_room_event(public.chat_rooms, text, jsonb, uuid, boolean) is
  'Appends a room event to room:<id>; in a proctoring room also to the student''s own topic (p_thread_user_id), or to every current participant''s (p_everyone), and nowhere else.';

create function private.join_room_row(
  p_room public.chat_rooms, p_user_id uuid, p_role public.chat_member_role
) returns public.chat_room_members
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  member public.chat_room_members;
  was_active boolean;
begin
  select m.left_at is null into was_active from public.chat_room_members as m
  where m.room_id = p_room.id and m.user_id = p_user_id;
  if was_active then
    select * into member from public.chat_room_members as m where m.room_id = p_room.id and m.user_id = p_user_id;
    return member;
  end if;
  insert into public.chat_room_members as m (room_id, user_id, role)
  values (p_room.id, p_user_id, p_role)
  on conflict (room_id, user_id) do update
    set left_at = null, joined_at = pg_catalog.now(), role = excluded.role
  returning * into member;
  perform private.publish_room_event(p_room, 'member_joined',
    jsonb_build_object('room_id', p_room.id, 'user_id', p_user_id, 'role', member.role, 'joined_at', member.joined_at),
    case when member.role = 'member' then p_user_id end, false);
  return member;
end;
$$;
comment on function private.join_room_row(public.chat_rooms, uuid, public.chat_member_role) is
  'Makes the user an active member (a new row, or back after leaving) and tells the room with member_joined; an active member stays as they are.';

-- functions: rooms ------------------------------------------------------------------------
create function private.open_mentor_room(p_academy_id uuid, p_teacher_id uuid, p_title text)
returns public.chat_rooms
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  room public.chat_rooms;
begin
  if not private.is_academy_member(p_academy_id) then
    perform private.raise_http_error(404, 'academy_not_found', format('Cannot find academy %s', p_academy_id));
  end if;
  if p_teacher_id is null or p_teacher_id = caller or not exists (
    select 1 from public.academy_members as m
    where m.academy_id = p_academy_id and m.user_id = p_teacher_id and m.role in ('teacher', 'admin')
  ) then
    perform private.raise_http_error(404, 'teacher_not_found', format('Cannot find teacher %s in the academy', p_teacher_id));
  end if;
  if p_title is not null and char_length(p_title) not between 1 and 200 then
    raise exception 'Cannot open room: the title must be 1 to 200 characters' using errcode = '22023', hint = 'invalid_room_title';
  end if;
  insert into public.chat_rooms (academy_id, kind, title, mentor_id, created_by)
  values (p_academy_id, 'mentor', coalesce(p_title, 'Mentor chat'), p_teacher_id, caller)
  on conflict (academy_id, created_by, mentor_id) where kind = 'mentor' do nothing
  returning * into room;
  if room.id is null then
    select * into room from public.chat_rooms as r
    where r.academy_id = p_academy_id and r.kind = 'mentor' and r.created_by = caller and r.mentor_id = p_teacher_id;
  end if;
  perform private.join_room_row(room, caller, 'member');
  perform private.join_room_row(room, p_teacher_id, 'moderator');
  return room;
end;
$$;
comment on function private.open_mentor_room(uuid, uuid, text) is
  'A member opens (or reopens) their mentor room with a teacher or admin of the academy. Security definer: it writes rooms and members.';

create function private.create_academy_room(p_academy_id uuid, p_title text)
returns public.chat_rooms
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  room public.chat_rooms;
begin
  if not private.is_academy_member(p_academy_id, '{admin}') then
    perform private.raise_http_error(403, 'admin_required', 'Cannot create room: only the academy''s admins create academy rooms');
  end if;
  if p_title is null or char_length(p_title) not between 1 and 200 then
    raise exception 'Cannot create room: the title must be 1 to 200 characters' using errcode = '22023', hint = 'invalid_room_title';
  end if;
  insert into public.chat_rooms (academy_id, kind, title, created_by)
  values (p_academy_id, 'academy', p_title, (select auth.uid()))
  returning * into room;
  return room;
end;
$$;
comment on function private.create_academy_room(uuid, text) is
  'An admin creates an announcement room every member of the academy reads. Security definer: it writes rooms.';

create function private.open_proctoring_room(p_session_id uuid)
returns public.chat_rooms
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions;
  room public.chat_rooms;
  rights record;
begin
  select * into session from public.exam_sessions as s
  where s.id = p_session_id
    and (s.id in (select private.taught_session_ids()) or s.id in (select private.joined_session_ids()));
  if not found then
    perform private.raise_http_error(404, 'session_not_found', format('Cannot find session %s', p_session_id));
  end if;
  insert into public.chat_rooms (academy_id, kind, title, session_id, created_by)
  values (session.academy_id, 'proctoring', session.title, session.id, (select auth.uid()))
  on conflict (session_id) do nothing;
  select * into rights from private.my_room((select r.id from public.chat_rooms as r where r.session_id = session.id));
  room := rights.room;
  perform private.join_room_row(room, (select auth.uid()),
    case when rights.is_moderator then 'moderator' else 'member' end::public.chat_member_role);
  return room;
end;
$$;
comment on function private.open_proctoring_room(uuid) is
  'Who runs or joined a live session opens its proctoring room (made on first use) and joins it. Security definer: it writes rooms and members.';

create function private.join_room(p_room_id uuid)
returns public.chat_room_members
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  rights record;
begin
  select * into rights from private.my_room(p_room_id);
  return private.join_room_row(rights.room, (select auth.uid()),
    case when rights.is_moderator then 'moderator' else 'member' end::public.chat_member_role);
end;
$$;
comment on function private.join_room(uuid) is
  'Joins a room the caller may read (academy and proctoring rooms; in the others an active member stays as they are). Security definer: it writes members.';

create function private.add_room_members(p_room_id uuid, p_user_ids uuid[])
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
  if (rights.room).kind not in ('mentor', 'study_group') then
    perform private.raise_http_error(409, 'room_membership_managed',
      'Cannot add members: academy and proctoring rooms follow the academy and the session');
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
  'Moderators of a mentor room add teachers (as moderators), of a study group room members of the academy. Security definer: it writes members.';

create function private.leave_room(p_room_id uuid, p_user_id uuid)
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
  if (rights.room).kind not in ('mentor', 'study_group') then
    perform private.raise_http_error(409, 'room_membership_managed',
      'Cannot leave room: academy and proctoring rooms follow the academy and the session');
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
  'A member leaves a mentor or study group room, or a moderator removes one; the room hears member_left. Security definer: it writes members.';

-- functions: messages -----------------------------------------------------------------------
create function private.send_message(
  p_room_id uuid, p_body text, p_client_msg_id uuid, p_reply_to_id bigint, p_attachment public.chat_attachment
) returns public.chat_messages
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  rights record;
  message public.chat_messages;
  reply public.chat_messages;
  thread uuid;
  limited record;
begin
  perform private.assert_message_body(p_body);
  if p_client_msg_id is null then
    raise exception 'Cannot send message: client_msg_id is required' using errcode = '22023', hint = 'invalid_client_msg_id';
  end if;
  select * into rights from private.my_room(p_room_id);

  -- A client id seen before returns the first message and writes nothing (an offline
  -- client resends safely, and a resend never counts against the rate limit).
  select * into message from public.chat_messages as m
  where m.room_id = p_room_id and m.author_id = caller and m.client_msg_id = p_client_msg_id;
  if found then
    return message;
  end if;
  if not rights.can_post then
    perform private.raise_http_error(403, 'room_read_only', 'Cannot send message: you may not post in this room');
  end if;
  select * into limited from private.take_rate_limit('chat-send:' || caller, 60, 60);
  if not limited.allowed then
    raise sqlstate 'PGRST' using
      message = json_build_object('code', 'rate_limited',
        'message', 'Cannot send message: more than 60 messages in a minute',
        'details', format('Retry after %s seconds', limited.retry_after_seconds),
        'hint', limited.retry_after_seconds::text)::text,
      detail = json_build_object('status', 429,
        'headers', json_build_object('Retry-After', limited.retry_after_seconds::text))::text;
  end if;

  if p_reply_to_id is not null then
    select * into reply from public.chat_messages as m
    where m.id = p_reply_to_id and m.room_id = p_room_id
      and (rights.is_moderator or m.thread_user_id is null or m.thread_user_id = caller);
    if not found then
      perform private.raise_http_error(404, 'reply_not_found', format('Cannot find message %s in the room', p_reply_to_id));
    end if;
  end if;
  if (rights.room).kind = 'proctoring' then
    -- A student's message is their own thread; a proctor's reply joins the thread of the
    -- message it answers, and a proctor's message that answers nothing goes to everyone.
    thread := case when rights.is_moderator then reply.thread_user_id else caller end;
  end if;

  if p_attachment is not null then
    if p_attachment.object_path is null
      or p_attachment.object_path !~ ('^rooms/' || p_room_id || '/' || caller || '/[^/]+$')
      or p_attachment.name is null or char_length(p_attachment.name) not between 1 and 255
      or p_attachment.name ~ '[[:cntrl:]/\\]'
      or p_attachment.mime_type is null or p_attachment.mime_type !~ '^[a-z0-9][a-z0-9.+-]*/[a-zA-Z0-9][a-zA-Z0-9.+-]*$'
      or p_attachment.size_bytes is null or p_attachment.size_bytes < 0
    then
      raise exception 'Cannot send message: an attachment needs object_path rooms/<room id>/<your id>/<file>, a name of 1 to 255 characters, a mime type and a size'
        using errcode = '22023', hint = 'invalid_attachment';
    end if;
    if p_attachment.size_bytes > 26214400 then
      raise exception 'Cannot send message: attachments are at most 25 MB' using errcode = '22023', hint = 'attachment_too_large';
    end if;
    if not exists (
      select 1 from storage.objects as o
      where o.bucket_id = 'chat-attachments' and o.name = p_attachment.object_path and o.owner_id = caller::text
    ) then
      perform private.raise_http_error(404, 'attachment_not_found',
        format('Cannot send message: upload %s to bucket chat-attachments first', p_attachment.object_path));
    end if;
  end if;

  insert into public.chat_messages (room_id, author_id, client_msg_id, body, reply_to_id, thread_user_id,
    attachment_path, attachment_name, attachment_size, attachment_mime)
  values (p_room_id, caller, p_client_msg_id, p_body, p_reply_to_id, thread,
    p_attachment.object_path, p_attachment.name, p_attachment.size_bytes, p_attachment.mime_type)
  on conflict (room_id, author_id, client_msg_id) do nothing
  returning * into message;
  if message.id is null then
    -- The same client id committed by a concurrent send: its first result.
    select * into message from public.chat_messages as m
    where m.room_id = p_room_id and m.author_id = caller and m.client_msg_id = p_client_msg_id;
    return message;
  end if;

  -- Posting counts as reading.
  insert into public.chat_room_members as m (room_id, user_id, role, last_read_message_id)
  values (p_room_id, caller, case when rights.is_moderator then 'moderator' else 'member' end::public.chat_member_role, message.id)
  on conflict (room_id, user_id) do update set last_read_message_id = greatest(m.last_read_message_id, excluded.last_read_message_id);

  perform private.publish_room_event(rights.room, 'message_created', to_jsonb(message), thread, thread is null);
  return message;
end;
$$;
comment on function private.send_message(uuid, text, uuid, bigint, public.chat_attachment) is
  'Posts a message (see public.send_message). Security definer: it writes messages, members, the outbox and the rate-limit counter.';

create function private.edit_message(p_message_id bigint, p_body text)
returns public.chat_messages
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  message public.chat_messages;
  rights record;
begin
  perform private.assert_message_body(p_body);
  select * into message from public.chat_messages as m
  where m.id = p_message_id and m.room_id in (select private.readable_room_ids())
  for update;
  if not found or message.author_id is distinct from (select auth.uid()) then
    perform private.raise_http_error(404, 'message_not_found', format('Cannot find your message %s', p_message_id));
  end if;
  select * into rights from private.my_room(message.room_id);
  if not rights.can_post then
    perform private.raise_http_error(403, 'room_read_only', 'Cannot edit message: you may not post in this room');
  end if;
  if message.deleted_at is not null then
    perform private.raise_http_error(409, 'message_deleted', 'Cannot edit message: it was deleted');
  end if;
  if message.body = p_body then
    return message;
  end if;
  update public.chat_messages as m set body = p_body, edited_at = pg_catalog.now()
  where m.id = p_message_id
  returning * into message;
  perform private.publish_room_event(rights.room, 'message_edited', to_jsonb(message),
    message.thread_user_id, message.thread_user_id is null);
  return message;
end;
$$;
comment on function private.edit_message(bigint, text) is 'The author edits their message (see public.edit_message). Security definer: it writes messages and the outbox.';

create function private.delete_message(p_message_id bigint)
returns public.chat_messages
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  message public.chat_messages;
  rights record;
begin
  select * into message from public.chat_messages as m
  where m.id = p_message_id and m.room_id in (select private.readable_room_ids())
  for update;
  if not found then
    perform private.raise_http_error(404, 'message_not_found', format('Cannot find message %s', p_message_id));
  end if;
  select * into rights from private.my_room(message.room_id);
  if message.thread_user_id is not null and message.thread_user_id <> (select auth.uid()) and not rights.is_moderator then
    perform private.raise_http_error(404, 'message_not_found', format('Cannot find message %s', p_message_id));
  end if;
  if message.author_id is distinct from (select auth.uid()) and not rights.is_moderator then
    perform private.raise_http_error(403, 'not_message_author', 'Cannot delete message: only its author and the room''s moderators delete it');
  end if;
  if message.deleted_at is not null then
    return message;
  end if;
  update public.chat_messages as m
  set body = null, attachment_path = null, attachment_name = null, attachment_size = null, attachment_mime = null,
      deleted_at = pg_catalog.now(), deleted_by = (select auth.uid())
  where m.id = p_message_id
  returning * into message;
  perform private.publish_room_event(rights.room, 'message_deleted',
    jsonb_build_object('id', message.id, 'room_id', message.room_id, 'deleted_at', message.deleted_at,
      'deleted_by', message.deleted_by),
    message.thread_user_id, message.thread_user_id is null);
  return message;
end;
$$;
comment on function private.delete_message(bigint) is 'The author or a moderator deletes a message, leaving a tombstone (see public.delete_message). Security definer: it writes messages and the outbox.';

create function private.list_room_messages(p_room_id uuid, p_before bigint, p_after bigint, p_limit integer)
returns setof public.chat_messages
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  rights record;
  caller uuid := (select auth.uid());
begin
  if p_limit is null or p_limit not between 1 and 100 then
    raise exception 'Cannot list messages: limit must be 1 to 100' using errcode = '22023', hint = 'invalid_limit';
  end if;
  if p_before is not null and p_after is not null then
    raise exception 'Cannot list messages: give before or after, not both' using errcode = '22023', hint = 'invalid_cursor';
  end if;
  select * into rights from private.my_room(p_room_id);
  if p_after is not null then
    return query
    select x.* from (
      select m.* from public.chat_messages as m
      where m.room_id = p_room_id and m.id > p_after
        and (rights.is_moderator or m.thread_user_id is null or m.thread_user_id = caller)
      order by m.id
      limit p_limit
    ) as x
    order by x.id desc;
  else
    return query
    select m.* from public.chat_messages as m
    where m.room_id = p_room_id and (p_before is null or m.id < p_before)
      and (rights.is_moderator or m.thread_user_id is null or m.thread_user_id = caller)
    order by m.id desc
    limit p_limit;
  end if;
end;
$$;
comment on function private.list_room_messages(uuid, bigint, bigint, integer) is
  'A page of a room''s history (see public.list_room_messages). Security definer: it checks the room once instead of per row.';

create function private.search_room_messages(p_room_id uuid, p_query text, p_before bigint, p_limit integer)
returns setof public.chat_messages
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  rights record;
  caller uuid := (select auth.uid());
begin
  if p_query is null or char_length(btrim(p_query)) not between 1 and 200 then
    raise exception 'Cannot search messages: the query must be 1 to 200 characters' using errcode = '22023', hint = 'invalid_query';
  end if;
  if p_limit is null or p_limit not between 1 and 100 then
    raise exception 'Cannot search messages: limit must be 1 to 100' using errcode = '22023', hint = 'invalid_limit';
  end if;
  select * into rights from private.my_room(p_room_id);
  return query
  select m.* from public.chat_messages as m
  where m.room_id = p_room_id and (p_before is null or m.id < p_before)
    and to_tsvector('simple'::regconfig, coalesce(m.body, '')) @@ pg_catalog.websearch_to_tsquery('simple'::regconfig, p_query)
    and (rights.is_moderator or m.thread_user_id is null or m.thread_user_id = caller)
  order by m.id desc
  limit p_limit;
end;
$$;
comment on function private.search_room_messages(uuid, text, bigint, integer) is
  'Messages of a room matching a search (see public.search_room_messages). Security definer: it checks the room once.';

-- functions: read receipts --------------------------------------------------------------------
create function private.mark_room_read(p_room_id uuid, p_up_to_message_id bigint)
returns public.chat_room_members
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  rights record;
  target public.chat_messages;
  member public.chat_room_members;
begin
  select * into rights from private.my_room(p_room_id);
  select * into target from public.chat_messages as m
  where m.id = p_up_to_message_id and m.room_id = p_room_id
    and (rights.is_moderator or m.thread_user_id is null or m.thread_user_id = caller);
  if not found then
    perform private.raise_http_error(404, 'message_not_found', format('Cannot find message %s in the room', p_up_to_message_id));
  end if;
  insert into public.chat_room_members as m (room_id, user_id, role)
  values (p_room_id, caller, case when rights.is_moderator then 'moderator' else 'member' end::public.chat_member_role)
  on conflict (room_id, user_id) do nothing;
  update public.chat_room_members as m set last_read_message_id = target.id
  where m.room_id = p_room_id and m.user_id = caller and m.last_read_message_id < target.id
  returning * into member;
  if not found then
    select * into member from public.chat_room_members as m where m.room_id = p_room_id and m.user_id = caller;
    return member;
  end if;
  perform private.publish_room_event(rights.room, 'message_read',
    jsonb_build_object('room_id', p_room_id, 'user_id', caller, 'last_read_message_id', target.id),
    case when rights.is_moderator then target.thread_user_id else caller end, false);
  return member;
end;
$$;
comment on function private.mark_room_read(uuid, bigint) is 'Moves the caller''s read pointer forward (see public.mark_room_read). Security definer: it writes members and the outbox.';

create type public.chat_room_summary as (
  room_id uuid,
  academy_id uuid,
  kind public.chat_room_kind,
  title text,
  session_id uuid,
  is_moderator boolean,
  can_post boolean,
  last_read_message_id bigint,
  last_message_id bigint,
  last_message_at timestamptz,
  last_message_author_id uuid,
  last_message_body text,
  unread_count integer,
  total_unread integer
);
comment on type public.chat_room_summary is
  'A room of get_my_rooms: the caller''s rights, read pointer, the last message they may see, their unread count (messages after the pointer not written by them, not deleted; counted up to 1000) and the total over all their rooms.';

create function private.get_my_rooms()
returns setof public.chat_room_summary
language sql
stable
security definer
set search_path = ''
as $$
  select r.id, r.academy_id, r.kind, r.title, r.session_id, a.is_moderator, a.can_post,
    coalesce(m.last_read_message_id, 0), last.id, last.created_at, last.author_id, last.body,
    unread.n, (sum(unread.n) over ())::integer
  from private.room_access((select auth.uid())) as a
  join public.chat_rooms as r on r.id = a.room_id
  left join public.chat_room_members as m on m.room_id = r.id and m.user_id = (select auth.uid())
  left join lateral (
    select x.id, x.created_at, x.author_id, x.body from public.chat_messages as x
    where x.room_id = r.id
      and (a.is_moderator or x.thread_user_id is null or x.thread_user_id = (select auth.uid()))
    order by x.id desc
    limit 1
  ) as last on true
  cross join lateral (
    select count(*)::integer as n from (
      select 1 from public.chat_messages as x
      where x.room_id = r.id and x.id > coalesce(m.last_read_message_id, 0)
        and x.author_id is distinct from (select auth.uid()) and x.deleted_at is null
        and (a.is_moderator or x.thread_user_id is null or x.thread_user_id = (select auth.uid()))
      limit 1000
    ) as u
  ) as unread
  order by last.id desc nulls last, r.created_at desc;
$$;
comment on function private.get_my_rooms() is 'The caller''s rooms with unread counts (see public.get_my_rooms). Security definer: one query over memberships RLS would check row by row.';

-- functions: public RPCs ------------------------------------------------------------------
create function public.open_mentor_room(p_academy_id uuid, p_teacher_id uuid, p_title text default null)
returns public.chat_rooms
language sql volatile security invoker set search_path = ''
as $$ select * from private.open_mentor_room(p_academy_id, p_teacher_id, p_title); $$;
comment on function public.open_mentor_room(uuid, uuid, text) is
  'Members: opens (or returns, rejoining it) your mentor room with a teacher or admin of the academy; you are its member, the teacher its moderator. 404 academy_not_found, teacher_not_found.';

create function public.create_academy_room(p_academy_id uuid, p_title text)
returns public.chat_rooms
language sql volatile security invoker set search_path = ''
as $$ select * from private.create_academy_room(p_academy_id, p_title); $$;
comment on function public.create_academy_room(uuid, text) is
  'Admins: an announcement room every member of the academy reads and its teachers and admins post in. 403 admin_required.';

create function public.open_proctoring_room(p_session_id uuid)
returns public.chat_rooms
language sql volatile security invoker set search_path = ''
as $$ select * from private.open_proctoring_room(p_session_id); $$;
comment on function public.open_proctoring_room(uuid) is
  'Who runs a live session (moderator) or joined it (member): its proctoring room, made on first use, joined. Students see only their own thread and the proctors'' messages to everyone. 404 session_not_found.';

create function public.join_room(p_room_id uuid)
returns public.chat_room_members
language sql volatile security invoker set search_path = ''
as $$ select * from private.join_room(p_room_id); $$;
comment on function public.join_room(uuid) is
  'Joins a room you may read (academy and proctoring rooms; emits member_joined the first time). 404 room_not_found.';

create function public.add_room_members(p_room_id uuid, p_user_ids uuid[])
returns setof public.chat_room_members
language sql volatile security invoker set search_path = ''
as $$ select * from private.add_room_members(p_room_id, p_user_ids); $$;
comment on function public.add_room_members(uuid, uuid[]) is
  'Moderators: adds teachers to a mentor room (as moderators) or academy members to a study group room; member_joined each. 403 moderator_required, 404 member_not_found, 409 room_membership_managed.';

create function public.leave_room(p_room_id uuid)
returns public.chat_room_members
language sql volatile security invoker set search_path = ''
as $$ select * from private.leave_room(p_room_id, (select auth.uid())); $$;
comment on function public.leave_room(uuid) is 'Leaves a mentor or study group room (member_left). 409 room_membership_managed for academy and proctoring rooms.';

create function public.remove_room_member(p_room_id uuid, p_user_id uuid)
returns public.chat_room_members
language sql volatile security invoker set search_path = ''
as $$ select * from private.leave_room(p_room_id, p_user_id); $$;
comment on function public.remove_room_member(uuid, uuid) is 'Moderators: removes a member from a mentor or study group room (member_left). 403 moderator_required.';

create function public.send_message(
  p_room_id uuid, p_body text, p_client_msg_id uuid, p_reply_to_id bigint default null,
  p_attachment public.chat_attachment default null
) returns public.chat_messages
language sql volatile security invoker set search_path = ''
as $$ select * from private.send_message(p_room_id, p_body, p_client_msg_id, p_reply_to_id, p_attachment); $$;
comment on function public.send_message(uuid, text, uuid, bigint, public.chat_attachment) is
  'Posts plain text (1 to 4000 characters; no control characters but newline and tab) to a room, idempotent by p_client_msg_id (a resend returns the first message); emits message_created. 400 invalid_message_length, invalid_message_characters, invalid_attachment, attachment_too_large; 403 room_read_only; 404 room_not_found, reply_not_found, attachment_not_found; 429 rate_limited (60 a minute; hint and Retry-After: seconds to wait).';

create function public.edit_message(p_message_id bigint, p_body text)
returns public.chat_messages
language sql volatile security invoker set search_path = ''
as $$ select * from private.edit_message(p_message_id, p_body); $$;
comment on function public.edit_message(bigint, text) is
  'The author edits their message while they may post; emits message_edited. 404 message_not_found, 403 room_read_only, 409 message_deleted.';

create function public.delete_message(p_message_id bigint)
returns public.chat_messages
language sql volatile security invoker set search_path = ''
as $$ select * from private.delete_message(p_message_id); $$;
comment on function public.delete_message(bigint) is
  'The author or a moderator deletes a message, leaving a tombstone (body and attachment removed); emits message_deleted. 404 message_not_found, 403 not_message_author.';

create function public.list_room_messages(
  p_room_id uuid, p_before bigint default null, p_after bigint default null, p_limit integer default 50
) returns setof public.chat_messages
language sql stable security invoker set search_path = ''
as $$ select * from private.list_room_messages(p_room_id, p_before, p_after, p_limit); $$;
comment on function public.list_room_messages(uuid, bigint, bigint, integer) is
  'History, newest first, at most p_limit (1 to 100): before a message id (or the newest), or the p_limit messages right after one. Tombstones included. 404 room_not_found.';

create function public.search_room_messages(
  p_room_id uuid, p_query text, p_before bigint default null, p_limit integer default 20
) returns setof public.chat_messages
language sql stable security invoker set search_path = ''
as $$ select * from private.search_room_messages(p_room_id, p_query, p_before, p_limit); $$;
comment on function public.search_room_messages(uuid, text, bigint, integer) is
  'Messages of a room matching p_query (web search syntax, words matched whole, any case), newest first, keyset by p_before. 404 room_not_found.';

create function public.mark_room_read(p_room_id uuid, p_up_to_message_id bigint)
returns public.chat_room_members
language sql volatile security invoker set search_path = ''
as $$ select * from private.mark_room_read(p_room_id, p_up_to_message_id); $$;
comment on function public.mark_room_read(uuid, bigint) is
  'Moves your read pointer forward to a message of the room (never back); emits message_read when it moved. 404 room_not_found, message_not_found.';

create function public.get_my_rooms()
returns setof public.chat_room_summary
language sql stable security invoker set search_path = ''
as $$ select * from private.get_my_rooms(); $$;
comment on function public.get_my_rooms() is
  'Every room you may read today with its last message, your unread count and your total unread, newest activity first.';

grant execute on function
  private.open_mentor_room(uuid, uuid, text), private.create_academy_room(uuid, text),
  private.open_proctoring_room(uuid), private.join_room(uuid), private.add_room_members(uuid, uuid[]),
  private.leave_room(uuid, uuid),
  private.send_message(uuid, text, uuid, bigint, public.chat_attachment), private.edit_message(bigint, text),
  private.delete_message(bigint), private.list_room_messages(uuid, bigint, bigint, integer),
  private.search_room_messages(uuid, text, bigint, integer), private.mark_room_read(uuid, bigint),
  private.get_my_rooms()
  to authenticated;
grant execute on function
  public.open_mentor_room(uuid, uuid, text), public.create_academy_room(uuid, text),
  public.open_proctoring_room(uuid), public.join_room(uuid), public.add_room_members(uuid, uuid[]),
  public.leave_room(uuid), public.remove_room_member(uuid, uuid),
  public.send_message(uuid, text, uuid, bigint, public.chat_attachment), public.edit_message(bigint, text),
  public.delete_message(bigint), public.list_room_messages(uuid, bigint, bigint, integer),
  public.search_room_messages(uuid, text, bigint, integer), public.mark_room_read(uuid, bigint),
  public.get_my_rooms()
  to authenticated;
