-- Notifications (issue 12): one row per recipient with a type, title, body, priority, an
-- optional action URL (a relative path of the client app, or https), free-form data and a
-- read state. A student reads only their own, while a member of the academy it came from.
-- Reads are plain RLS (get_notifications, get_unread_counts); marking read and sending go
-- through security definer functions because they append to the outbox. Every new or
-- re-batched notification is announced on the recipient's user:<id> topic
-- (notification_created, notification_updated), every read on the same topic
-- (notifications_read), so every device of the user updates.
--
-- The system creates notifications through private.notify_user and, for chatty sources
-- (room messages and mentions while offline, join requests), private.notify_user_batched,
-- which keeps one notification per (user, batch key) per window (10 minutes by default)
-- and counts what it folded in. Teachers and admins send with send_notification to one
-- student, a session's participants or the whole academy (notification_audience, an enum
-- that later features extend, e.g. study_group); sends are rate-limited per sender and
-- logged in notification_sends. Read notifications older than 90 days are pruned daily.

-- types ---------------------------------------------------------------------------------
create type public.notification_priority as enum ('low', 'normal', 'high', 'urgent');
comment on type public.notification_priority is 'How prominently a client shows a notification, from low to urgent.';

create type public.notification_audience as enum ('student', 'session', 'academy');
comment on type public.notification_audience is
  'Who a teacher''s or admin''s send reaches: one student, a live session''s participants, or every member of the academy. Later features add values (study_group).';

create type public.notification_unread_counts as (
  total integer,
  low integer,
  normal integer,
  high integer,
  urgent integer
);
comment on type public.notification_unread_counts is 'The caller''s unread notifications, in total and by priority.';

create type public.notifications_marked_read as (
  marked integer,
  read_at timestamptz,
  unread_total integer
);
comment on type public.notifications_marked_read is 'What mark_all_notifications_read changed: how many it marked, the read time it set, and what is still unread (0).';

-- functions used by constraints -----------------------------------------------------------
create function private.is_valid_action_url(p_url text)
returns boolean
language sql
immutable
security invoker
set search_path = ''
as $$
  select p_url is null or (
    char_length(p_url) <= 2000
    and (
      -- a path of the client app: one leading slash (never //host), no spaces or backslashes
      p_url ~ '^/([^/\\[:space:]][^\\[:space:]]*)?$'
      -- or an absolute https URL without credentials
      or p_url ~* '^https://[a-z0-9.-]+(:[0-9]{1,5})?([/?#][^\\[:space:]]*)?$'
    )
  );
$$;
comment on function private.is_valid_action_url(text) is
  'Whether an action URL is a relative path of the client app (/exams/1, never //host) or an https URL without credentials; null is valid.';

-- tables --------------------------------------------------------------------------------
create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  academy_id uuid references public.academies (id) on delete cascade,
  type text not null check (type ~ '^[a-z][a-z0-9_]{0,63}$'),
  title text not null check (char_length(title) between 1 and 200),
  body text not null default '' check (char_length(body) <= 2000),
  priority public.notification_priority not null default 'normal',
  action_url text check (private.is_valid_action_url(action_url)),
  data jsonb not null default '{}'::jsonb check (jsonb_typeof(data) = 'object' and pg_column_size(data) <= 16384),
  batch_key text check (batch_key is null or char_length(batch_key) between 1 and 200),
  batch_count integer not null default 1 check (batch_count > 0),
  read_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.notifications is
  'One notification for one user. The user reads their own (while a member of its academy) and marks them read through RPCs; the system and teachers'' sends create them.';
comment on column public.notifications.academy_id is 'The academy it came from; null for notifications outside any academy.';
comment on column public.notifications.type is 'What happened, snake_case: session_lobby_open, session_launched, time_extended, attempt_graded, leaderboard_top10, staff_message, and the types of later features.';
comment on column public.notifications.action_url is 'Where the client goes when it is opened: a relative path of the client app or an https URL.';
comment on column public.notifications.data is 'Free-form details of the type (ids of the session, attempt, room…).';
comment on column public.notifications.batch_key is 'Set by private.notify_user_batched: further events with the same key inside the window fold into this row.';
comment on column public.notifications.batch_count is 'How many events this notification stands for (1 unless batched).';

create table public.notification_sends (
  id uuid primary key default gen_random_uuid(),
  academy_id uuid not null references public.academies (id) on delete cascade,
  sender_id uuid references auth.users (id) on delete set null,
  audience public.notification_audience not null,
  target_id uuid not null,
  title text not null,
  priority public.notification_priority not null,
  recipient_count integer not null,
  created_at timestamptz not null default now()
);
comment on table public.notification_sends is
  'The log of teachers'' and admins'' sends: who sent what to which audience and how many it reached. The academy''s admins read all; a teacher reads their own.';
comment on column public.notification_sends.target_id is 'The student, session or academy the audience names.';

-- indexes -------------------------------------------------------------------------------
create index notifications_user_id_created_at_idx on public.notifications (user_id, created_at desc, id desc);
create index notifications_user_id_unread_idx on public.notifications (user_id, priority) where read_at is null;
create index notifications_academy_id_idx on public.notifications (academy_id);
create index notifications_read_at_idx on public.notifications (read_at) where read_at is not null;
create index notifications_batch_key_idx on public.notifications (user_id, batch_key, created_at desc) where batch_key is not null;
create index notification_sends_academy_id_idx on public.notification_sends (academy_id, created_at desc);
create index notification_sends_sender_id_idx on public.notification_sends (sender_id, created_at desc);

-- triggers ------------------------------------------------------------------------------
create trigger touch_updated_at before update on public.notifications
  for each row execute function private.touch_updated_at();

-- grants --------------------------------------------------------------------------------
grant select on public.notifications, public.notification_sends to authenticated;
grant all on public.notifications, public.notification_sends to service_role;

-- row level security --------------------------------------------------------------------
alter table public.notifications enable row level security;
alter table public.notification_sends enable row level security;

-- policies ------------------------------------------------------------------------------
create policy notifications_select_owner on public.notifications
  for select to authenticated
  using (
    user_id = (select auth.uid())
    and (academy_id is null or academy_id in (select private.member_academy_ids()))
  );
comment on policy notifications_select_owner on public.notifications is
  'A user reads only their own notifications, those of an academy only while a member of it.';

create policy notification_sends_select_staff on public.notification_sends
  for select to authenticated
  using (
    academy_id in (select private.member_academy_ids('{admin}'))
    or (sender_id = (select auth.uid()) and academy_id in (select private.member_academy_ids('{teacher}')))
  );
comment on policy notification_sends_select_staff on public.notification_sends is
  'The academy''s admins read every send of it; a teacher reads their own while a teacher there.';

-- functions: internal API -------------------------------------------------------------------
create function private.unread_notification_count(p_user_id uuid)
returns integer
language sql
stable
security invoker
set search_path = ''
as $$
  select count(*)::integer from public.notifications as n where n.user_id = p_user_id and n.read_at is null;
$$;
comment on function private.unread_notification_count(uuid) is 'How many unread notifications a user has (all academies).';

create function private.announce_notification(p_notification public.notifications, p_event text)
returns bigint
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.publish_event('user:' || p_notification.user_id, p_event, jsonb_build_object(
    'notification', to_jsonb(p_notification),
    'unread_count', private.unread_notification_count(p_notification.user_id)));
$$;
comment on function private.announce_notification(public.notifications, text) is
  'notification_created or notification_updated on the recipient''s user topic: the notification and the unread count.';

create function private.notify_user(
  p_user_id uuid, p_type text, p_title text, p_body text, p_priority public.notification_priority,
  p_action_url text, p_data jsonb, p_academy_id uuid default null
) returns public.notifications
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  created public.notifications;
begin
  insert into public.notifications (user_id, academy_id, type, title, body, priority, action_url, data)
  values (p_user_id, p_academy_id, p_type, left(btrim(p_title), 200), left(coalesce(p_body, ''), 2000),
    coalesce(p_priority, 'normal'), p_action_url, coalesce(p_data, '{}'::jsonb))
  returning * into created;
  perform private.announce_notification(created, 'notification_created');
  return created;
end;
$$;
comment on function private.notify_user(uuid, text, text, text, public.notification_priority, text, jsonb, uuid) is
  'Internal API: creates one notification and announces it on the user''s topic, in the caller''s transaction. Security definer: called from features whose callers cannot write notifications; no client role may execute it.';

create function private.notify_user_batched(
  p_user_id uuid, p_batch_key text, p_type text, p_title text, p_body text,
  p_priority public.notification_priority, p_action_url text, p_data jsonb,
  p_academy_id uuid default null, p_window interval default interval '10 minutes'
) returns public.notifications
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  batched public.notifications;
begin
  -- One writer per (user, key) at a time, so two events at once never make two rows.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('notify:' || p_user_id || ':' || p_batch_key, 0));
  select * into batched from public.notifications as n
  where n.user_id = p_user_id and n.batch_key = p_batch_key and n.created_at > pg_catalog.now() - p_window
  order by n.created_at desc
  limit 1
  for update;
  if batched.id is null then
    insert into public.notifications (user_id, academy_id, type, title, body, priority, action_url, data, batch_key)
    values (p_user_id, p_academy_id, p_type, left(btrim(p_title), 200), left(coalesce(p_body, ''), 2000),
      coalesce(p_priority, 'normal'), p_action_url, coalesce(p_data, '{}'::jsonb), p_batch_key)
    returning * into batched;
    perform private.announce_notification(batched, 'notification_created');
  else
    -- Folded in: the latest text and data, one more event, unread again.
    update public.notifications as n
    set title = left(btrim(p_title), 200), body = left(coalesce(p_body, ''), 2000),
        priority = greatest(n.priority, coalesce(p_priority, 'normal')), action_url = p_action_url,
        data = coalesce(p_data, '{}'::jsonb), batch_count = n.batch_count + 1, read_at = null
    where n.id = batched.id
    returning * into batched;
    perform private.announce_notification(batched, 'notification_updated');
  end if;
  return batched;
end;
$$;
comment on function private.notify_user_batched(uuid, text, text, text, text, public.notification_priority, text, jsonb, uuid, interval) is
  'Internal API for chatty sources (room messages and mentions while offline, join requests): the first event of a (user, batch key) creates a notification; later ones inside the window (10 minutes) fold into it (batch_count + 1, latest text, unread again, notification_updated). Security definer like notify_user.';

-- functions: private bodies of the RPCs ------------------------------------------------------
create function private.mark_notifications_read(p_ids uuid[])
returns setof public.notifications
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  marked uuid[];
  read_time timestamptz := pg_catalog.now();
begin
  if caller is null then
    raise exception 'Cannot mark notifications read: sign in first' using errcode = '42501', hint = 'not_authenticated';
  end if;
  perform private.assert_argument(p_ids is not null and cardinality(p_ids) <= 1000,
    'Cannot mark notifications read: give at most 1000 ids', 'invalid_ids');
  with changed as (
    update public.notifications as n set read_at = read_time
    where n.id = any (p_ids) and n.user_id = caller and n.read_at is null
      and (n.academy_id is null or n.academy_id in (select private.member_academy_ids()))
    returning n.id
  )
  select coalesce(array_agg(c.id order by c.id), '{}') into marked from changed as c;
  if cardinality(marked) > 0 then
    perform private.publish_event('user:' || caller, 'notifications_read', jsonb_build_object(
      'ids', to_jsonb(marked), 'all', false, 'read_at', read_time,
      'unread_count', private.unread_notification_count(caller)));
  end if;
  return query select * from public.notifications as n
    where n.id = any (p_ids) and n.user_id = caller
      and (n.academy_id is null or n.academy_id in (select private.member_academy_ids()))
    order by n.created_at desc, n.id desc;
end;
$$;
comment on function private.mark_notifications_read(uuid[]) is
  'Marks the caller''s notifications among p_ids read and tells their devices. Security definer: it appends to the outbox.';

create function private.mark_all_notifications_read()
returns public.notifications_marked_read
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  result public.notifications_marked_read;
begin
  if caller is null then
    raise exception 'Cannot mark notifications read: sign in first' using errcode = '42501', hint = 'not_authenticated';
  end if;
  result.read_at := pg_catalog.now();
  update public.notifications as n set read_at = result.read_at
  where n.user_id = caller and n.read_at is null
    and (n.academy_id is null or n.academy_id in (select private.member_academy_ids()));
  get diagnostics result.marked = row_count;
  result.unread_total := (select count(*) from public.notifications as n
    where n.user_id = caller and n.read_at is null
      and (n.academy_id is null or n.academy_id in (select private.member_academy_ids())));
  if result.marked > 0 then
    perform private.publish_event('user:' || caller, 'notifications_read', jsonb_build_object(
      'ids', null, 'all', true, 'read_at', result.read_at, 'unread_count', result.unread_total));
  end if;
  return result;
end;
$$;
comment on function private.mark_all_notifications_read() is
  'Marks every unread notification of the caller read and tells their devices. Security definer: it appends to the outbox.';

create function private.send_notification(
  p_audience public.notification_audience, p_target_id uuid, p_title text, p_body text,
  p_priority public.notification_priority, p_action_url text, p_data jsonb
) returns public.notification_sends
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  academy uuid;
  recipients uuid[];
  limited record;
  sent public.notification_sends;
begin
  perform private.assert_argument(coalesce(char_length(btrim(p_title)), 0) between 1 and 200,
    'Cannot send notification: the title must have 1 to 200 characters', 'invalid_title');
  perform private.assert_argument(coalesce(char_length(p_body), 0) <= 2000,
    'Cannot send notification: the body may have at most 2000 characters', 'invalid_body');
  perform private.assert_argument(private.is_valid_action_url(p_action_url),
    'Cannot send notification: the action URL must be a relative path or an https URL', 'invalid_action_url');
  perform private.assert_argument(jsonb_typeof(coalesce(p_data, '{}')) = 'object' and pg_column_size(p_data) <= 16384,
    'Cannot send notification: data must be a JSON object of at most 16 kB', 'invalid_data');
  if p_audience is null or p_target_id is null then
    raise exception 'Cannot send notification: give an audience and its target' using errcode = '22023', hint = 'invalid_audience';
  end if;

  -- The academy and the recipients, from the caller's current membership only.
  case p_audience
    when 'student' then
      select m.academy_id into academy from public.academy_members as m
      where m.user_id = p_target_id and m.role = 'student'
        and m.academy_id in (select private.member_academy_ids('{teacher,admin}'))
      order by m.academy_id
      limit 1;
      recipients := array[p_target_id];
    when 'session' then
      select s.academy_id into academy from public.exam_sessions as s
      where s.id = p_target_id and s.id in (select private.taught_session_ids());
      select coalesce(array_agg(p.user_id order by p.user_id), '{}') into recipients
      from public.exam_session_participants as p
      join public.academy_members as m on m.academy_id = academy and m.user_id = p.user_id
      where p.session_id = p_target_id and p.status not in ('removed', 'banned');
    when 'academy' then
      select a.id into academy from public.academies as a
      where a.id = p_target_id and a.id in (select private.member_academy_ids('{teacher,admin}'));
      select coalesce(array_agg(m.user_id order by m.user_id), '{}') into recipients
      from public.academy_members as m where m.academy_id = academy and m.user_id <> caller;
    else
      raise exception 'Cannot send notification: unknown audience' using errcode = '22023', hint = 'invalid_audience';
  end case;
  if academy is null then
    perform private.raise_http_error(404, 'audience_not_found',
      format('Cannot send notification: no %s %s you may reach', p_audience, p_target_id));
  end if;

  select * into limited from private.take_rate_limit(
    case when p_audience = 'academy' then 'notify-send-academy:' else 'notify-send:' end || caller,
    case when p_audience = 'academy' then 5 else 30 end, 3600);
  if not limited.allowed then
    perform private.raise_http_error(429, 'rate_limited',
      format('Cannot send notification: too many sends, retry in %s seconds', limited.retry_after_seconds));
  end if;

  insert into public.notification_sends (academy_id, sender_id, audience, target_id, title, priority, recipient_count)
  values (academy, caller, p_audience, p_target_id, btrim(p_title), coalesce(p_priority, 'normal'), cardinality(recipients))
  returning * into sent;

  perform private.notify_user(r, 'staff_message', p_title, p_body, p_priority, p_action_url,
    coalesce(p_data, '{}'::jsonb) || jsonb_build_object('send_id', sent.id, 'sender_id', caller,
      'audience', p_audience, 'target_id', p_target_id), academy)
  from unnest(recipients) as r;
  return sent;
end;
$$;
comment on function private.send_notification(public.notification_audience, uuid, text, text, public.notification_priority, text, jsonb) is
  'A teacher or admin sends a notification to one student of their academy, the participants of a session they run, or every member of an academy they teach or administer; rate-limited per sender (30 an hour to students and sessions, 5 an hour academy-wide) and logged. Security definer: it writes other users'' notifications.';

create function private.prune_notifications()
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  pruned integer;
begin
  delete from public.notifications as n where n.read_at < pg_catalog.now() - interval '90 days';
  get diagnostics pruned = row_count;
  return pruned;
end;
$$;
comment on function private.prune_notifications() is
  'Run by pg_cron daily: deletes notifications read more than 90 days ago. Security definer so the job works whoever schedules it.';

-- functions: public RPCs ------------------------------------------------------------------
create function public.get_notifications(
  p_before timestamptz default null, p_unread_only boolean default false, p_limit numeric default 50
) returns setof public.notifications
language sql
stable
security invoker
set search_path = ''
as $$
  select private.integer_argument(p_limit, 1, 200, 'Cannot list notifications: limit must be 1 to 200', 'invalid_limit');
  select * from public.notifications as n
  where n.user_id = (select auth.uid())
    and (p_before is null or n.created_at < p_before)
    and (not coalesce(p_unread_only, false) or n.read_at is null)
  order by n.created_at desc, n.id desc
  limit coalesce(p_limit, 50)::integer;
$$;
comment on function public.get_notifications(timestamptz, boolean, numeric) is
  'The caller''s notifications, newest first: those created before p_before (the created_at of the last one seen, for the next page), only unread ones with p_unread_only, at most p_limit (1 to 200, default 50). 400 invalid_limit.';

create function public.get_unread_counts()
returns public.notification_unread_counts
language sql
stable
security invoker
set search_path = ''
as $$
  select row(count(*), count(*) filter (where n.priority = 'low'), count(*) filter (where n.priority = 'normal'),
      count(*) filter (where n.priority = 'high'), count(*) filter (where n.priority = 'urgent'))::public.notification_unread_counts
  from public.notifications as n
  where n.user_id = (select auth.uid()) and n.read_at is null;
$$;
comment on function public.get_unread_counts() is 'How many unread notifications the caller has, in total and by priority.';

create function public.mark_notifications_read(p_ids uuid[])
returns setof public.notifications
language sql
volatile
security invoker
set search_path = ''
as $$ select * from private.mark_notifications_read(p_ids); $$;
comment on function public.mark_notifications_read(uuid[]) is
  'Marks the caller''s notifications among p_ids (at most 1000) read; returns them; notifications_read on user:<id>. Ids that are not the caller''s are ignored. 400 invalid_ids.';

create function public.mark_all_notifications_read()
returns public.notifications_marked_read
language sql
volatile
security invoker
set search_path = ''
as $$ select * from private.mark_all_notifications_read(); $$;
comment on function public.mark_all_notifications_read() is
  'Marks every unread notification of the caller read; notifications_read on user:<id> with all true.';

create function public.send_notification(
  p_audience public.notification_audience, p_target_id uuid, p_title text, p_body text default '',
  p_priority public.notification_priority default 'normal', p_action_url text default null, p_data jsonb default '{}'
) returns public.notification_sends
language sql
volatile
security invoker
set search_path = ''
as $$ select * from private.send_notification(p_audience, p_target_id, p_title, p_body, p_priority, p_action_url, p_data); $$;
comment on function public.send_notification(public.notification_audience, uuid, text, text, public.notification_priority, text, jsonb) is
  'Teachers and admins: a staff_message notification to one student of their academy (audience student, target the user id), the participants of a session they run (session, the session id) or every other member of their academy (academy, the academy id); returns the logged send. 400 invalid_title, invalid_body, invalid_action_url, invalid_data, invalid_audience; 404 audience_not_found; 429 rate_limited (30 sends an hour to students and sessions, 5 academy-wide).';

grant execute on function private.is_valid_action_url(text) to authenticated, service_role;
grant execute on function private.mark_notifications_read(uuid[]), private.mark_all_notifications_read(),
  private.send_notification(public.notification_audience, uuid, text, text, public.notification_priority, text, jsonb)
  to authenticated;
grant execute on function public.get_notifications(timestamptz, boolean, numeric), public.get_unread_counts(),
  public.mark_notifications_read(uuid[]), public.mark_all_notifications_read(),
  public.send_notification(public.notification_audience, uuid, text, text, public.notification_priority, text, jsonb)
  to authenticated;
grant execute on function private.notify_user(uuid, text, text, text, public.notification_priority, text, jsonb, uuid),
  private.notify_user_batched(uuid, text, text, text, text, public.notification_priority, text, jsonb, uuid, interval),
  private.prune_notifications()
  to service_role;

-- jobs ----------------------------------------------------------------------------------
select cron.schedule('examsync-prune-notifications', '41 3 * * *', 'select private.prune_notifications()');
