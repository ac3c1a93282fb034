-- Exam attempts: the attempt with its server-side clock, answers with per-answer
-- versions, flags outside versioning, per-section state, the answer history, the activity
-- log, open conflicts, live connections, per-user sub-skill performance, and the outbox
-- of events others must see (delivered by Supabase Realtime and the attempt-events SSE
-- function). Clients only read these tables; every write goes through the RPCs of the
-- next migration, which check ownership, the deadline and the input.

-- types ---------------------------------------------------------------------------------
create type public.attempt_mode as enum ('diagnostic', 'practice', 'drill');
comment on type public.attempt_mode is 'Why the student takes the exam: diagnostic (placement, live sessions), practice, or drill (repetition).';
create type public.attempt_status as enum ('in_progress', 'overdue', 'submitted', 'expired', 'abandoned');
comment on type public.attempt_status is
  'in_progress: open; overdue: time is up, saves still accepted until the grace period ends; submitted: by the student; expired: time ran out and it was submitted and graded for them; abandoned: closed ungraded (expiry policy abandon).';
create type public.section_status as enum ('not_started', 'in_progress', 'completed');
comment on type public.section_status is 'Where a student stands in a section of their attempt.';
create type public.answer_history_source as enum ('save', 'conflict_loser', 'resolution', 'system');
comment on type public.answer_history_source is 'Why a history row exists: a save, a value that lost a conflict, a conflict resolution, or the system.';
create type public.grading_status as enum ('ungraded', 'pending_review', 'graded');
comment on type public.grading_status is 'pending_review: auto-gradable questions are graded, essays wait for a teacher.';

-- tables --------------------------------------------------------------------------------
create table public.exam_attempts (
  id uuid primary key default gen_random_uuid(),
  exam_id uuid not null references public.exams (id) on delete cascade,
  academy_id uuid not null references public.academies (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  session_id uuid,
  attempt_number integer not null check (attempt_number > 0),
  mode public.attempt_mode not null default 'practice',
  status public.attempt_status not null default 'in_progress',
  conflict_strategy public.conflict_strategy not null,
  expiry_policy public.exam_expiry_policy not null,
  started_at timestamptz not null default now(),
  deadline_at timestamptz not null,
  paused_at timestamptz,
  extension_seconds integer not null default 0,
  finished_at timestamptz,
  current_question_id uuid references public.questions (id) on delete set null,
  position_client_id text,
  position_seq bigint,
  client_remaining_ms integer,
  client_remaining_reported_at timestamptz,
  score numeric(10, 2),
  max_score numeric(10, 2),
  grading_status public.grading_status not null default 'ungraded',
  graded_at timestamptz,
  last_activity_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (exam_id, user_id, attempt_number)
);
comment on table public.exam_attempts is
  'One student''s attempt at an exam. Time is the server''s: remaining time is computed from deadline_at and now(), never stored. The student and the academy''s teachers and admins read it; only RPCs write it.';
comment on column public.exam_attempts.session_id is 'The live exam session the attempt belongs to, if a teacher runs it.';
comment on column public.exam_attempts.expiry_policy is 'What happens when time runs out, fixed at start: the exam''s, or autosubmit for a live session that submits at its end.';
comment on column public.exam_attempts.deadline_at is 'When time runs out; moved by extensions and by resuming a pause. Saves are accepted until deadline_at plus the exam''s grace period.';
comment on column public.exam_attempts.paused_at is 'Set while the attempt is paused; remaining time is frozen at deadline_at - paused_at.';
comment on column public.exam_attempts.client_remaining_ms is 'The remaining time the client last reported, for audit only.';
comment on column public.exam_attempts.position_seq is 'seq of the position op that set current_question_id, so an older op of the same client replayed late does not move it back.';

create table public.attempt_answers (
  attempt_id uuid not null references public.exam_attempts (id) on delete cascade,
  question_id uuid not null references public.questions (id) on delete cascade,
  value jsonb,
  version integer not null check (version > 0),
  client_id text,
  client_seq bigint,
  updated_at timestamptz not null default now(),
  is_correct boolean,
  points_awarded numeric(8, 2),
  primary key (attempt_id, question_id)
);
comment on table public.attempt_answers is
  'The current answer to each question of an attempt. version grows by one with every change; a save edited from an older version is a conflict. is_correct and points_awarded are set when the attempt is graded.';
comment on column public.attempt_answers.value is 'The answer: "option id", ["option ids"], true|false, a number, or text; null once cleared.';
comment on column public.attempt_answers.client_id is 'The client (device or tab) that wrote the current value.';
comment on column public.attempt_answers.client_seq is 'That client''s op sequence number, to order its own ops replayed out of order.';

create table public.attempt_flags (
  attempt_id uuid not null references public.exam_attempts (id) on delete cascade,
  question_id uuid not null references public.questions (id) on delete cascade,
  flagged boolean not null,
  client_id text,
  client_seq bigint,
  updated_at timestamptz not null default now(),
  primary key (attempt_id, question_id)
);
comment on table public.attempt_flags is 'Questions a student marked for review. Outside answer versioning, so flagging never conflicts with answering.';

create table public.attempt_section_states (
  attempt_id uuid not null references public.exam_attempts (id) on delete cascade,
  section_id uuid not null references public.exam_sections (id) on delete cascade,
  status public.section_status not null default 'not_started',
  current_question_id uuid references public.questions (id) on delete set null,
  time_used_ms bigint not null default 0 check (time_used_ms >= 0),
  started_at timestamptz,
  deadline_at timestamptz,
  completed_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (attempt_id, section_id)
);
comment on table public.attempt_section_states is 'Per-section state of an attempt: status, position and time used; deadline_at when the section has its own time limit.';

create table public.question_attempt_history (
  id bigint generated always as identity primary key,
  attempt_id uuid not null references public.exam_attempts (id) on delete cascade,
  question_id uuid not null references public.questions (id) on delete cascade,
  old_value jsonb,
  new_value jsonb,
  old_version integer,
  new_version integer,
  op_id uuid,
  client_id text,
  source public.answer_history_source not null,
  created_at timestamptz not null default now()
);
comment on table public.question_attempt_history is
  'Every change of an answer, and every value that lost a conflict (source conflict_loser, new_version null): no value a student typed is ever lost.';

create table public.attempt_activity_events (
  id bigint generated always as identity primary key,
  attempt_id uuid not null references public.exam_attempts (id) on delete cascade,
  event_type text not null check (event_type in (
    'started', 'resumed', 'saved', 'flagged', 'unflagged', 'conflict', 'conflict_resolved',
    'device_joined', 'collision', 'connection_dropped', 'section_changed', 'submitted', 'overdue', 'expired',
    'abandoned', 'paused', 'unpaused', 'time_extended', 'removed', 'readmitted', 'ended_by_teacher',
    'focus_lost', 'focus_gained', 'visibility_hidden', 'visibility_visible', 'fullscreen_exited',
    'copy', 'paste', 'network_offline', 'network_online'
  )),
  client_id text,
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
comment on table public.attempt_activity_events is
  'The activity log of an attempt: every state change, and what clients report (focus, visibility, copy and paste, network).';

create table public.attempt_conflicts (
  id uuid primary key default gen_random_uuid(),
  attempt_id uuid not null references public.exam_attempts (id) on delete cascade,
  question_id uuid not null references public.questions (id) on delete cascade,
  op_id uuid not null,
  client_id text,
  local_value jsonb,
  base_version integer not null,
  server_value jsonb,
  server_version integer not null,
  resolved_at timestamptz,
  resolution text check (resolution in ('server', 'local', 'custom')),
  created_at timestamptz not null default now()
);
comment on table public.attempt_conflicts is
  'Saves that lost a conflict and are not settled yet (strategy server keeps the stored answer). batch_resolve_attempt_conflicts settles them.';

create table public.attempt_connections (
  attempt_id uuid not null references public.exam_attempts (id) on delete cascade,
  client_id text not null check (char_length(client_id) between 1 and 200),
  user_id uuid not null references auth.users (id) on delete cascade,
  connected_at timestamptz not null default now(),
  last_heartbeat_at timestamptz not null default now(),
  primary key (attempt_id, client_id)
);
comment on table public.attempt_connections is 'Devices or tabs connected to an attempt, kept alive by heartbeats and removed when silent.';

create table public.user_sub_skill_performance (
  user_id uuid not null references auth.users (id) on delete cascade,
  academy_id uuid not null references public.academies (id) on delete cascade,
  sub_skill text not null,
  questions_answered integer not null default 0,
  questions_correct integer not null default 0,
  points_earned numeric(12, 2) not null default 0,
  points_possible numeric(12, 2) not null default 0,
  attempts_count integer not null default 0,
  last_attempt_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (user_id, academy_id, sub_skill)
);
comment on table public.user_sub_skill_performance is 'Running totals per student and sub-skill over graded attempts, auto-graded questions only (essays are graded by hand).';

create table public.outbox_events (
  id bigint generated always as identity primary key,
  topic text not null,
  event text not null,
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default clock_timestamp()
);
comment on column public.outbox_events.created_at is 'When the event was appended (the clock, not the transaction start): moments before its transaction commits.';
comment on table public.outbox_events is
  'Every change others must see, appended in the same transaction as the change. Topics: attempt:<id>, session:<id>, room:<id>, user:<id>, leaderboard:<academy id>. Ids grow in commit order within a topic, so a reader resuming after an id misses nothing. Readable by who may read the topic.';

create table private.applied_ops (
  attempt_id uuid not null references public.exam_attempts (id) on delete cascade,
  op_id uuid not null,
  result jsonb not null,
  applied_at timestamptz not null default now(),
  primary key (attempt_id, op_id)
);
comment on table private.applied_ops is 'Idempotency records: the first result of every op id, returned again when the op is replayed.';

create table private.sync_batches (
  id bigint generated always as identity primary key,
  attempt_id uuid references public.exam_attempts (id) on delete set null,
  academy_id uuid not null references public.academies (id) on delete cascade,
  op_count integer not null,
  applied_count integer not null default 0,
  duplicate_count integer not null default 0,
  conflict_count integer not null default 0,
  rejected_count integer not null default 0,
  error_code text,
  duration_ms numeric(10, 3) not null default 0,
  created_at timestamptz not null default now()
);
comment on table private.sync_batches is 'One row per applied batch (and per batch refused by the sync function, with error_code), for get_realtime_performance_metrics.';

-- indexes -------------------------------------------------------------------------------
create unique index exam_attempts_one_open_idx on public.exam_attempts (exam_id, user_id)
  where status in ('in_progress', 'overdue') and session_id is null;
create unique index exam_attempts_one_per_session_idx on public.exam_attempts (session_id, user_id)
  where session_id is not null and status in ('in_progress', 'overdue');
create index exam_attempts_user_id_idx on public.exam_attempts (user_id, status);
create index exam_attempts_academy_id_idx on public.exam_attempts (academy_id);
create index exam_attempts_open_deadline_idx on public.exam_attempts (deadline_at)
  where status in ('in_progress', 'overdue');
create index exam_attempts_current_question_id_idx on public.exam_attempts (current_question_id);
create index attempt_answers_question_id_idx on public.attempt_answers (question_id);
create index attempt_flags_question_id_idx on public.attempt_flags (question_id);
create index attempt_section_states_section_id_idx on public.attempt_section_states (section_id);
create index attempt_section_states_current_question_id_idx on public.attempt_section_states (current_question_id);
create index question_attempt_history_attempt_id_idx on public.question_attempt_history (attempt_id, question_id, id);
create index question_attempt_history_question_id_idx on public.question_attempt_history (question_id);
create index attempt_activity_events_attempt_id_idx on public.attempt_activity_events (attempt_id, created_at);
create index attempt_conflicts_attempt_id_idx on public.attempt_conflicts (attempt_id) where resolved_at is null;
create index attempt_conflicts_attempt_id_all_idx on public.attempt_conflicts (attempt_id);
create index attempt_conflicts_question_id_idx on public.attempt_conflicts (question_id);
create index attempt_connections_user_id_idx on public.attempt_connections (user_id);
create index attempt_connections_heartbeat_idx on public.attempt_connections (last_heartbeat_at);
create index user_sub_skill_performance_academy_id_idx on public.user_sub_skill_performance (academy_id);
create index outbox_events_topic_idx on public.outbox_events (topic, id);
create index outbox_events_created_at_idx on public.outbox_events (created_at);
create index sync_batches_academy_id_idx on private.sync_batches (academy_id, created_at);
create index sync_batches_attempt_id_idx on private.sync_batches (attempt_id);

-- functions used by triggers and policies ----------------------------------------------
create function private.try_uuid(p_text text)
returns uuid
language sql
immutable
security invoker
set search_path = ''
as $$
  select case when p_text ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then p_text::uuid end;
$$;
comment on function private.try_uuid(text) is 'The text as a uuid, or null when it is not one.';

create function private.can_read_attempt(p_attempt_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.exam_attempts as a
    where a.id = p_attempt_id
      and (a.user_id = (select auth.uid())
        or a.academy_id in (select private.member_academy_ids('{teacher,admin}')))
  );
$$;
comment on function private.can_read_attempt(uuid) is
  'Whether the caller is the attempt''s student or a teacher or admin of its academy. Security definer: it must see the attempt to decide.';

create function private.readable_attempt_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select a.id from public.exam_attempts as a where a.user_id = (select auth.uid())
  union all
  select a.id from public.exam_attempts as a
  where a.academy_id in (select private.member_academy_ids('{teacher,admin}'))
    and a.user_id <> (select auth.uid());
$$;
comment on function private.readable_attempt_ids() is
  'Attempts the caller may read: their own and those of academies they teach or administer. Security definer: policies of the attempt tables use it.';

create function private.can_read_topic(p_topic text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select case split_part(p_topic, ':', 1)
    when 'attempt' then coalesce(private.can_read_attempt(private.try_uuid(substr(p_topic, 9))), false)
    when 'user' then substr(p_topic, 6) = (select auth.uid())::text
    else false
  end;
$$;
comment on function private.can_read_topic(text) is
  'The one topic check: who may read an outbox topic, join its private Realtime channel or open its SSE stream. Security definer: it reads rows the caller''s RLS may hide.';

create function private.publish_event(p_topic text, p_event text, p_payload jsonb)
returns bigint
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  event_id bigint;
begin
  -- Serialise writers of one topic until commit, so ids of a topic grow in commit order
  -- and a reader resuming after an id can never miss a later-committed smaller id.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(p_topic, 0));
  insert into public.outbox_events (topic, event, payload)
  values (p_topic, p_event, coalesce(p_payload, '{}'::jsonb))
  returning id into event_id;
  return event_id;
end;
$$;
comment on function private.publish_event(text, text, jsonb) is
  'Appends an event to the outbox in the caller''s transaction. Called by the security definer RPCs only.';

create function private.broadcast_outbox_event()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.send(new.payload || jsonb_build_object('event_id', new.id), new.event, new.topic, true);
  perform pg_catalog.pg_notify('examsync_outbox', json_build_object('id', new.id, 'topic', new.topic)::text);
  return null;
end;
$$;
comment on function private.broadcast_outbox_event() is
  'Sends each outbox event to its private Realtime channel and notifies the SSE listeners. Security definer (owner postgres bypasses RLS): realtime.send swallows every error, including an RLS refusal, so it must never run as the client.';

-- triggers ------------------------------------------------------------------------------
create trigger broadcast_outbox_event
  after insert on public.outbox_events
  for each row execute function private.broadcast_outbox_event();
create trigger touch_updated_at before update on public.exam_attempts
  for each row execute function private.touch_updated_at();

-- grants --------------------------------------------------------------------------------
grant execute on function private.try_uuid(text), private.can_read_attempt(uuid),
  private.readable_attempt_ids(), private.can_read_topic(text)
  to authenticated, service_role;
grant select on public.exam_attempts, public.attempt_answers, public.attempt_flags,
  public.attempt_section_states, public.question_attempt_history, public.attempt_activity_events,
  public.attempt_conflicts, public.attempt_connections, public.user_sub_skill_performance,
  public.outbox_events
  to authenticated;
grant all on public.exam_attempts, public.attempt_answers, public.attempt_flags,
  public.attempt_section_states, public.question_attempt_history, public.attempt_activity_events,
  public.attempt_conflicts, public.attempt_connections, public.user_sub_skill_performance,
  public.outbox_events
  to service_role;

-- row level security --------------------------------------------------------------------
alter table public.exam_attempts enable row level security;
alter table public.attempt_answers enable row level security;
alter table public.attempt_flags enable row level security;
alter table public.attempt_section_states enable row level security;
alter table public.question_attempt_history enable row level security;
alter table public.attempt_activity_events enable row level security;
alter table public.attempt_conflicts enable row level security;
alter table public.attempt_connections enable row level security;
alter table public.user_sub_skill_performance enable row level security;
alter table public.outbox_events enable row level security;
alter table private.applied_ops enable row level security;
alter table private.sync_batches enable row level security;

-- policies ------------------------------------------------------------------------------
create policy exam_attempts_select_reader on public.exam_attempts
  for select to authenticated
  using (user_id = (select auth.uid()) or academy_id in (select private.member_academy_ids('{teacher,admin}')));
comment on policy exam_attempts_select_reader on public.exam_attempts is 'The student reads their attempts; teachers and admins those of their academy.';

create policy attempt_answers_select_reader on public.attempt_answers
  for select to authenticated
  using (attempt_id in (select private.readable_attempt_ids()));
comment on policy attempt_answers_select_reader on public.attempt_answers is 'Who reads the attempt reads its answers.';

create policy attempt_flags_select_reader on public.attempt_flags
  for select to authenticated
  using (attempt_id in (select private.readable_attempt_ids()));
comment on policy attempt_flags_select_reader on public.attempt_flags is 'Who reads the attempt reads its flags.';

create policy attempt_section_states_select_reader on public.attempt_section_states
  for select to authenticated
  using (attempt_id in (select private.readable_attempt_ids()));
comment on policy attempt_section_states_select_reader on public.attempt_section_states is 'Who reads the attempt reads its section states.';

create policy question_attempt_history_select_reader on public.question_attempt_history
  for select to authenticated
  using (attempt_id in (select private.readable_attempt_ids()));
comment on policy question_attempt_history_select_reader on public.question_attempt_history is 'Who reads the attempt reads its answer history.';

create policy attempt_activity_events_select_reader on public.attempt_activity_events
  for select to authenticated
  using (attempt_id in (select private.readable_attempt_ids()));
comment on policy attempt_activity_events_select_reader on public.attempt_activity_events is 'Who reads the attempt reads its activity log.';

create policy attempt_conflicts_select_reader on public.attempt_conflicts
  for select to authenticated
  using (attempt_id in (select private.readable_attempt_ids()));
comment on policy attempt_conflicts_select_reader on public.attempt_conflicts is 'Who reads the attempt reads its conflicts.';

create policy attempt_connections_select_reader on public.attempt_connections
  for select to authenticated
  using (attempt_id in (select private.readable_attempt_ids()));
comment on policy attempt_connections_select_reader on public.attempt_connections is 'Who reads the attempt reads its connections.';

create policy user_sub_skill_performance_select_reader on public.user_sub_skill_performance
  for select to authenticated
  using (user_id = (select auth.uid()) or academy_id in (select private.member_academy_ids('{teacher,admin}')));
comment on policy user_sub_skill_performance_select_reader on public.user_sub_skill_performance is 'A student reads their own performance; teachers and admins their academy''s.';

create policy outbox_events_select_topic_reader on public.outbox_events
  for select to authenticated
  using (private.can_read_topic(topic));
comment on policy outbox_events_select_topic_reader on public.outbox_events is 'Events of the topics the caller may read (the one topic check).';

create policy messages_select_topic_reader on realtime.messages
  for select to authenticated
  using (
    topic = (select realtime.topic())
    and (select private.can_read_topic((select realtime.topic())))
    and extension in ('broadcast', 'presence')
  );
comment on policy messages_select_topic_reader on realtime.messages is 'Joining a private channel to receive: only rows of the channel''s own topic, and the same topic check as the outbox.';

create policy messages_insert_topic_presence on realtime.messages
  for insert to authenticated
  with check (
    topic = (select realtime.topic())
    and (select private.can_read_topic((select realtime.topic())))
    and extension = 'presence'
  );
comment on policy messages_insert_topic_presence on realtime.messages is 'Readers of a topic may track presence on it; only the database broadcasts its events.';
