-- Teacher-led live exam sessions: a lobby students join by code, a launch that starts
-- every admitted student's attempt at once with one deadline, pause and resume that
-- freeze and shift every deadline, per-student extensions and removals, an end that
-- submits and grades everything in one transaction, announcements, and a live dashboard
-- fed by the `session:<id>` topic (readable by the session's teachers and the academy's
-- admins). Students learn about their session on their own `user:<id>` topic.

-- types ---------------------------------------------------------------------------------
create type public.session_status as enum ('scheduled', 'lobby', 'active', 'paused', 'ended');
comment on type public.session_status is 'scheduled: created for later (students may already join); lobby: open for joining; active and paused: running; ended.';
create type public.participant_status as enum ('waiting', 'admitted', 'active', 'submitted', 'removed', 'banned');
comment on type public.participant_status is 'waiting: joined, not yet admitted; admitted: will start at launch; active: taking the exam; submitted: done; removed: may rejoin; banned: may not.';

-- tables --------------------------------------------------------------------------------
create table public.exam_sessions (
  id uuid primary key default gen_random_uuid(),
  academy_id uuid not null references public.academies (id) on delete cascade,
  exam_id uuid not null references public.exams (id) on delete cascade,
  owner_id uuid references auth.users (id) on delete set null,
  title text not null check (char_length(title) between 1 and 200),
  status public.session_status not null default 'lobby',
  join_code text not null check (join_code ~ '^[A-HJ-NP-Z2-9]{6}$'),
  mode public.attempt_mode not null default 'diagnostic',
  scheduled_start_at timestamptz,
  duration_seconds integer not null check (duration_seconds between 60 and 86400),
  late_join_allowed boolean not null default true,
  auto_submit_at_end boolean not null default true,
  started_at timestamptz,
  deadline_at timestamptz,
  paused_at timestamptz,
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.exam_sessions is 'A timed exam a teacher runs live for a class. Read by its teachers, the academy''s admins and its participants; changed through RPCs only.';
comment on column public.exam_sessions.join_code is 'Six characters without look-alikes (no I, O, 0, 1), unique among sessions not ended; rotate_session_join_code replaces it.';
comment on column public.exam_sessions.deadline_at is 'One deadline for everyone, set at launch and shifted by every pause; students'' extensions move only their own attempt.';
comment on column public.exam_sessions.auto_submit_at_end is 'true: attempts are submitted and graded when time runs out; false: the exam''s own expiry policy applies.';

create table public.exam_session_teachers (
  session_id uuid not null references public.exam_sessions (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  added_at timestamptz not null default now(),
  primary key (session_id, user_id)
);
comment on table public.exam_session_teachers is 'Co-teachers of a session: they may do everything its owner may.';

create table public.exam_session_participants (
  session_id uuid not null references public.exam_sessions (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  status public.participant_status not null default 'waiting',
  attempt_id uuid references public.exam_attempts (id) on delete set null,
  joined_at timestamptz not null default now(),
  admitted_at timestamptz,
  removed_at timestamptz,
  removal_reason text check (removal_reason is null or char_length(removal_reason) <= 500),
  last_progress_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (session_id, user_id)
);
comment on table public.exam_session_participants is 'Students of a session and where each stands. A student reads their own row; the session''s teachers and the academy''s admins read all.';
comment on column public.exam_session_participants.last_progress_at is 'When the last progress event went to the dashboard: at most one per student per second.';

create table public.exam_session_announcements (
  id bigint generated always as identity primary key,
  session_id uuid not null references public.exam_sessions (id) on delete cascade,
  author_id uuid references auth.users (id) on delete set null,
  message text not null check (char_length(message) between 1 and 2000),
  created_at timestamptz not null default now()
);
comment on table public.exam_session_announcements is 'Messages from the teacher to every participant of a session.';

alter table public.exam_attempts
  add constraint exam_attempts_session_id_fkey foreign key (session_id) references public.exam_sessions (id) on delete set null;

-- indexes -------------------------------------------------------------------------------
create unique index exam_sessions_open_join_code_idx on public.exam_sessions (join_code) where status <> 'ended';
create index exam_sessions_academy_id_idx on public.exam_sessions (academy_id);
create index exam_sessions_exam_id_idx on public.exam_sessions (exam_id);
create index exam_sessions_owner_id_idx on public.exam_sessions (owner_id);
create index exam_sessions_running_deadline_idx on public.exam_sessions (deadline_at) where status in ('active', 'paused');
create index exam_session_teachers_user_id_idx on public.exam_session_teachers (user_id);
create index exam_session_participants_user_id_idx on public.exam_session_participants (user_id);
create index exam_session_participants_attempt_id_idx on public.exam_session_participants (attempt_id);
create index exam_session_announcements_session_id_idx on public.exam_session_announcements (session_id, id);
create index exam_session_announcements_author_id_idx on public.exam_session_announcements (author_id);
create index exam_attempts_session_id_idx on public.exam_attempts (session_id);

-- functions used by triggers and policies ----------------------------------------------
create function private.taught_session_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select s.id from public.exam_sessions as s
  where s.owner_id = (select auth.uid())
    or s.academy_id in (select private.member_academy_ids('{admin}'))
    or s.id in (select t.session_id from public.exam_session_teachers as t where t.user_id = (select auth.uid()));
$$;
comment on function private.taught_session_ids() is
  'Sessions the caller runs: as owner, co-teacher, or admin of the academy. Security definer: policies use it.';

create function private.joined_session_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select p.session_id from public.exam_session_participants as p where p.user_id = (select auth.uid());
$$;
comment on function private.joined_session_ids() is 'Sessions the caller has joined. Security definer: policies use it.';

create function private.is_session_teacher(p_session_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select p_session_id in (select private.taught_session_ids());
$$;
comment on function private.is_session_teacher(uuid) is 'Whether the caller runs the session (owner, co-teacher, academy admin).';

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
    else false
  end;
$$;

create function private.publish_to_participants(p_session_id uuid, p_event text, p_payload jsonb)
returns void
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.publish_event('user:' || p.user_id, p_event, p_payload || jsonb_build_object('session_id', p_session_id))
  from public.exam_session_participants as p
  where p.session_id = p_session_id and p.status not in ('removed', 'banned')
  order by p.user_id;
$$;
comment on function private.publish_to_participants(uuid, text, jsonb) is 'Tells every current participant of a session, each on their own user topic.';

create function private.announce_attempt_progress()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  participant public.exam_session_participants;
begin
  -- Coalesced: at most one progress event per student per second.
  update public.exam_session_participants as p
  set last_progress_at = pg_catalog.now()
  where p.session_id = new.session_id and p.user_id = new.user_id
    and (p.last_progress_at is null or p.last_progress_at <= pg_catalog.now() - interval '1 second')
  returning * into participant;
  if participant.session_id is not null then
    perform private.publish_event('session:' || new.session_id, 'progress', jsonb_build_object(
      'user_id', new.user_id, 'attempt_id', new.id, 'status', new.status,
      'current_question_id', new.current_question_id,
      'answered', (select count(*) from public.attempt_answers as aa where aa.attempt_id = new.id and aa.value is not null),
      'flagged', (select count(*) from public.attempt_flags as f where f.attempt_id = new.id and f.flagged)));
  end if;
  return null;
end;
$$;
comment on function private.announce_attempt_progress() is
  'After a save of a session attempt: a progress event on the session topic, at most one per student per second. Security definer: it writes the participant row and the outbox.';

create function private.announce_attempt_closed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.exam_session_participants as p
  set status = 'submitted', updated_at = pg_catalog.now()
  where p.session_id = new.session_id and p.user_id = new.user_id and p.status = 'active';
  perform private.publish_event('session:' || new.session_id, 'participant_submitted', jsonb_build_object(
    'user_id', new.user_id, 'attempt_id', new.id, 'status', new.status, 'finished_at', new.finished_at,
    'score', new.score, 'max_score', new.max_score));
  return null;
end;
$$;
comment on function private.announce_attempt_closed() is
  'When a session attempt closes: the participant is submitted and the dashboard told. Security definer: it writes the participant row and the outbox.';

create function private.announce_connection_lost()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Once per student whose open session attempt has no connection left, however many
  -- of their devices this statement removed.
  perform private.publish_event('session:' || a.session_id, 'participant_left',
    jsonb_build_object('user_id', a.user_id, 'attempt_id', a.id))
  from public.exam_attempts as a
  where a.id in (select distinct gone.attempt_id from gone)
    and a.session_id is not null and a.status in ('in_progress', 'overdue')
    and not exists (select 1 from public.attempt_connections as c where c.attempt_id = a.id)
  order by a.id;
  return null;
end;
$$;
comment on function private.announce_connection_lost() is
  'When the last connection of an open session attempt goes (silent, or dropped), the dashboard hears once that the student left. Security definer: it writes the outbox.';

-- triggers ------------------------------------------------------------------------------
create trigger touch_updated_at before update on public.exam_sessions
  for each row execute function private.touch_updated_at();
create trigger announce_attempt_progress
  after update of last_activity_at on public.exam_attempts
  for each row when (new.session_id is not null and new.status in ('in_progress', 'overdue'))
  execute function private.announce_attempt_progress();
create trigger announce_attempt_closed
  after update of status on public.exam_attempts
  for each row when (new.session_id is not null and old.status in ('in_progress', 'overdue')
    and new.status not in ('in_progress', 'overdue'))
  execute function private.announce_attempt_closed();
create trigger announce_connection_lost
  after delete on public.attempt_connections
  referencing old table as gone
  for each statement execute function private.announce_connection_lost();

-- grants --------------------------------------------------------------------------------
grant execute on function private.taught_session_ids(), private.joined_session_ids(), private.is_session_teacher(uuid)
  to authenticated, service_role;
grant select on public.exam_sessions, public.exam_session_teachers, public.exam_session_participants,
  public.exam_session_announcements to authenticated;
grant all on public.exam_sessions, public.exam_session_teachers, public.exam_session_participants,
  public.exam_session_announcements to service_role;

-- row level security --------------------------------------------------------------------
alter table public.exam_sessions enable row level security;
alter table public.exam_session_teachers enable row level security;
alter table public.exam_session_participants enable row level security;
alter table public.exam_session_announcements enable row level security;

-- policies ------------------------------------------------------------------------------
create policy exam_sessions_select_member on public.exam_sessions
  for select to authenticated
  using (id in (select private.taught_session_ids()) or id in (select private.joined_session_ids()));
comment on policy exam_sessions_select_member on public.exam_sessions is 'Its teachers, the academy''s admins and its participants read a session.';

create policy exam_session_teachers_select_teacher on public.exam_session_teachers
  for select to authenticated
  using (session_id in (select private.taught_session_ids()));
comment on policy exam_session_teachers_select_teacher on public.exam_session_teachers is 'Who runs a session reads its co-teachers.';

create policy exam_session_participants_select_member on public.exam_session_participants
  for select to authenticated
  using (user_id = (select auth.uid()) or session_id in (select private.taught_session_ids()));
comment on policy exam_session_participants_select_member on public.exam_session_participants is 'A student reads their own participation; who runs the session reads all.';

create policy exam_session_announcements_select_member on public.exam_session_announcements
  for select to authenticated
  using (session_id in (select private.taught_session_ids()) or session_id in (select private.joined_session_ids()));
comment on policy exam_session_announcements_select_member on public.exam_session_announcements is 'Participants and who runs the session read its announcements.';

-- functions: private bodies ---------------------------------------------------------------
create function private.lock_taught_session(p_session_id uuid)
returns public.exam_sessions
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  session public.exam_sessions;
begin
  select * into session from public.exam_sessions as s
  where s.id = p_session_id and s.id in (select private.taught_session_ids())
  for update;
  if session.id is null then
    perform private.raise_http_error(404, 'session_not_found', format('Cannot find session %s', p_session_id));
  end if;
  return session;
end;
$$;
comment on function private.lock_taught_session(uuid) is
  'Locks a session the caller runs for the rest of the transaction; 404 for one that does not exist or is not theirs.';

create function private.assert_session_running(p_session public.exam_sessions)
returns void
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if p_session.status = 'ended' then
    perform private.raise_http_error(409, 'session_ended', 'Cannot change session: it has ended');
  end if;
end;
$$;
comment on function private.assert_session_running(public.exam_sessions) is 'Refuses changes to an ended session (409 session_ended).';

create function private.new_join_code()
returns text
language sql
volatile
security invoker
set search_path = ''
as $$
  select string_agg(substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', 1 + floor(random() * 32)::integer, 1), '')
  from generate_series(1, 6);
$$;
comment on function private.new_join_code() is 'A random six-character join code without look-alike characters.';

create function private.assign_join_code(p_session_id uuid)
returns public.exam_sessions
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  session public.exam_sessions;
begin
  while session.id is null loop
    begin
      update public.exam_sessions as s set join_code = private.new_join_code()
      where s.id = p_session_id
      returning * into session;
    exception when unique_violation then
      null;  -- taken by an open session: draw again
    end;
  end loop;
  return session;
end;
$$;
comment on function private.assign_join_code(uuid) is 'Gives a session a fresh join code unique among open sessions.';

create function private.session_participant(p_session_id uuid, p_user_id uuid)
returns public.exam_session_participants
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  participant public.exam_session_participants;
begin
  select * into participant from public.exam_session_participants as p
  where p.session_id = p_session_id and p.user_id = p_user_id;
  if participant.session_id is null then
    perform private.raise_http_error(404, 'participant_not_found',
      format('Cannot find participant %s in session %s', p_user_id, p_session_id));
  end if;
  return participant;
end;
$$;
comment on function private.session_participant(uuid, uuid) is 'A participant of a session; 404 when the student is not in it.';

create function private.start_participant_attempt(p_session public.exam_sessions, p_user_id uuid)
returns public.exam_session_participants
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  exam public.exams;
  attempt public.exam_attempts;
  participant public.exam_session_participants;
begin
  select * into attempt from public.exam_attempts as a
  where a.session_id = p_session.id and a.user_id = p_user_id and a.status in ('in_progress', 'overdue');
  if attempt.id is null then
    select * into exam from public.exams as e where e.id = p_session.exam_id;
    -- Everyone gets the session's deadline: late joiners get the time that is left.
    attempt := private.open_attempt(exam, p_user_id, p_session.mode, p_session.deadline_at, p_session.id,
      case when p_session.auto_submit_at_end then 'autosubmit' else exam.expiry_policy end);
  end if;
  -- A paused session keeps new and readmitted attempts paused with it.
  update public.exam_attempts as a set paused_at = p_session.paused_at
  where a.id = attempt.id and a.paused_at is distinct from p_session.paused_at;
  update public.exam_session_participants as p
  set status = 'active', attempt_id = attempt.id, admitted_at = coalesce(p.admitted_at, pg_catalog.now()),
      updated_at = pg_catalog.now()
  where p.session_id = p_session.id and p.user_id = p_user_id
  returning * into participant;
  perform private.publish_event('user:' || p_user_id, 'session_attempt_started', jsonb_build_object(
    'session_id', p_session.id, 'attempt_id', attempt.id, 'deadline_at', attempt.deadline_at,
    'paused', p_session.paused_at is not null));
  return participant;
end;
$$;
comment on function private.start_participant_attempt(public.exam_sessions, uuid) is
  'Starts (or resumes, after a removal) a participant''s attempt of a running session.';

create function private.admit_participants(p_session public.exam_sessions, p_user_ids uuid[])
returns setof public.exam_session_participants
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  participant public.exam_session_participants;
begin
  for participant in
    update public.exam_session_participants as p
    set status = 'admitted', admitted_at = pg_catalog.now(), removed_at = null, removal_reason = null,
        updated_at = pg_catalog.now()
    where p.session_id = p_session.id
      and ((p.status = 'waiting' and (p_user_ids is null or p.user_id = any (p_user_ids)))
        -- a removed student comes back only when named
        or (p.status = 'removed' and p.user_id = any (p_user_ids)))
    returning *
  loop
    if p_session.status in ('active', 'paused') then
      participant := private.start_participant_attempt(p_session, participant.user_id);
    end if;
    perform private.publish_event('session:' || p_session.id, 'participant_admitted',
      jsonb_build_object('user_id', participant.user_id, 'status', participant.status));
    perform private.publish_event('user:' || participant.user_id, 'session_admitted',
      jsonb_build_object('session_id', p_session.id, 'status', participant.status));
    return next participant;
  end loop;
end;
$$;
comment on function private.admit_participants(public.exam_sessions, uuid[]) is
  'Admits waiting participants (all when p_user_ids is null) and the removed (not banned) ones named in p_user_ids; in a running session their attempts start at once.';

create function private.create_exam_session(
  p_exam_id uuid, p_title text, p_duration_seconds integer, p_scheduled_start_at timestamptz, p_settings jsonb
) returns public.exam_sessions
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  exam public.exams;
  session public.exam_sessions;
begin
  select * into exam from public.exams as e
  where e.id = p_exam_id and e.id in (select private.authored_exam_ids());
  if exam.id is null then
    perform private.raise_http_error(404, 'exam_not_found', format('Cannot find exam %s', p_exam_id));
  end if;
  if jsonb_typeof(coalesce(p_settings, '{}')) <> 'object'
    or exists (select 1 from jsonb_object_keys(coalesce(p_settings, '{}')) as k
      where k not in ('late_join_allowed', 'auto_submit_at_end', 'mode'))
    or coalesce(jsonb_typeof(p_settings -> 'late_join_allowed'), 'boolean') <> 'boolean'
    or coalesce(jsonb_typeof(p_settings -> 'auto_submit_at_end'), 'boolean') <> 'boolean'
    or coalesce(p_settings ->> 'mode', 'diagnostic') not in ('diagnostic', 'practice', 'drill') then
    raise exception 'Cannot create session: settings take late_join_allowed and auto_submit_at_end (booleans) and mode (diagnostic, practice or drill)'
      using errcode = '22023', hint = 'invalid_settings';
  end if;
  if coalesce(p_duration_seconds, exam.duration_seconds) not between 60 and 86400 then
    raise exception 'Cannot create session: duration must be between 60 and 86400 seconds'
      using errcode = '22023', hint = 'invalid_duration';
  end if;
  insert into public.exam_sessions (academy_id, exam_id, owner_id, title, status, join_code, mode,
    scheduled_start_at, duration_seconds, late_join_allowed, auto_submit_at_end)
  values (exam.academy_id, exam.id, (select auth.uid()), coalesce(nullif(btrim(p_title), ''), exam.title),
    case when p_scheduled_start_at > pg_catalog.now() then 'scheduled' else 'lobby' end::public.session_status,
    'AAAAAA', coalesce(p_settings ->> 'mode', 'diagnostic')::public.attempt_mode, p_scheduled_start_at,
    coalesce(p_duration_seconds, exam.duration_seconds),
    coalesce((p_settings ->> 'late_join_allowed')::boolean, true),
    coalesce((p_settings ->> 'auto_submit_at_end')::boolean, true))
  returning * into session;
  return private.assign_join_code(session.id);
end;
$$;
comment on function private.create_exam_session(uuid, text, integer, timestamptz, jsonb) is
  'Creates a session of an exam the caller authors, with a join code. Security definer: sessions are written by RPCs only.';

create function private.rotate_session_join_code(p_session_id uuid)
returns public.exam_sessions
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions := private.lock_taught_session(p_session_id);
begin
  perform private.assert_session_running(session);
  return private.assign_join_code(session.id);
end;
$$;
comment on function private.rotate_session_join_code(uuid) is 'Replaces a session''s join code. Security definer: checks the caller runs the session.';

create function private.add_session_teacher(p_session_id uuid, p_user_id uuid)
returns public.exam_session_teachers
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions := private.lock_taught_session(p_session_id);
  added public.exam_session_teachers;
begin
  if not exists (select 1 from public.academy_members as m
    where m.academy_id = session.academy_id and m.user_id = p_user_id and m.role in ('teacher', 'admin')) then
    raise exception 'Cannot add co-teacher: % is not a teacher of this academy', p_user_id
      using errcode = '22023', hint = 'not_a_teacher';
  end if;
  insert into public.exam_session_teachers (session_id, user_id) values (session.id, p_user_id)
  on conflict (session_id, user_id) do update set added_at = public.exam_session_teachers.added_at
  returning * into added;
  return added;
end;
$$;
comment on function private.add_session_teacher(uuid, uuid) is 'Adds a teacher of the academy as co-teacher. Security definer: checks the caller runs the session.';

create function private.join_exam_session(p_join_code text)
returns public.exam_session_participants
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  session public.exam_sessions;
  participant public.exam_session_participants;
begin
  select * into session from public.exam_sessions as s
  where s.join_code = upper(btrim(p_join_code)) and s.status <> 'ended'
    and private.is_academy_member(s.academy_id, '{student}')
  for update;
  if session.id is null then
    perform private.raise_http_error(404, 'session_not_found', 'Cannot join: no open session has this code');
  end if;
  select * into participant from public.exam_session_participants as p
  where p.session_id = session.id and p.user_id = caller;
  if participant.status = 'banned' then
    perform private.raise_http_error(403, 'participant_banned', 'Cannot join: you were banned from this session');
  end if;
  if participant.status in ('waiting', 'admitted', 'active', 'submitted') then
    return participant;
  end if;
  if session.status in ('active', 'paused') and not session.late_join_allowed then
    perform private.raise_http_error(409, 'late_join_closed', 'Cannot join: the session has started and takes no late joiners');
  end if;
  insert into public.exam_session_participants as p (session_id, user_id, status)
  values (session.id, caller, 'waiting')
  on conflict (session_id, user_id) do update
    set status = 'waiting', joined_at = pg_catalog.now(), updated_at = pg_catalog.now()
  returning * into participant;
  perform private.publish_event('session:' || session.id, 'participant_joined', jsonb_build_object(
    'user_id', caller, 'status', participant.status, 'rejoined', participant.removed_at is not null));
  return participant;
end;
$$;
comment on function private.join_exam_session(text) is
  'A student of the academy joins a session by code and waits in the lobby; a removed student may rejoin, a banned one may not. Security definer: the student cannot read the session before joining.';

create function private.enroll_session_students(p_session_id uuid, p_user_ids uuid[])
returns setof public.exam_session_participants
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions := private.lock_taught_session(p_session_id);
  outsider uuid;
begin
  perform private.assert_session_running(session);
  select u into outsider from unnest(coalesce(p_user_ids, '{}')) as u
  where not exists (select 1 from public.academy_members as m
    where m.academy_id = session.academy_id and m.user_id = u and m.role = 'student')
  limit 1;
  if outsider is not null or cardinality(p_user_ids) is null then
    raise exception 'Cannot enroll: % is not a student of this academy', coalesce(outsider::text, 'nobody')
      using errcode = '22023', hint = 'not_a_student';
  end if;
  insert into public.exam_session_participants (session_id, user_id, status)
  select session.id, u, 'waiting' from unnest(p_user_ids) as u
  on conflict (session_id, user_id) do nothing;
  return query select * from private.admit_participants(session, p_user_ids);
end;
$$;
comment on function private.enroll_session_students(uuid, uuid[]) is
  'The teacher enrolls students of the academy, admitted at once (banned ones stay banned). Security definer: checks the caller runs the session.';

create function private.admit_session_participants(p_session_id uuid, p_user_ids uuid[])
returns setof public.exam_session_participants
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions := private.lock_taught_session(p_session_id);
begin
  perform private.assert_session_running(session);
  return query select * from private.admit_participants(session, p_user_ids);
end;
$$;
comment on function private.admit_session_participants(uuid, uuid[]) is 'Admits waiting participants (all when p_user_ids is null). Security definer: checks the caller runs the session.';

create function private.remove_session_participant(p_session_id uuid, p_user_id uuid, p_reason text, p_ban boolean)
returns public.exam_session_participants
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions := private.lock_taught_session(p_session_id);
  participant public.exam_session_participants := private.session_participant(p_session_id, p_user_id);
  attempt public.exam_attempts;
begin
  perform private.assert_session_running(session);
  if coalesce(btrim(p_reason), '') = '' then
    raise exception 'Cannot remove participant: give a reason' using errcode = '22023', hint = 'reason_required';
  end if;
  select * into attempt from public.exam_attempts as a
  where a.id = participant.attempt_id and a.status in ('in_progress', 'overdue') for update;
  if attempt.id is not null then
    perform private.log_activity(attempt.id, 'removed', null,
      jsonb_build_object('reason', p_reason, 'banned', coalesce(p_ban, false), 'by', (select auth.uid())));
    if coalesce(p_ban, false) then
      perform private.close_attempt(attempt.id, 'abandoned', pg_catalog.now());
    else
      -- Kept for a rejoin: frozen, while its deadline keeps running.
      update public.exam_attempts as a set paused_at = coalesce(a.paused_at, pg_catalog.now()) where a.id = attempt.id;
    end if;
  end if;
  update public.exam_session_participants as p
  set status = case when coalesce(p_ban, false) then 'banned' else 'removed' end::public.participant_status,
      removed_at = pg_catalog.now(), removal_reason = p_reason, updated_at = pg_catalog.now()
  where p.session_id = p_session_id and p.user_id = p_user_id
  returning * into participant;
  perform private.publish_event('session:' || p_session_id, 'participant_removed', jsonb_build_object(
    'user_id', p_user_id, 'status', participant.status, 'reason', p_reason));
  perform private.publish_event('user:' || p_user_id, 'session_removed', jsonb_build_object(
    'session_id', p_session_id, 'status', participant.status, 'reason', p_reason));
  return participant;
end;
$$;
comment on function private.remove_session_participant(uuid, uuid, text, boolean) is
  'Removes a participant with a reason: their attempt is frozen until they rejoin and are admitted, or closed ungraded when banned. Security definer: checks the caller runs the session.';

create function private.launch_exam_session(p_session_id uuid)
returns public.exam_sessions
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions := private.lock_taught_session(p_session_id);
  admitted uuid;
begin
  perform private.assert_session_running(session);
  if session.status not in ('scheduled', 'lobby') then
    perform private.raise_http_error(409, 'session_not_in_lobby',
      format('Cannot launch session: it is %s', session.status));
  end if;
  -- One started_at and one deadline for everyone, in this one transaction.
  update public.exam_sessions as s
  set status = 'active', started_at = pg_catalog.now(),
      deadline_at = pg_catalog.now() + make_interval(secs => s.duration_seconds)
  where s.id = p_session_id
  returning * into session;
  for admitted in
    select p.user_id from public.exam_session_participants as p
    where p.session_id = p_session_id and p.status = 'admitted'
    order by p.user_id
  loop
    perform private.start_participant_attempt(session, admitted);
  end loop;
  perform private.publish_event('session:' || p_session_id, 'session_status', jsonb_build_object(
    'status', session.status, 'started_at', session.started_at, 'deadline_at', session.deadline_at));
  return session;
end;
$$;
comment on function private.launch_exam_session(uuid) is
  'Starts every admitted student''s attempt at once with one deadline. Security definer: checks the caller runs the session.';

create function private.set_session_paused(p_session_id uuid, p_paused boolean)
returns public.exam_sessions
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions := private.lock_taught_session(p_session_id);
  pause interval;
begin
  perform private.assert_session_running(session);
  if session.status <> (case when p_paused then 'active' else 'paused' end)::public.session_status then
    perform private.raise_http_error(409, case when p_paused then 'session_not_active' else 'session_not_paused' end,
      format('Cannot %s session: it is %s', case when p_paused then 'pause' else 'resume' end, session.status));
  end if;
  if p_paused then
    update public.exam_sessions as s set status = 'paused', paused_at = pg_catalog.now()
    where s.id = p_session_id returning * into session;
    update public.exam_attempts as a set paused_at = pg_catalog.now()
    from public.exam_session_participants as p
    where a.session_id = p_session_id and a.status in ('in_progress', 'overdue') and a.paused_at is null
      and p.session_id = p_session_id and p.user_id = a.user_id and p.status = 'active';
  else
    pause := pg_catalog.now() - session.paused_at;
    update public.exam_sessions as s
    set status = 'active', paused_at = null, deadline_at = s.deadline_at + pause
    where s.id = p_session_id returning * into session;
    update public.exam_attempts as a
    set deadline_at = a.deadline_at + (pg_catalog.now() - a.paused_at), paused_at = null
    from public.exam_session_participants as p
    where a.session_id = p_session_id and a.status in ('in_progress', 'overdue') and a.paused_at is not null
      and p.session_id = p_session_id and p.user_id = a.user_id and p.status = 'active';
  end if;
  insert into public.attempt_activity_events (attempt_id, event_type, details)
  select a.id, case when p_paused then 'paused' else 'unpaused' end, jsonb_build_object('session_id', p_session_id)
  from public.exam_attempts as a
  join public.exam_session_participants as p on p.session_id = p_session_id and p.user_id = a.user_id
  where a.session_id = p_session_id and a.status in ('in_progress', 'overdue') and p.status = 'active';
  perform private.publish_event('session:' || p_session_id, 'session_status', jsonb_build_object(
    'status', session.status, 'paused_at', session.paused_at, 'deadline_at', session.deadline_at));
  perform private.publish_to_participants(p_session_id, 'session_status', jsonb_build_object(
    'status', session.status, 'deadline_at', session.deadline_at));
  return session;
end;
$$;
comment on function private.set_session_paused(uuid, boolean) is
  'Pause freezes every open attempt of the session; resume moves every deadline by the length of the pause. Security definer: checks the caller runs the session.';

create function private.extend_participant_time(p_session_id uuid, p_user_id uuid, p_seconds integer, p_reason text)
returns public.exam_attempts
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions := private.lock_taught_session(p_session_id);
  participant public.exam_session_participants := private.session_participant(p_session_id, p_user_id);
  attempt public.exam_attempts;
begin
  perform private.assert_session_running(session);
  if p_seconds is null or p_seconds not between 1 and 86400 or coalesce(btrim(p_reason), '') = '' then
    raise exception 'Cannot extend time: give 1 to 86400 seconds and a reason'
      using errcode = '22023', hint = 'invalid_extension';
  end if;
  update public.exam_attempts as a
  set deadline_at = a.deadline_at + make_interval(secs => p_seconds), extension_seconds = a.extension_seconds + p_seconds
  where a.id = participant.attempt_id and a.status in ('in_progress', 'overdue')
  returning * into attempt;
  if attempt.id is null then
    perform private.raise_http_error(409, 'attempt_closed', 'Cannot extend time: the student has no open attempt');
  end if;
  perform private.log_activity(attempt.id, 'time_extended', null,
    jsonb_build_object('seconds', p_seconds, 'reason', p_reason, 'by', (select auth.uid())));
  perform private.publish_event('attempt:' || attempt.id, 'time_extended', jsonb_build_object(
    'attempt_id', attempt.id, 'seconds', p_seconds, 'deadline_at', attempt.deadline_at));
  perform private.publish_event('session:' || p_session_id, 'time_extended', jsonb_build_object(
    'user_id', p_user_id, 'attempt_id', attempt.id, 'seconds', p_seconds, 'deadline_at', attempt.deadline_at));
  return attempt;
end;
$$;
comment on function private.extend_participant_time(uuid, uuid, integer, text) is
  'Gives one student more time, with a reason recorded in their activity log. Security definer: checks the caller runs the session.';

create function private.end_participant_attempt(p_session_id uuid, p_user_id uuid, p_reason text)
returns public.exam_attempts
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions := private.lock_taught_session(p_session_id);
  participant public.exam_session_participants := private.session_participant(p_session_id, p_user_id);
  attempt public.exam_attempts;
begin
  perform private.assert_session_running(session);
  if coalesce(btrim(p_reason), '') = '' then
    raise exception 'Cannot end attempt: give a reason' using errcode = '22023', hint = 'reason_required';
  end if;
  select * into attempt from public.exam_attempts as a
  where a.id = participant.attempt_id and a.status in ('in_progress', 'overdue') for update;
  if attempt.id is null then
    perform private.raise_http_error(409, 'attempt_closed', 'Cannot end attempt: the student has no open attempt');
  end if;
  perform private.log_activity(attempt.id, 'ended_by_teacher', null,
    jsonb_build_object('reason', p_reason, 'by', (select auth.uid())));
  return private.close_attempt(attempt.id, 'submitted', pg_catalog.now());
end;
$$;
comment on function private.end_participant_attempt(uuid, uuid, text) is
  'Submits and grades one student''s attempt now, with a reason in their activity log. Security definer: checks the caller runs the session.';

create function private.end_exam_session(p_session_id uuid)
returns public.exam_sessions
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions := private.lock_taught_session(p_session_id);
  open_attempt uuid;
begin
  perform private.assert_session_running(session);
  -- Everything in this one transaction: either every attempt is graded and the session ends, or nothing.
  for open_attempt in
    select a.id from public.exam_attempts as a
    where a.session_id = p_session_id and a.status in ('in_progress', 'overdue')
    order by a.id
    for update
  loop
    perform private.close_attempt(open_attempt, 'submitted', least(pg_catalog.now(),
      (select a.deadline_at from public.exam_attempts as a where a.id = open_attempt)));
  end loop;
  update public.exam_sessions as s set status = 'ended', ended_at = pg_catalog.now(), paused_at = null
  where s.id = p_session_id returning * into session;
  perform private.publish_event('session:' || p_session_id, 'session_status',
    jsonb_build_object('status', session.status, 'ended_at', session.ended_at));
  perform private.publish_to_participants(p_session_id, 'session_status', jsonb_build_object('status', session.status));
  return session;
end;
$$;
comment on function private.end_exam_session(uuid) is
  'Ends a session: submits and grades every attempt still open, in one transaction. Security definer: checks the caller runs the session.';

create function private.end_finished_sessions()
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  ended integer;
begin
  -- Attempts close through expire_overdue_attempts; a session ends once time is up and none is open.
  with finished as (
    update public.exam_sessions as s
    set status = 'ended', ended_at = pg_catalog.now()
    where s.status = 'active' and s.deadline_at < pg_catalog.now()
      and not exists (select 1 from public.exam_attempts as a
        where a.session_id = s.id and a.status in ('in_progress', 'overdue'))
    returning s.id, s.status, s.ended_at
  )
  select count(*) into ended from (
    select private.publish_event('session:' || f.id, 'session_status',
        jsonb_build_object('status', f.status, 'ended_at', f.ended_at)),
      private.publish_to_participants(f.id, 'session_status', jsonb_build_object('status', f.status))
    from finished as f
  ) as published;
  return ended;
end;
$$;
comment on function private.end_finished_sessions() is
  'Run by pg_cron every minute: ends running sessions whose time is up and whose attempts are all closed. Security definer so the job works whoever schedules it.';

create function private.post_session_announcement(p_session_id uuid, p_message text)
returns public.exam_session_announcements
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions := private.lock_taught_session(p_session_id);
  announcement public.exam_session_announcements;
begin
  perform private.assert_session_running(session);
  if coalesce(char_length(btrim(p_message)), 0) not between 1 and 2000 then
    raise exception 'Cannot announce: the message must have 1 to 2000 characters'
      using errcode = '22023', hint = 'invalid_message';
  end if;
  insert into public.exam_session_announcements (session_id, author_id, message)
  values (p_session_id, (select auth.uid()), btrim(p_message))
  returning * into announcement;
  perform private.publish_to_participants(p_session_id, 'announcement', jsonb_build_object(
    'announcement_id', announcement.id, 'message', announcement.message, 'created_at', announcement.created_at));
  perform private.publish_event('session:' || p_session_id, 'announcement', jsonb_build_object(
    'announcement_id', announcement.id, 'message', announcement.message));
  return announcement;
end;
$$;
comment on function private.post_session_announcement(uuid, text) is
  'Sends a message to every participant. Security definer: checks the caller runs the session.';

create function private.get_session_dashboard(p_session_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions;
  participants jsonb;
begin
  select * into session from public.exam_sessions as s
  where s.id = p_session_id and s.id in (select private.taught_session_ids());
  if session.id is null then
    perform private.raise_http_error(404, 'session_not_found', format('Cannot find session %s', p_session_id));
  end if;
  select coalesce(jsonb_agg(row_to_json(r)::jsonb order by r.display_name, r.user_id), '[]'::jsonb) into participants
  from (
    select p.user_id, pr.display_name, p.status, p.joined_at, p.removal_reason, p.attempt_id,
      a.status as attempt_status,
      coalesce(c.devices, 0) as connected_devices, c.last_heartbeat_at,
      coalesce(ans.answered, 0) as answered, q.total,
      coalesce(fl.flagged, 0) as flagged,
      a.current_question_id,
      case when a.id is null then null else private.remaining_ms(a) end as remaining_ms,
      a.extension_seconds,
      a.score, a.max_score, a.grading_status
    from public.exam_session_participants as p
    join public.profiles as pr on pr.id = p.user_id
    left join public.exam_attempts as a on a.id = p.attempt_id
    cross join (select count(*)::integer as total from public.questions as qq where qq.exam_id = session.exam_id) as q
    left join lateral (
      select count(*)::integer as devices, max(cc.last_heartbeat_at) as last_heartbeat_at
      from public.attempt_connections as cc
      where cc.attempt_id = a.id and cc.last_heartbeat_at > pg_catalog.now() - private.live_connection_window()
    ) as c on true
    left join lateral (
      select count(*)::integer as answered from public.attempt_answers as aa
      where aa.attempt_id = a.id and aa.value is not null
    ) as ans on true
    left join lateral (
      select count(*)::integer as flagged from public.attempt_flags as ff where ff.attempt_id = a.id and ff.flagged
    ) as fl on true
    where p.session_id = p_session_id
  ) as r;
  return jsonb_build_object(
    'session', jsonb_build_object('id', session.id, 'exam_id', session.exam_id, 'title', session.title,
      'status', session.status, 'join_code', session.join_code, 'started_at', session.started_at,
      'deadline_at', session.deadline_at, 'paused_at', session.paused_at, 'ended_at', session.ended_at,
      'remaining_ms', case when session.deadline_at is null or session.status = 'ended' then null
        else greatest(0, floor(extract(epoch from session.deadline_at
          - coalesce(session.paused_at, pg_catalog.now())) * 1000))::bigint end),
    'participants', participants,
    'totals', (
      select jsonb_build_object(
        'joined', count(*) filter (where x ->> 'status' not in ('removed', 'banned')),
        'waiting', count(*) filter (where x ->> 'status' in ('waiting', 'admitted')),
        'active', count(*) filter (where x ->> 'attempt_status' in ('in_progress', 'overdue')
          and x ->> 'status' = 'active'),
        'submitted', count(*) filter (where x ->> 'status' = 'submitted'),
        'removed', count(*) filter (where x ->> 'status' in ('removed', 'banned')),
        'disconnected', count(*) filter (where x ->> 'status' = 'active'
          and x ->> 'attempt_status' in ('in_progress', 'overdue') and (x ->> 'connected_devices')::integer = 0))
      from jsonb_array_elements(participants) as x),
    'server_now', pg_catalog.now(),
    'last_event_id', private.last_event_id('session:' || p_session_id)
  );
end;
$$;
comment on function private.get_session_dashboard(uuid) is
  'The live dashboard of a session for who runs it. Security definer: it reads every participant''s attempt.';

-- functions: public RPCs ------------------------------------------------------------------
create function public.create_exam_session(
  p_exam_id uuid, p_title text default null, p_duration_seconds integer default null,
  p_scheduled_start_at timestamptz default null, p_settings jsonb default '{}'
) returns public.exam_sessions
language sql volatile security invoker set search_path = ''
as $$ select * from private.create_exam_session(p_exam_id, p_title, p_duration_seconds, p_scheduled_start_at, p_settings); $$;
comment on function public.create_exam_session(uuid, text, integer, timestamptz, jsonb) is
  'Teachers and admins: a live session of an exam of their academy, with a join code. p_settings: {late_join_allowed, auto_submit_at_end, mode}.';

create function public.rotate_session_join_code(p_session_id uuid)
returns public.exam_sessions
language sql volatile security invoker set search_path = ''
as $$ select * from private.rotate_session_join_code(p_session_id); $$;
comment on function public.rotate_session_join_code(uuid) is 'Who runs the session: a new join code.';

create function public.add_session_teacher(p_session_id uuid, p_user_id uuid)
returns public.exam_session_teachers
language sql volatile security invoker set search_path = ''
as $$ select * from private.add_session_teacher(p_session_id, p_user_id); $$;
comment on function public.add_session_teacher(uuid, uuid) is 'Who runs the session: adds a teacher of the academy as co-teacher.';

create function public.join_exam_session(p_join_code text)
returns public.exam_session_participants
language sql volatile security invoker set search_path = ''
as $$ select * from private.join_exam_session(p_join_code); $$;
comment on function public.join_exam_session(text) is
  'Students: join a session of their academy by code (lobby). 404 session_not_found, 403 participant_banned, 409 late_join_closed.';

create function public.enroll_session_students(p_session_id uuid, p_user_ids uuid[])
returns setof public.exam_session_participants
language sql volatile security invoker set search_path = ''
as $$ select * from private.enroll_session_students(p_session_id, p_user_ids); $$;
comment on function public.enroll_session_students(uuid, uuid[]) is 'Who runs the session: enrolls students of the academy, admitted at once.';

create function public.admit_session_participants(p_session_id uuid, p_user_ids uuid[] default null)
returns setof public.exam_session_participants
language sql volatile security invoker set search_path = ''
as $$ select * from private.admit_session_participants(p_session_id, p_user_ids); $$;
comment on function public.admit_session_participants(uuid, uuid[]) is 'Who runs the session: admits waiting students (all when p_user_ids is null).';

create function public.remove_session_participant(
  p_session_id uuid, p_user_id uuid, p_reason text, p_ban boolean default false
) returns public.exam_session_participants
language sql volatile security invoker set search_path = ''
as $$ select * from private.remove_session_participant(p_session_id, p_user_id, p_reason, p_ban); $$;
comment on function public.remove_session_participant(uuid, uuid, text, boolean) is
  'Who runs the session: removes a student with a reason (may rejoin), or bans them (attempt closed ungraded).';

create function public.launch_exam_session(p_session_id uuid)
returns public.exam_sessions
language sql volatile security invoker set search_path = ''
as $$ select * from private.launch_exam_session(p_session_id); $$;
comment on function public.launch_exam_session(uuid) is 'Who runs the session: starts every admitted student''s attempt with one deadline.';

create function public.pause_exam_session(p_session_id uuid)
returns public.exam_sessions
language sql volatile security invoker set search_path = ''
as $$ select * from private.set_session_paused(p_session_id, true); $$;
comment on function public.pause_exam_session(uuid) is 'Who runs the session: freezes every deadline.';

create function public.resume_exam_session(p_session_id uuid)
returns public.exam_sessions
language sql volatile security invoker set search_path = ''
as $$ select * from private.set_session_paused(p_session_id, false); $$;
comment on function public.resume_exam_session(uuid) is 'Who runs the session: resumes, moving every deadline by the pause.';

create function public.extend_participant_time(p_session_id uuid, p_user_id uuid, p_seconds integer, p_reason text)
returns public.exam_attempts
language sql volatile security invoker set search_path = ''
as $$ select * from private.extend_participant_time(p_session_id, p_user_id, p_seconds, p_reason); $$;
comment on function public.extend_participant_time(uuid, uuid, integer, text) is 'Who runs the session: more time for one student, with a reason.';

create function public.end_participant_attempt(p_session_id uuid, p_user_id uuid, p_reason text)
returns public.exam_attempts
language sql volatile security invoker set search_path = ''
as $$ select * from private.end_participant_attempt(p_session_id, p_user_id, p_reason); $$;
comment on function public.end_participant_attempt(uuid, uuid, text) is 'Who runs the session: submits and grades one student''s attempt now, with a reason.';

create function public.end_exam_session(p_session_id uuid)
returns public.exam_sessions
language sql volatile security invoker set search_path = ''
as $$ select * from private.end_exam_session(p_session_id); $$;
comment on function public.end_exam_session(uuid) is 'Who runs the session: submits and grades every open attempt and ends the session, in one transaction.';

create function public.post_session_announcement(p_session_id uuid, p_message text)
returns public.exam_session_announcements
language sql volatile security invoker set search_path = ''
as $$ select * from private.post_session_announcement(p_session_id, p_message); $$;
comment on function public.post_session_announcement(uuid, text) is 'Who runs the session: a message to every participant.';

create function public.get_session_dashboard(p_session_id uuid)
returns jsonb
language sql stable security invoker set search_path = ''
as $$ select private.get_session_dashboard(p_session_id); $$;
comment on function public.get_session_dashboard(uuid) is
  'Who runs the session: every participant (status, connected devices, answered/total, flagged, current question, remaining ms, score) and totals (joined, waiting, active, submitted, removed, disconnected).';

grant execute on function
  private.create_exam_session(uuid, text, integer, timestamptz, jsonb), private.rotate_session_join_code(uuid),
  private.add_session_teacher(uuid, uuid), private.join_exam_session(text),
  private.enroll_session_students(uuid, uuid[]), private.admit_session_participants(uuid, uuid[]),
  private.remove_session_participant(uuid, uuid, text, boolean), private.launch_exam_session(uuid),
  private.set_session_paused(uuid, boolean), private.extend_participant_time(uuid, uuid, integer, text),
  private.end_participant_attempt(uuid, uuid, text), private.end_exam_session(uuid),
  private.post_session_announcement(uuid, text), private.get_session_dashboard(uuid)
  to authenticated;
grant execute on function
  public.create_exam_session(uuid, text, integer, timestamptz, jsonb), public.rotate_session_join_code(uuid),
  public.add_session_teacher(uuid, uuid), public.join_exam_session(text),
  public.enroll_session_students(uuid, uuid[]), public.admit_session_participants(uuid, uuid[]),
  public.remove_session_participant(uuid, uuid, text, boolean), public.launch_exam_session(uuid),
  public.pause_exam_session(uuid), public.resume_exam_session(uuid),
  public.extend_participant_time(uuid, uuid, integer, text), public.end_participant_attempt(uuid, uuid, text),
  public.end_exam_session(uuid), public.post_session_announcement(uuid, text), public.get_session_dashboard(uuid)
  to authenticated;

select cron.schedule('examsync-end-finished-sessions', '* * * * *', 'select private.end_finished_sessions()');
