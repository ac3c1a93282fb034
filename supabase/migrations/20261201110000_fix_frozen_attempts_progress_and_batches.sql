-- Fixes forward five correctness holes of attempts and live sessions (issue 8, section 4):
-- 1. A frozen attempt is frozen: submit_attempt on a paused attempt (a session pause, or the
--    attempt of a removed student) answers 409 attempt_paused instead of submitting it.
-- 2. A removed student's clock stops: their attempt is frozen from the moment they are
--    removed (or from the session pause already running then) until they are readmitted, and
--    readmission moves its deadline by that whole frozen time, a session pause that overlaps
--    it included and counted once. Readmitted during a pause, it stays frozen from the same
--    moment and the resume moves it.
-- 3. Progress coalescing keeps the last state: a save inside a student's one-second window
--    leaves a marker in private.pending_progress, announced with the state of that moment
--    once the window has closed: by the student's next save, by any save in the session, or
--    by private.flush_pending_progress(), which pg_cron runs every second where pg_cron
--    supports second schedules (1.5 and later, as on hosted Supabase) and every minute
--    otherwise (1.4 locally). Markers live in Postgres and are taken with skip locked, so any
--    number of callers, on any number of instances, announce each marker once.
-- 4. An op id repeated inside one batch is applied once: the set-based path leaves such a
--    batch to the op-by-op path, which answers the repeat duplicate with the first result.
-- 5. RPC arguments that reached a check constraint (23514) or overflowed an integer (22003)
--    are checked up front and refused with 400 22023 and a stable code in hint; integer
--    arguments of public RPCs become numeric, so no number a client sends overflows before
--    the check.

-- tables --------------------------------------------------------------------------------
create table private.pending_progress (
  session_id uuid not null,
  user_id uuid not null,
  attempt_id uuid not null references public.exam_attempts (id) on delete cascade,
  pending_since timestamptz not null default now(),
  primary key (session_id, user_id),
  foreign key (session_id, user_id) references public.exam_session_participants (session_id, user_id) on delete cascade
);
comment on table private.pending_progress is
  'Students whose latest save was not announced on the session topic because it came inside their one-second progress window; private.flush_pending_progress announces each once the window has closed.';

-- indexes -------------------------------------------------------------------------------
create index pending_progress_attempt_id_idx on private.pending_progress (attempt_id);

-- grants --------------------------------------------------------------------------------
-- private.pending_progress: no grants; written and read by security definer functions only.

-- row level security --------------------------------------------------------------------
alter table private.pending_progress enable row level security;

-- policies ------------------------------------------------------------------------------
-- None: no client role may read or write the markers.

-- functions: argument checks --------------------------------------------------------------
create function private.assert_argument(p_valid boolean, p_message text, p_hint text)
returns void
language plpgsql
immutable
security invoker
set search_path = ''
as $$
begin
  if not coalesce(p_valid, true) then
    raise exception '%', p_message using errcode = '22023', hint = p_hint;
  end if;
end;
$$;
comment on function private.assert_argument(boolean, text, text) is
  'Refuses an RPC argument (400 22023, the stable code in hint) unless p_valid is true or null.';

create function private.integer_argument(p_value numeric, p_min integer, p_max integer, p_message text, p_hint text)
returns integer
language plpgsql
immutable
security invoker
set search_path = ''
as $$
begin
  if p_value is not null and (p_value <> trunc(p_value) or p_value not between p_min and p_max) then
    raise exception '%', p_message using errcode = '22023', hint = p_hint;
  end if;
  return p_value::integer;
end;
$$;
comment on function private.integer_argument(numeric, integer, integer, text, text) is
  'A numeric RPC argument as an integer when it is a whole number from p_min to p_max (null stays null); otherwise 400 22023 with p_hint, never an overflow.';

-- functions: attempts -----------------------------------------------------------------------
create or replace function private.submit_attempt(p_attempt_id uuid)
returns public.exam_attempts
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  attempt public.exam_attempts := private.lock_own_attempt(p_attempt_id);
  grace integer;
begin
  if attempt.status not in ('in_progress', 'overdue') then
    return attempt;  -- submitting twice (an offline queue replayed) changes nothing
  end if;
  -- Frozen (a session pause, or removed from the session): neither saved nor submitted.
  if attempt.paused_at is not null then
    perform private.raise_http_error(409, 'attempt_paused', 'Cannot submit: attempt is paused');
  end if;
  select e.grace_period_seconds into grace from public.exams as e where e.id = attempt.exam_id;
  if pg_catalog.now() > attempt.deadline_at + make_interval(secs => grace) then
    return private.apply_expiry_policy(p_attempt_id);
  end if;
  return private.close_attempt(p_attempt_id, 'submitted', pg_catalog.now());
end;
$$;
comment on function private.submit_attempt(uuid) is
  'Submits and grades the caller''s attempt; idempotent; 409 attempt_paused while it is frozen (session paused, or the student removed); after the grace period it applies the expiry policy instead, as the cron job would. Security definer: grading reads the private keys.';

create or replace function private.apply_answer_batch(p_attempt public.exam_attempts, p_ops jsonb, p_client_id text)
returns jsonb
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  results jsonb;
begin
  -- The common batch in a few statements: answers to distinct questions with distinct op
  -- ids, none stale, none superseded. Anything else returns null and goes op by op
  -- (apply_answer_op), which decides every case (a repeated op id answers duplicate); the
  -- rules below are the subset where both agree.
  if exists (
    select 1
    from jsonb_array_elements(p_ops) as o
    left join lateral (
      select * from public.attempt_answers as a
      where a.attempt_id = p_attempt.id and a.question_id = (o ->> 'question_id')::uuid
    ) as c on true
    where (o ->> 'seq' is not null and p_client_id is not null and c.client_id = p_client_id
        and c.client_seq >= (o ->> 'seq')::bigint)
      or ((c.version is null or c.value is distinct from case when o ->> 'type' = 'answer' then o -> 'value' end)
        and (o ->> 'base_version')::integer < coalesce(c.version, 0)
        and (p_client_id is null or c.client_id is distinct from p_client_id))
  ) or (
    select count(distinct (o ->> 'question_id')::uuid) < count(*) or count(distinct (o ->> 'op_id')::uuid) < count(*)
    from jsonb_array_elements(p_ops) as o
  ) then
    return null;
  end if;

  with decided as (
    select o.ordinality as idx, (o.value ->> 'op_id')::uuid as op_id, (o.value ->> 'question_id')::uuid as question_id,
      case when o.value ->> 'type' = 'answer' then o.value -> 'value' end as value, (o.value ->> 'seq')::bigint as seq,
      c.value as old_value, c.version as old_version,
      c.version is not null and c.value is not distinct from (case when o.value ->> 'type' = 'answer' then o.value -> 'value' end)
        as unchanged
    from jsonb_array_elements(p_ops) with ordinality as o
    left join lateral (
      select * from public.attempt_answers as a
      where a.attempt_id = p_attempt.id and a.question_id = (o.value ->> 'question_id')::uuid
    ) as c on true
  ),
  written as (
    insert into public.attempt_answers as aa (attempt_id, question_id, value, version, client_id, client_seq)
    select p_attempt.id, d.question_id, d.value, coalesce(d.old_version, 0) + 1, p_client_id, d.seq
    from decided as d where not d.unchanged
    on conflict (attempt_id, question_id) do update
      set value = excluded.value, version = excluded.version, client_id = excluded.client_id,
          client_seq = excluded.client_seq, updated_at = pg_catalog.now()
    returning aa.question_id, aa.version
  ),
  history as (
    insert into public.question_attempt_history (attempt_id, question_id, old_value, new_value, old_version,
      new_version, op_id, client_id, source)
    select p_attempt.id, d.question_id, d.old_value, d.value, d.old_version, w.version, d.op_id, p_client_id, 'save'
    from decided as d join written as w on w.question_id = d.question_id
  )
  select jsonb_agg(jsonb_build_object('op_id', d.op_id, 'question_id', d.question_id, 'status', 'applied',
      'version', coalesce(w.version, d.old_version)) order by d.idx)
  into results
  from decided as d left join written as w on w.question_id = d.question_id;
  return results;
end;
$$;
comment on function private.apply_answer_batch(public.exam_attempts, jsonb, text) is
  'Applies a batch of answer ops set-based when every op is a clean save (distinct questions and op ids, not stale, not superseded): the results apply_answer_op would give, in op order; null otherwise.';

-- functions: live sessions ------------------------------------------------------------------
create or replace function private.start_participant_attempt(p_session public.exam_sessions, p_user_id uuid)
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
  if p_session.paused_at is null then
    -- A readmitted student's attempt was frozen from their removal (or from the session
    -- pause running then) until now: its deadline moves by that whole time, once.
    update public.exam_attempts as a
    set deadline_at = a.deadline_at + (pg_catalog.now() - a.paused_at), paused_at = null
    where a.id = attempt.id and a.paused_at is not null;
  else
    -- A paused session keeps new and readmitted attempts paused with it; an attempt frozen
    -- since before the pause stays frozen from that earlier moment, so the resume moves its
    -- deadline by all of it.
    update public.exam_attempts as a set paused_at = p_session.paused_at
    where a.id = attempt.id and a.paused_at is null;
  end if;
  select * into attempt from public.exam_attempts as a where a.id = attempt.id;
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
  'Starts (or resumes, after a removal) a participant''s attempt of a running session; a resumed attempt gets back all the time it was frozen.';

create function private.publish_progress(p_attempt public.exam_attempts)
returns bigint
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.publish_event('session:' || p_attempt.session_id, 'progress', jsonb_build_object(
    'user_id', p_attempt.user_id, 'attempt_id', p_attempt.id, 'status', p_attempt.status,
    'current_question_id', p_attempt.current_question_id,
    'answered', (select count(*) from public.attempt_answers as aa where aa.attempt_id = p_attempt.id and aa.value is not null),
    'flagged', (select count(*) from public.attempt_flags as f where f.attempt_id = p_attempt.id and f.flagged)));
$$;
comment on function private.publish_progress(public.exam_attempts) is
  'A progress event of a session attempt on the session topic, with the state of now: answered and flagged counts, current question, status.';

create function private.flush_pending_progress(p_session_id uuid default null)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  pending_session uuid;
  due record;
  flushed integer := 0;
begin
  for pending_session in
    select distinct pp.session_id from private.pending_progress as pp
    where p_session_id is null or pp.session_id = p_session_id
  loop
    -- The topic's lock first, then rows skipped when locked: a flush never waits for a save
    -- in flight (that save announces or marks its student itself), nor for another flush.
    continue when not pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtextextended('session:' || pending_session, 0));
    for due in
      select pp.session_id, pp.user_id, pp.attempt_id
      from private.pending_progress as pp
      join public.exam_session_participants as p on p.session_id = pp.session_id and p.user_id = pp.user_id
      where pp.session_id = pending_session
        and (p.last_progress_at is null or p.last_progress_at <= pg_catalog.now() - interval '1 second')
      order by pp.pending_since, pp.user_id
      for update of pp, p skip locked
    loop
      delete from private.pending_progress as pp where pp.session_id = due.session_id and pp.user_id = due.user_id;
      update public.exam_session_participants as p set last_progress_at = pg_catalog.now()
      where p.session_id = due.session_id and p.user_id = due.user_id;
      perform private.publish_progress(a) from public.exam_attempts as a where a.id = due.attempt_id;
      flushed := flushed + 1;
    end loop;
  end loop;
  return flushed;
end;
$$;
comment on function private.flush_pending_progress(uuid) is
  'Announces every pending progress marker (of one session, or all) whose one-second window has closed, with the state of now, and clears it; returns how many. Run by saves in the session and by pg_cron; safe to run anywhere at once (service role may call it too). Security definer: it writes the participant rows and the outbox.';

create or replace function private.announce_attempt_progress()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  last_announced timestamptz;
begin
  -- The participant row is locked first, so a flush (which skips locked rows) never
  -- announces this student while their save is in flight.
  select p.last_progress_at into last_announced from public.exam_session_participants as p
  where p.session_id = new.session_id and p.user_id = new.user_id
  for update;
  if not found then
    return null;
  end if;
  -- Coalesced: at most one progress event per student per second, and never the last state lost.
  if last_announced is null or last_announced <= pg_catalog.now() - interval '1 second' then
    update public.exam_session_participants as p set last_progress_at = pg_catalog.now()
    where p.session_id = new.session_id and p.user_id = new.user_id;
    delete from private.pending_progress as pp where pp.session_id = new.session_id and pp.user_id = new.user_id;
    perform private.publish_progress(new);
  else
    insert into private.pending_progress as pp (session_id, user_id, attempt_id)
    values (new.session_id, new.user_id, new.id)
    on conflict (session_id, user_id) do update set attempt_id = excluded.attempt_id;
  end if;
  -- Any save in the session also announces the other students whose window has closed.
  perform private.flush_pending_progress(new.session_id);
  return null;
end;
$$;
comment on function private.announce_attempt_progress() is
  'After a save of a session attempt: a progress event on the session topic, at most one per student per second; a save inside the window leaves a pending marker that the next save or private.flush_pending_progress announces once the window has closed. Security definer: it writes the participant row, the markers and the outbox.';

-- functions: public RPCs ------------------------------------------------------------------
-- Integer arguments become numeric: PostgREST reads arguments with the parameter's type, so
-- a number beyond the integer range failed with 22003 before any check could run.
drop function public.create_exam_session(uuid, text, integer, timestamptz, jsonb);
create function public.create_exam_session(
  p_exam_id uuid, p_title text default null, p_duration_seconds numeric default null,
  p_scheduled_start_at timestamptz default null, p_settings jsonb default '{}'
) returns public.exam_sessions
language sql volatile security invoker set search_path = ''
as $$
  select private.assert_argument(char_length(btrim(p_title)) <= 200,
    'Cannot create session: the title may have at most 200 characters', 'invalid_title');
  select * from private.create_exam_session(p_exam_id, p_title,
    private.integer_argument(p_duration_seconds, 60, 86400,
      'Cannot create session: duration must be between 60 and 86400 seconds', 'invalid_duration'),
    p_scheduled_start_at, p_settings);
$$;
comment on function public.create_exam_session(uuid, text, numeric, timestamptz, jsonb) is
  'Teachers and admins: a live session of an exam of their academy, with a join code. p_settings: {late_join_allowed, auto_submit_at_end, mode}. 400 invalid_title (over 200 characters), invalid_duration (not a whole number of seconds from 60 to 86400), invalid_settings.';

create or replace function public.remove_session_participant(
  p_session_id uuid, p_user_id uuid, p_reason text, p_ban boolean default false
) returns public.exam_session_participants
language sql volatile security invoker set search_path = ''
as $$
  select private.assert_argument(char_length(p_reason) <= 500,
    'Cannot remove participant: the reason may have at most 500 characters', 'invalid_reason');
  select * from private.remove_session_participant(p_session_id, p_user_id, p_reason, p_ban);
$$;
comment on function public.remove_session_participant(uuid, uuid, text, boolean) is
  'Who runs the session: removes a student with a reason of at most 500 characters (may rejoin; their attempt is frozen until readmitted and gets that time back), or bans them (attempt closed ungraded).';

drop function public.extend_participant_time(uuid, uuid, integer, text);
create function public.extend_participant_time(p_session_id uuid, p_user_id uuid, p_seconds numeric, p_reason text)
returns public.exam_attempts
language sql volatile security invoker set search_path = ''
as $$
  select private.integer_argument(p_seconds, 1, 86400, 'Cannot extend time: give 1 to 86400 seconds and a reason',
    'invalid_extension');
  -- The attempt's extensions add up in an integer: refused before they could overflow it.
  select private.assert_argument(not exists (
      select 1 from public.exam_session_participants as p
      join public.exam_attempts as a on a.id = p.attempt_id
      where p.session_id = p_session_id and p.user_id = p_user_id and a.extension_seconds + p_seconds > 2147483647),
    'Cannot extend time: the student''s extensions would add up to more than 2147483647 seconds', 'invalid_extension');
  select * from private.extend_participant_time(p_session_id, p_user_id, p_seconds::integer, p_reason);
$$;
comment on function public.extend_participant_time(uuid, uuid, numeric, text) is
  'Who runs the session: more time for one student (a whole number of seconds from 1 to 86400), with a reason. 400 invalid_extension.';

drop function public.update_timer_state(uuid, integer);
create function public.update_timer_state(p_attempt_id uuid, p_client_remaining_ms numeric)
returns public.attempt_timer
language sql volatile security invoker set search_path = ''
as $$
  select p_attempt_id, o.status, o.server_now, o.deadline_at, o.remaining_ms
  from private.apply_attempt_ops(p_attempt_id, jsonb_build_array(jsonb_build_object(
    'op_id', gen_random_uuid(), 'type', 'timer', 'remaining_ms', p_client_remaining_ms)), null) as o;
$$;
comment on function public.update_timer_state(uuid, numeric) is
  'Records the client''s remaining time (a whole number of ms, at most 12 digits) for audit and returns the server''s, which is the one that counts. 400 invalid_time.';

drop function public.get_realtime_attempt_activity(uuid, timestamptz, integer);
create function public.get_realtime_attempt_activity(
  p_attempt_id uuid, p_since timestamptz default null, p_limit numeric default 100
) returns setof public.attempt_activity_events
language sql stable security invoker set search_path = ''
as $$
  select e.* from public.attempt_activity_events as e
  where e.attempt_id = p_attempt_id and (p_since is null or e.created_at > p_since)
  order by e.created_at, e.id
  limit least(greatest(coalesce(p_limit, 100), 1), 1000)::integer;
$$;
comment on function public.get_realtime_attempt_activity(uuid, timestamptz, numeric) is
  'Activity of an attempt after p_since (at most p_limit, kept between 1 and 1000), for its student, teachers and admins (RLS decides).';

drop function public.cleanup_stale_attempt_connections(integer);
create function public.cleanup_stale_attempt_connections(p_timeout_seconds numeric default 60)
returns integer
language sql volatile security invoker set search_path = ''
as $$
  select private.cleanup_stale_attempt_connections(private.integer_argument(p_timeout_seconds, 1, 2147483647,
    'Cannot clean up connections: timeout must be a whole number of seconds from 1 to 2147483647', 'invalid_timeout'));
$$;
comment on function public.cleanup_stale_attempt_connections(numeric) is
  'Service role and pg_cron: removes connections silent for longer than p_timeout_seconds; returns how many. 400 invalid_timeout.';

drop function public.get_realtime_performance_metrics(integer);
create function public.get_realtime_performance_metrics(p_minutes numeric default 60)
returns public.realtime_performance_metrics
language sql stable security invoker set search_path = ''
as $$
  select * from private.get_realtime_performance_metrics(private.integer_argument(p_minutes, 1, 10080,
    'Cannot read metrics: minutes must be between 1 and 10080', 'invalid_window'));
$$;
comment on function public.get_realtime_performance_metrics(numeric) is
  'Academy admins: saves per minute, server-side apply time p50/p95 (ms), conflicts, rejected ops, errors and live connections over the last p_minutes (1 to 10080; 400 invalid_window).';

create or replace function public.set_question_key(
  p_question_id uuid, p_correct jsonb default null, p_tolerance numeric default null,
  p_accepted_texts text[] default null, p_case_sensitive boolean default false
) returns public.question_key
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.assert_argument(p_tolerance >= 0,
    'Cannot set answer key: tolerance must be zero or more', 'invalid_answer_key');
  select (k.question_id, k.correct, k.tolerance, k.accepted_texts, k.case_sensitive)::public.question_key
  from private.set_question_key(p_question_id, p_correct, p_tolerance, p_accepted_texts, p_case_sensitive) as k;
$$;
comment on function public.set_question_key(uuid, jsonb, numeric, text[], boolean) is
  'Teachers and admins: sets the answer key of a question of their academy. single_choice: p_correct "id"; multiple_choice: ["ids"]; true_false: true|false; numeric: number and p_tolerance (zero or more); short_text: p_accepted_texts.';

grant execute on function private.assert_argument(boolean, text, text),
  private.integer_argument(numeric, integer, integer, text, text)
  to authenticated, service_role;
grant execute on function public.create_exam_session(uuid, text, numeric, timestamptz, jsonb),
  public.extend_participant_time(uuid, uuid, numeric, text), public.update_timer_state(uuid, numeric),
  public.get_realtime_attempt_activity(uuid, timestamptz, numeric), public.get_realtime_performance_metrics(numeric)
  to authenticated;
grant execute on function public.cleanup_stale_attempt_connections(numeric) to service_role;
grant execute on function private.flush_pending_progress(uuid) to service_role;

-- jobs ----------------------------------------------------------------------------------
-- pg_cron 1.5 and later (hosted Supabase) schedule in seconds: markers are announced within
-- a second even when nothing else happens. Older pg_cron (1.4 locally) runs it every minute,
-- as a backstop to the saves in the session that flush it too.
do $$
declare
  cron_version integer[] := (select (regexp_match(e.extversion, '^(\d+)\.(\d+)'))[1:2]::integer[]
    from pg_catalog.pg_extension as e where e.extname = 'pg_cron');
begin
  perform cron.schedule('examsync-flush-pending-progress',
    case when cron_version >= array[1, 5] then '1 seconds' else '* * * * *' end,
    'select private.flush_pending_progress()');
end;
$$;
