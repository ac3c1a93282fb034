-- Attempt RPCs: start, resume, batched saves with conflict detection and idempotent
-- replay, flags, timer, sections, submission and grading, sync status, conflicts,
-- activity, heartbeats and metrics. Each public RPC is a thin security invoker function
-- over a `private` security definer one that checks the caller itself: attempts, keys and
-- idempotency records are not writable by clients.

-- types ---------------------------------------------------------------------------------
create type public.attempt_ops_outcome as (
  results jsonb,
  status public.attempt_status,
  server_now timestamptz,
  deadline_at timestamptz,
  remaining_ms bigint
);
comment on type public.attempt_ops_outcome is
  'Result of apply_attempt_ops: one result per op in the order sent ({op_id, status: applied|duplicate|conflict|rejected, …}), the attempt''s status and the server''s clock.';

create type public.attempt_timer as (
  attempt_id uuid,
  status public.attempt_status,
  server_now timestamptz,
  deadline_at timestamptz,
  remaining_ms bigint
);
comment on type public.attempt_timer is 'The server''s view of an attempt''s time.';

create type public.active_attempt as (
  attempt_id uuid,
  exam_id uuid,
  exam_title text,
  mode public.attempt_mode,
  status public.attempt_status,
  started_at timestamptz,
  deadline_at timestamptz,
  remaining_ms bigint,
  answered_count integer,
  question_count integer,
  current_question_id uuid,
  server_now timestamptz
);
comment on type public.active_attempt is 'An open attempt of the caller, for a "Resume" list.';

create type public.attempt_sync_status as (
  attempt_id uuid,
  status public.attempt_status,
  server_now timestamptz,
  deadline_at timestamptz,
  remaining_ms bigint,
  answered_count integer,
  last_saved_at timestamptz,
  open_conflicts integer,
  ops_applied integer,
  live_connections integer,
  collision_detected boolean,
  last_event_id bigint
);
comment on type public.attempt_sync_status is 'How far an attempt is saved: answers, open conflicts, live devices (collision when more than one), and the last outbox event id to resume streams from.';

create type public.attempt_connection as (
  client_id text,
  connected_at timestamptz,
  last_heartbeat_at timestamptz,
  is_live boolean
);
comment on type public.attempt_connection is 'A device or tab connected to an attempt, live when its last heartbeat is recent.';

create type public.attempt_heartbeat as (
  attempt_id uuid,
  status public.attempt_status,
  server_now timestamptz,
  deadline_at timestamptz,
  remaining_ms bigint,
  live_connections integer,
  collision_detected boolean
);
comment on type public.attempt_heartbeat is 'The answer to a heartbeat: the server''s clock and the devices live on the attempt.';

create type public.realtime_performance_metrics as (
  window_minutes integer,
  batches bigint,
  saves_per_minute numeric,
  apply_ms_p50 numeric,
  apply_ms_p95 numeric,
  conflicts bigint,
  rejected_ops bigint,
  errors bigint,
  active_connections bigint
);
comment on type public.realtime_performance_metrics is 'Sync health of the academies the caller administers over the last window_minutes.';

-- private helpers: errors, time, lookups ----------------------------------------------
create function private.raise_http_error(p_status integer, p_code text, p_message text)
returns void
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  raise sqlstate 'PGRST' using
    message = json_build_object('code', p_code, 'message', p_message, 'details', null, 'hint', null)::text,
    detail = json_build_object('status', p_status, 'headers', json_build_object())::text;
end;
$$;
comment on function private.raise_http_error(integer, text, text) is
  'Raises an error PostgREST answers with exactly this HTTP status and {code, message}; the edge functions map it the same way.';

create function private.live_connection_window()
returns interval
language sql
immutable
security invoker
set search_path = ''
as $$
  select interval '45 seconds';
$$;
comment on function private.live_connection_window() is 'How recent a heartbeat must be for a connection to count as live.';

create function private.remaining_ms(p_attempt public.exam_attempts)
returns bigint
language sql
stable
security invoker
set search_path = ''
as $$
  select case
    when p_attempt.status not in ('in_progress', 'overdue') then 0
    else greatest(0, floor(extract(epoch from
      p_attempt.deadline_at - coalesce(p_attempt.paused_at, pg_catalog.now())) * 1000))::bigint
  end;
$$;
comment on function private.remaining_ms(public.exam_attempts) is 'Milliseconds left, from the server''s clock; frozen while paused, 0 once closed.';

create function private.lock_own_attempt(p_attempt_id uuid)
returns public.exam_attempts
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  attempt public.exam_attempts;
begin
  select * into attempt from public.exam_attempts as a
  where a.id = p_attempt_id and a.user_id = (select auth.uid())
  for update;
  if not found then
    perform private.raise_http_error(404, 'attempt_not_found', format('Cannot find attempt %s', p_attempt_id));
  end if;
  return attempt;
end;
$$;
comment on function private.lock_own_attempt(uuid) is
  'Locks the caller''s attempt for the rest of the transaction (so batches of one attempt apply one after another); 404 for an attempt that does not exist or is someone else''s.';

create function private.assert_attempt_writable(p_attempt public.exam_attempts)
returns void
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  grace integer;
begin
  if p_attempt.status not in ('in_progress', 'overdue') then
    perform private.raise_http_error(409, 'attempt_closed',
      format('Cannot save: attempt is %s', p_attempt.status));
  end if;
  if p_attempt.paused_at is not null then
    perform private.raise_http_error(409, 'attempt_paused', 'Cannot save: attempt is paused');
  end if;
  select e.grace_period_seconds into grace from public.exams as e where e.id = p_attempt.exam_id;
  if pg_catalog.now() > p_attempt.deadline_at + make_interval(secs => grace) then
    perform private.raise_http_error(409, 'attempt_expired', 'Cannot save: attempt has expired');
  end if;
end;
$$;
comment on function private.assert_attempt_writable(public.exam_attempts) is
  'Refuses writes to a closed, paused or expired attempt (deadline plus the exam''s grace period).';

create function private.question_order(p_question_id uuid)
returns integer[]
language sql
stable
security invoker
set search_path = ''
as $$
  select array[s.position, q.position]
  from public.questions as q join public.exam_sections as s on s.id = q.section_id
  where q.id = p_question_id;
$$;
comment on function private.question_order(uuid) is 'A question''s place in its exam: [section position, question position].';

create function private.is_empty_answer(p_value jsonb)
returns boolean
language sql
immutable
security invoker
set search_path = ''
as $$
  select p_value is null or p_value = 'null'::jsonb or p_value = '[]'::jsonb
    or (jsonb_typeof(p_value) = 'string' and btrim(p_value #>> '{}') = '');
$$;
comment on function private.is_empty_answer(jsonb) is 'Whether an answer says nothing: null, an empty list or blank text.';

create function private.is_valid_answer(p_type public.question_type, p_options jsonb, p_value jsonb)
returns boolean
language plpgsql
immutable
security invoker
set search_path = ''
as $$
declare
  option_ids jsonb := jsonb_path_query_array(p_options, '$[*].id');
begin
  -- plpgsql rather than sql: its plans are kept per session, which matters once per op.
  return case p_type
    when 'single_choice' then jsonb_typeof(p_value) = 'string' and option_ids @> jsonb_build_array(p_value)
    when 'multiple_choice' then jsonb_typeof(p_value) = 'array' and option_ids @> p_value
      and not jsonb_path_exists(p_value, '$[*] ? (@.type() != "string")')
      and jsonb_array_length(p_value) = (select count(distinct v) from jsonb_array_elements(p_value) as v)
    when 'true_false' then jsonb_typeof(p_value) = 'boolean'
    when 'numeric' then jsonb_typeof(p_value) = 'number'
    when 'short_text' then jsonb_typeof(p_value) = 'string' and char_length(p_value #>> '{}') <= 1000
    when 'essay' then jsonb_typeof(p_value) = 'string'
  end;
end;
$$;
comment on function private.is_valid_answer(public.question_type, jsonb, jsonb) is
  'Whether a value fits a question: an option id, a list of distinct option ids, true|false, a number, or text.';

create function private.log_activity(p_attempt_id uuid, p_event_type text, p_client_id text, p_details jsonb default '{}')
returns void
language sql
volatile
security invoker
set search_path = ''
as $$
  insert into public.attempt_activity_events (attempt_id, event_type, client_id, details)
  values (p_attempt_id, p_event_type, p_client_id, coalesce(p_details, '{}'::jsonb));
$$;
comment on function private.log_activity(uuid, text, text, jsonb) is 'Appends to an attempt''s activity log.';

create function private.last_event_id(p_topic text)
returns bigint
language sql
stable
security invoker
set search_path = ''
as $$
  select coalesce(max(o.id), 0) from public.outbox_events as o where o.topic = p_topic;
$$;
comment on function private.last_event_id(text) is 'The newest outbox id of a topic: where a stream opened now should resume from.';

-- private: connections ------------------------------------------------------------------
create function private.touch_connection(p_attempt public.exam_attempts, p_client_id text)
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  is_new boolean;
  live integer;
begin
  insert into public.attempt_connections as c (attempt_id, client_id, user_id)
  values (p_attempt.id, p_client_id, p_attempt.user_id)
  on conflict (attempt_id, client_id) do update set last_heartbeat_at = pg_catalog.now()
  returning (xmax = 0) into is_new;
  if is_new then
    perform private.log_activity(p_attempt.id, 'device_joined', p_client_id);
    -- At most three live connections per user: the one heard from least recently goes.
    with dropped as (
      delete from public.attempt_connections as c
      where (c.attempt_id, c.client_id) in (
        select o.attempt_id, o.client_id from public.attempt_connections as o
        where o.user_id = p_attempt.user_id
          and o.last_heartbeat_at > pg_catalog.now() - private.live_connection_window()
        order by o.last_heartbeat_at desc, o.connected_at desc
        offset 3)
      returning c.attempt_id, c.client_id
    )
    insert into public.attempt_activity_events (attempt_id, event_type, client_id, details)
    select d.attempt_id, 'connection_dropped', d.client_id, jsonb_build_object('reason', 'connection_limit')
    from dropped as d;
  end if;
  select count(*) into live from public.attempt_connections as c
  where c.attempt_id = p_attempt.id and c.last_heartbeat_at > pg_catalog.now() - private.live_connection_window();
  if is_new then
    if live > 1 then
      perform private.log_activity(p_attempt.id, 'collision', p_client_id,
        jsonb_build_object('live_connections', live));
    end if;
  end if;
  return live;
end;
$$;
comment on function private.touch_connection(public.exam_attempts, text) is
  'Records a client''s heartbeat on an attempt; logs device_joined for a new client, drops the user''s oldest live connection beyond three, and logs collision when more than one is live on the attempt. Returns the live count.';

-- private: grading and expiry -----------------------------------------------------------
create function private.is_answer_correct(p_type public.question_type, p_value jsonb, p_key private.question_keys)
returns boolean
language sql
immutable
security invoker
set search_path = ''
as $$
  select case
    when p_type = 'essay' or p_key.question_id is null then null
    when private.is_empty_answer(p_value) then false
    when p_type in ('single_choice', 'true_false') then p_value = p_key.correct
    when p_type = 'multiple_choice' then
      (select coalesce(array_agg(v order by v), '{}') from jsonb_array_elements_text(p_value) as v)
      = (select coalesce(array_agg(v order by v), '{}') from jsonb_array_elements_text(p_key.correct) as v)
    when p_type = 'numeric' then
      abs((p_value #>> '{}')::numeric - (p_key.correct #>> '{}')::numeric) <= coalesce(p_key.tolerance, 0)
    when p_type = 'short_text' then
      case when p_key.case_sensitive
        then btrim(p_value #>> '{}') = any (select btrim(t) from unnest(p_key.accepted_texts) as t)
        else lower(btrim(p_value #>> '{}')) = any (select lower(btrim(t)) from unnest(p_key.accepted_texts) as t)
      end
  end;
$$;
comment on function private.is_answer_correct(public.question_type, jsonb, private.question_keys) is
  'Grades one answer against its key; null when it needs a teacher (essays, questions without a key).';

create function private.grade_attempt(p_attempt_id uuid)
returns void
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  attempt public.exam_attempts;
begin
  select * into attempt from public.exam_attempts as a where a.id = p_attempt_id;

  update public.attempt_answers as aa
  set is_correct = graded.is_correct,
      points_awarded = case when graded.is_correct then graded.points when graded.is_correct is false then 0 end
  from (
    select a2.question_id, q.points, private.is_answer_correct(q.type, a2.value, k) as is_correct
    from public.attempt_answers as a2
    join public.questions as q on q.id = a2.question_id
    left join private.question_keys as k on k.question_id = q.id
    where a2.attempt_id = p_attempt_id
  ) as graded
  where aa.attempt_id = p_attempt_id and aa.question_id = graded.question_id;

  update public.exam_attempts as a
  set score = totals.score,
      max_score = totals.max_score,
      grading_status = case when totals.ungradable > 0 then 'pending_review'::public.grading_status else 'graded' end,
      graded_at = pg_catalog.now()
  from (
    select coalesce(sum(aa.points_awarded), 0) as score,
           coalesce(sum(q.points), 0) as max_score,
           count(*) filter (where aa.value is not null and aa.is_correct is null) as ungradable
    from public.questions as q
    left join public.attempt_answers as aa on aa.attempt_id = p_attempt_id and aa.question_id = q.id
    where q.exam_id = attempt.exam_id
  ) as totals
  where a.id = p_attempt_id;

  insert into public.user_sub_skill_performance as p (user_id, academy_id, sub_skill, questions_answered,
    questions_correct, points_earned, points_possible, attempts_count, last_attempt_at)
  select attempt.user_id, attempt.academy_id, coalesce(q.sub_skill, s.sub_skill, 'general'),
    count(aa.value) filter (where aa.value is not null),
    count(*) filter (where aa.is_correct),
    coalesce(sum(aa.points_awarded), 0),
    sum(q.points),
    1,
    pg_catalog.now()
  from public.questions as q
  join public.exam_sections as s on s.id = q.section_id
  left join private.question_keys as k on k.question_id = q.id
  left join public.attempt_answers as aa on aa.attempt_id = p_attempt_id and aa.question_id = q.id
  where q.exam_id = attempt.exam_id and q.type <> 'essay' and k.question_id is not null
  group by coalesce(q.sub_skill, s.sub_skill, 'general')
  on conflict (user_id, academy_id, sub_skill) do update
    set questions_answered = p.questions_answered + excluded.questions_answered,
        questions_correct = p.questions_correct + excluded.questions_correct,
        points_earned = p.points_earned + excluded.points_earned,
        points_possible = p.points_possible + excluded.points_possible,
        attempts_count = p.attempts_count + 1,
        last_attempt_at = excluded.last_attempt_at,
        updated_at = pg_catalog.now();
end;
$$;
comment on function private.grade_attempt(uuid) is
  'Grades every auto-gradable answer, totals the score (essays leave it pending_review) and adds the attempt to user_sub_skill_performance.';

create function private.close_attempt(
  p_attempt_id uuid, p_status public.attempt_status, p_finished_at timestamptz, p_client_id text default null
) returns public.exam_attempts
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  attempt public.exam_attempts;
begin
  if p_status <> 'abandoned' then
    perform private.grade_attempt(p_attempt_id);
  end if;
  update public.exam_attempts as a
  set status = p_status, finished_at = p_finished_at, paused_at = null, last_activity_at = pg_catalog.now()
  where a.id = p_attempt_id
  returning * into attempt;
  delete from public.attempt_connections as c where c.attempt_id = p_attempt_id;
  perform private.log_activity(p_attempt_id, p_status::text, p_client_id,
    jsonb_build_object('score', attempt.score, 'max_score', attempt.max_score));
  perform private.publish_event('attempt:' || p_attempt_id, 'attempt_' || p_status::text,
    jsonb_build_object('attempt_id', p_attempt_id, 'status', attempt.status, 'finished_at', attempt.finished_at,
      'score', attempt.score, 'max_score', attempt.max_score, 'grading_status', attempt.grading_status));
  return attempt;
end;
$$;
comment on function private.close_attempt(uuid, public.attempt_status, timestamptz, text) is
  'Closes an attempt as submitted, expired (both graded) or abandoned (ungraded), logs it and tells its topic.';

create function private.apply_expiry_policy(p_attempt_id uuid)
returns public.exam_attempts
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  attempt public.exam_attempts;
  exam public.exams;
begin
  select * into attempt from public.exam_attempts as a where a.id = p_attempt_id for update;
  select * into exam from public.exams as e where e.id = attempt.exam_id;
  if attempt.status not in ('in_progress', 'overdue') or attempt.paused_at is not null
    or pg_catalog.now() <= attempt.deadline_at then
    return attempt;
  end if;
  if pg_catalog.now() <= attempt.deadline_at + make_interval(secs => exam.grace_period_seconds) then
    if attempt.expiry_policy = 'grace_then_submit' and attempt.status = 'in_progress' then
      update public.exam_attempts as a set status = 'overdue' where a.id = p_attempt_id returning * into attempt;
      perform private.log_activity(p_attempt_id, 'overdue', null);
      perform private.publish_event('attempt:' || p_attempt_id, 'attempt_overdue',
        jsonb_build_object('attempt_id', p_attempt_id, 'status', 'overdue', 'deadline_at', attempt.deadline_at));
    end if;
    return attempt;
  end if;
  -- Time is up: the attempt ends when its time did, not when this ran.
  return private.close_attempt(p_attempt_id,
    case when attempt.expiry_policy = 'abandon' then 'abandoned' else 'expired' end::public.attempt_status,
    attempt.deadline_at);
end;
$$;
comment on function private.apply_expiry_policy(uuid) is
  'Applies the attempt''s expiry policy to an attempt whose time is up: overdue during the grace period (grace_then_submit), then expired and graded, or abandoned; finished_at = deadline_at.';

create function private.expire_overdue_attempts()
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  due uuid;
  changed integer := 0;
  before_status public.attempt_status;
begin
  for due in
    select a.id from public.exam_attempts as a
    where a.status in ('in_progress', 'overdue') and a.paused_at is null and a.deadline_at < pg_catalog.now()
    order by a.deadline_at
  loop
    begin
      select a.status into before_status from public.exam_attempts as a where a.id = due;
      if (private.apply_expiry_policy(due)).status <> before_status then
        changed := changed + 1;
      end if;
    exception when others then
      -- One broken attempt must not stop the others; it is retried next minute.
      raise warning 'Cannot expire attempt %: %', due, sqlerrm;
    end;
  end loop;
  return changed;
end;
$$;
comment on function private.expire_overdue_attempts() is
  'Run by pg_cron every minute: applies the expiry policy to every open attempt past its deadline. Security definer so the job works whoever schedules it.';

-- private: ops --------------------------------------------------------------------------
create function private.raise_invalid_op(p_index bigint, p_op jsonb, p_code text, p_reason text)
returns void
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  raise exception 'Cannot apply op % (%): %', p_index, coalesce(p_op ->> 'op_id', 'no op_id'), p_reason
    using errcode = '22023', hint = p_code,
      detail = json_build_object('op_index', p_index, 'op_id', p_op ->> 'op_id', 'code', p_code)::text;
end;
$$;
comment on function private.raise_invalid_op(bigint, jsonb, text, text) is
  'Refuses a whole batch for one malformed op (400), naming the op by its 1-based index and op_id; the stable code is in hint.';

create function private.validate_ops(p_attempt public.exam_attempts, p_ops jsonb)
returns void
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  bad record;
begin
  if p_ops is null or jsonb_typeof(p_ops) <> 'array' then
    raise exception 'Cannot apply ops: p_ops must be a JSON array of ops'
      using errcode = '22023', hint = 'invalid_batch';
  end if;
  if jsonb_array_length(p_ops) > 200 then
    raise exception 'Cannot apply ops: a batch holds at most 200 ops, this one has %', jsonb_array_length(p_ops)
      using errcode = '22023', hint = 'too_many_ops';
  end if;
  -- One query checks every op; the first problem of the first bad op refuses the batch.
  select o.ordinality as op_index, o.value as op, checked.problem
  into bad
  from jsonb_array_elements(p_ops) with ordinality as o
  left join lateral (
    select q.type, q.options from public.questions as q
    where q.id = private.try_uuid(o.value ->> 'question_id') and q.exam_id = p_attempt.exam_id
  ) as question on jsonb_typeof(o.value) = 'object'
  cross join lateral (select case
    when jsonb_typeof(o.value) <> 'object' then array['invalid_op', 'an op must be a JSON object']
    when private.try_uuid(o.value ->> 'op_id') is null then array['invalid_op_id', 'op_id must be a uuid']
    when o.value ? 'seq' and (jsonb_typeof(o.value -> 'seq') <> 'number' or (o.value ->> 'seq') !~ '^[0-9]{1,15}$')
      then array['invalid_seq', 'seq must be a non-negative integer']
    when octet_length(o.value::text) > 10240 then array['value_too_large', 'an op may hold at most 10 KB']
    when coalesce(o.value ->> 'type', '') not in ('answer', 'clear_answer', 'flag', 'unflag', 'position', 'section',
      'timer', 'activity')
      then array['unknown_op_type', format(
        'type %s is not one of answer, clear_answer, flag, unflag, position, section, timer, activity',
        coalesce(o.value ->> 'type', 'null'))]
    when o.value ->> 'type' in ('answer', 'clear_answer', 'flag', 'unflag', 'position') and question.type is null
      then array['question_not_in_exam', 'question_id is not a question of this exam']
    when o.value ->> 'type' in ('answer', 'clear_answer') and (jsonb_typeof(o.value -> 'base_version') is distinct from 'number'
      or (o.value ->> 'base_version') !~ '^[0-9]{1,9}$')
      then array['invalid_base_version', 'base_version must be a non-negative integer']
    when o.value ->> 'type' = 'answer'
      and not coalesce(private.is_valid_answer(question.type, question.options, o.value -> 'value'), false)
      then array['invalid_answer', format('value does not fit a %s question', question.type)]
    when o.value ->> 'type' = 'section' and not exists (select 1 from public.exam_sections as s
      where s.id = private.try_uuid(o.value ->> 'section_id') and s.exam_id = p_attempt.exam_id)
      then array['section_not_in_exam', 'section_id is not a section of this exam']
    when o.value ->> 'type' = 'section' and coalesce(o.value ->> 'status', '') not in ('in_progress', 'completed')
      then array['invalid_section_status', 'status must be in_progress or completed']
    when o.value ->> 'type' = 'section' and o.value ? 'time_used_ms' and (o.value ->> 'time_used_ms') !~ '^[0-9]{1,12}$'
      then array['invalid_time', 'time_used_ms must be a non-negative integer']
    when o.value ->> 'type' = 'timer' and coalesce(o.value ->> 'remaining_ms', '') !~ '^[0-9]{1,12}$'
      then array['invalid_time', 'remaining_ms must be a non-negative integer']
    when o.value ->> 'type' = 'activity' and coalesce(o.value ->> 'event', '') not in ('focus_lost', 'focus_gained',
      'visibility_hidden', 'visibility_visible', 'fullscreen_exited', 'copy', 'paste', 'network_offline', 'network_online')
      then array['invalid_activity', 'event is not a known client activity']
    when o.value ->> 'type' = 'activity' and o.value ? 'details' and jsonb_typeof(o.value -> 'details') <> 'object'
      then array['invalid_activity', 'details must be a JSON object']
  end as problem) as checked
  where checked.problem is not null
  order by o.ordinality
  limit 1;
  if bad.op_index is not null then
    perform private.raise_invalid_op(bad.op_index, case when jsonb_typeof(bad.op) = 'object' then bad.op end,
      bad.problem[1], bad.problem[2]);
  end if;
end;
$$;
comment on function private.validate_ops(public.exam_attempts, jsonb) is 'Checks a whole batch before anything is written; the first malformed op refuses it (400).';

create function private.write_answer(
  p_previous public.attempt_answers, p_attempt_id uuid, p_question_id uuid, p_value jsonb, p_client_id text,
  p_seq bigint, p_op_id uuid, p_source public.answer_history_source
) returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  previous public.attempt_answers := p_previous;
  next_version integer := coalesce(p_previous.version, 0) + 1;
begin
  insert into public.attempt_answers as aa (attempt_id, question_id, value, version, client_id, client_seq)
  values (p_attempt_id, p_question_id, p_value, next_version, p_client_id, p_seq)
  on conflict (attempt_id, question_id) do update
    set value = excluded.value, version = excluded.version, client_id = excluded.client_id,
        client_seq = excluded.client_seq, updated_at = pg_catalog.now();
  insert into public.question_attempt_history (attempt_id, question_id, old_value, new_value, old_version,
    new_version, op_id, client_id, source)
  values (p_attempt_id, p_question_id, previous.value, p_value, previous.version, next_version, p_op_id,
    p_client_id, p_source);
  return next_version;
end;
$$;
comment on function private.write_answer(public.attempt_answers, uuid, uuid, jsonb, text, bigint, uuid, public.answer_history_source) is
  'Stores a new value as the next version of an answer (p_previous: the current row, locked by the caller, or null), with its history row.';

create function private.keep_losing_value(
  p_attempt_id uuid, p_question_id uuid, p_value jsonb, p_version integer, p_op_id uuid, p_client_id text
) returns void
language sql
volatile
security invoker
set search_path = ''
as $$
  insert into public.question_attempt_history (attempt_id, question_id, old_value, new_value, old_version,
    new_version, op_id, client_id, source)
  values (p_attempt_id, p_question_id, null, p_value, p_version, null, p_op_id, p_client_id, 'conflict_loser');
$$;
comment on function private.keep_losing_value(uuid, uuid, jsonb, integer, uuid, text) is
  'Keeps a value that lost a conflict in the history (new_version null: it is not the answer).';

create function private.op_closed_reason(p_attempt public.exam_attempts, p_question_id uuid)
returns text
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  navigation public.exam_navigation;
  grace integer;
  section_deadline timestamptz;
begin
  select e.navigation, e.grace_period_seconds into navigation, grace from public.exams as e where e.id = p_attempt.exam_id;
  select st.deadline_at into section_deadline
  from public.attempt_section_states as st join public.questions as q on q.section_id = st.section_id
  where st.attempt_id = p_attempt.id and q.id = p_question_id;
  if section_deadline is not null and pg_catalog.now() > section_deadline + make_interval(secs => grace) then
    return 'section_expired';
  end if;
  if navigation = 'sequential' and p_attempt.current_question_id is not null
    and private.question_order(p_question_id) < private.question_order(p_attempt.current_question_id) then
    return 'question_closed';
  end if;
  return null;
end;
$$;
comment on function private.op_closed_reason(public.exam_attempts, uuid) is
  'Why a question no longer takes changes (its section''s own time is up, or sequential navigation has moved past it), or null.';

create function private.apply_answer_op(
  p_attempt public.exam_attempts, p_op jsonb, p_client_id text, p_questions_can_close boolean
) returns jsonb
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  op_id uuid := (p_op ->> 'op_id')::uuid;
  op_question_id uuid := (p_op ->> 'question_id')::uuid;
  value jsonb := case when p_op ->> 'type' = 'answer' then p_op -> 'value' end;
  base_version integer := (p_op ->> 'base_version')::integer;
  seq bigint := (p_op ->> 'seq')::bigint;
  current public.attempt_answers;
  server_version integer;
  closed_reason text := case when p_questions_can_close then private.op_closed_reason(p_attempt, op_question_id) end;
  take_local boolean;
  conflict_id uuid;
  new_version integer;
  result jsonb := jsonb_build_object('op_id', op_id, 'question_id', op_question_id);
begin
  if closed_reason is not null then
    return result || jsonb_build_object('status', 'rejected', 'code', closed_reason);
  end if;
  select * into current from public.attempt_answers as aa
  where aa.attempt_id = p_attempt.id and aa.question_id = (p_op ->> 'question_id')::uuid
  for update;
  server_version := coalesce(current.version, 0);

  -- An older op of this same client arriving after a newer one: the newer value stands.
  if seq is not null and p_client_id is not null and current.client_id = p_client_id and current.client_seq >= seq then
    return result || jsonb_build_object('status', 'applied', 'superseded', true, 'version', server_version);
  end if;
  if current.value is not distinct from value and server_version > 0 then
    return result || jsonb_build_object('status', 'applied', 'version', server_version);
  end if;
  -- Not stale: edited from the newest version, or this client wrote the newest version itself.
  if base_version >= server_version or (p_client_id is not null and current.client_id = p_client_id) then
    new_version := private.write_answer(current, p_attempt.id, op_question_id, value, p_client_id, seq, op_id, 'save');
    return result || jsonb_build_object('status', 'applied', 'version', new_version);
  end if;

  take_local := case p_attempt.conflict_strategy
    when 'local' then true
    when 'server' then false
    else not private.is_empty_answer(value)
  end;
  if take_local then
    perform private.keep_losing_value(p_attempt.id, op_question_id, current.value, server_version, op_id, current.client_id);
    new_version := private.write_answer(current, p_attempt.id, op_question_id, value, p_client_id, seq, op_id, 'save');
  else
    perform private.keep_losing_value(p_attempt.id, op_question_id, value, base_version, op_id, p_client_id);
    new_version := server_version;
    if p_attempt.conflict_strategy = 'server' then
      insert into public.attempt_conflicts (attempt_id, question_id, op_id, client_id, local_value, base_version,
        server_value, server_version)
      values (p_attempt.id, op_question_id, op_id, p_client_id, value, base_version, current.value, server_version)
      returning id into conflict_id;
    end if;
  end if;
  perform private.log_activity(p_attempt.id, 'conflict', p_client_id, jsonb_build_object('question_id', op_question_id,
    'base_version', base_version, 'server_version', server_version, 'resolution', case when take_local then 'local' else 'server' end));
  return result || jsonb_build_object('status', 'conflict',
    'resolution', case when take_local then 'local' else 'server' end,
    'version', new_version, 'server_value', current.value, 'server_version', server_version,
    'conflict_id', conflict_id);
end;
$$;
comment on function private.apply_answer_op(public.exam_attempts, jsonb, text, boolean) is
  'Applies an answer or clear_answer op: closed questions (when p_questions_can_close), version check, conflict strategy, and the losing value kept.';

create function private.apply_flag_op(p_attempt public.exam_attempts, p_op jsonb, p_client_id text)
returns jsonb
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  op_question_id uuid := (p_op ->> 'question_id')::uuid;
  new_flagged boolean := p_op ->> 'type' = 'flag';
  seq bigint := (p_op ->> 'seq')::bigint;
  current public.attempt_flags;
  result jsonb := jsonb_build_object('op_id', p_op ->> 'op_id', 'question_id', op_question_id, 'flagged', new_flagged);
begin
  select * into current from public.attempt_flags as f
  where f.attempt_id = p_attempt.id and f.question_id = (p_op ->> 'question_id')::uuid
  for update;
  if seq is not null and p_client_id is not null and current.client_id = p_client_id and current.client_seq >= seq then
    return result || jsonb_build_object('status', 'applied', 'superseded', true, 'flagged', current.flagged);
  end if;
  insert into public.attempt_flags as f (attempt_id, question_id, flagged, client_id, client_seq)
  values (p_attempt.id, op_question_id, new_flagged, p_client_id, seq)
  on conflict (attempt_id, question_id) do update
    set flagged = excluded.flagged, client_id = excluded.client_id, client_seq = excluded.client_seq,
        updated_at = pg_catalog.now();
  if current.flagged is distinct from new_flagged then
    perform private.log_activity(p_attempt.id, case when new_flagged then 'flagged' else 'unflagged' end, p_client_id,
      jsonb_build_object('question_id', op_question_id));
  end if;
  return result || jsonb_build_object('status', 'applied');
end;
$$;
comment on function private.apply_flag_op(public.exam_attempts, jsonb, text) is 'Applies a flag or unflag op; flags have no versions, only this client''s own order.';

create function private.enter_section(p_attempt_id uuid, p_section_id uuid)
returns void
language sql
volatile
security invoker
set search_path = ''
as $$
  update public.attempt_section_states as st
  set status = 'in_progress',
      started_at = pg_catalog.now(),
      deadline_at = pg_catalog.now() + make_interval(secs => s.time_limit_seconds),
      updated_at = pg_catalog.now()
  from public.exam_sections as s
  where st.attempt_id = p_attempt_id and st.section_id = p_section_id and s.id = st.section_id
    and st.status = 'not_started';
$$;
comment on function private.enter_section(uuid, uuid) is 'Starts a section''s own clock the first time the student enters it.';

create function private.apply_position_op(p_attempt public.exam_attempts, p_op jsonb, p_client_id text)
returns jsonb
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  op_question_id uuid := (p_op ->> 'question_id')::uuid;
  seq bigint := (p_op ->> 'seq')::bigint;
  op_section_id uuid;
  navigation public.exam_navigation;
  result jsonb := jsonb_build_object('op_id', p_op ->> 'op_id', 'question_id', op_question_id);
begin
  if seq is not null and p_client_id is not null and p_attempt.position_client_id = p_client_id
    and p_attempt.position_seq >= seq then
    return result || jsonb_build_object('status', 'applied', 'superseded', true);
  end if;
  select e.navigation into navigation from public.exams as e where e.id = p_attempt.exam_id;
  if navigation = 'sequential' and p_attempt.current_question_id is not null
    and private.question_order(op_question_id) < private.question_order(p_attempt.current_question_id) then
    return result || jsonb_build_object('status', 'rejected', 'code', 'navigation_sequential');
  end if;
  select q.section_id into op_section_id from public.questions as q where q.id = op_question_id;
  perform private.enter_section(p_attempt.id, op_section_id);
  update public.attempt_section_states as st
  set current_question_id = op_question_id, updated_at = pg_catalog.now()
  where st.attempt_id = p_attempt.id and st.section_id = op_section_id;
  update public.exam_attempts as a
  set current_question_id = op_question_id, position_client_id = p_client_id, position_seq = seq
  where a.id = p_attempt.id;
  return result || jsonb_build_object('status', 'applied');
end;
$$;
comment on function private.apply_position_op(public.exam_attempts, jsonb, text) is 'Moves the attempt''s current question; sequential exams only move forward.';

create function private.apply_section_op(p_attempt public.exam_attempts, p_op jsonb, p_client_id text)
returns jsonb
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  op_section_id uuid := (p_op ->> 'section_id')::uuid;
  new_status public.section_status := (p_op ->> 'status')::public.section_status;
begin
  perform private.enter_section(p_attempt.id, op_section_id);
  update public.attempt_section_states as st
  set status = case when st.status = 'completed' then st.status else new_status end,
      completed_at = case when new_status = 'completed' then coalesce(st.completed_at, pg_catalog.now()) else st.completed_at end,
      time_used_ms = greatest(st.time_used_ms, coalesce((p_op ->> 'time_used_ms')::bigint, 0)),
      updated_at = pg_catalog.now()
  where st.attempt_id = p_attempt.id and st.section_id = op_section_id;
  perform private.log_activity(p_attempt.id, 'section_changed', p_client_id,
    jsonb_build_object('section_id', op_section_id, 'status', new_status));
  return jsonb_build_object('op_id', p_op ->> 'op_id', 'section_id', op_section_id, 'status', 'applied');
end;
$$;
comment on function private.apply_section_op(public.exam_attempts, jsonb, text) is
  'Enters or completes a section and records the time the client says it used there (it never decreases); a completed section stays completed.';

create function private.apply_answer_batch(p_attempt public.exam_attempts, p_ops jsonb, p_client_id text)
returns jsonb
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  results jsonb;
begin
  -- The common batch in a few statements: answers to distinct questions, none stale, none
  -- superseded. Anything else returns null and goes op by op (apply_answer_op), which
  -- decides every case; the rules below are the subset where both agree.
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
  ) or (select count(distinct (o ->> 'question_id')::uuid) < count(*) from jsonb_array_elements(p_ops) as o) then
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
  'Applies a batch of answer ops set-based when every op is a clean save (distinct questions, not stale, not superseded): the results apply_answer_op would give, in op order; null otherwise.';

create function private.apply_attempt_ops(p_attempt_id uuid, p_ops jsonb, p_client_id text)
returns public.attempt_ops_outcome
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  started timestamptz := pg_catalog.clock_timestamp();
  attempt public.exam_attempts;
  op jsonb;
  op_index bigint;
  result jsonb;
  results jsonb := '{}'::jsonb;
  applied_answers jsonb := '[]'::jsonb;
  counts jsonb := '{"applied": 0, "duplicate": 0, "conflict": 0, "rejected": 0}'::jsonb;
  checked_writable boolean := false;
  others_must_see boolean := false;
  questions_can_close boolean;
  seen jsonb;
  op_key text;
  batch_results jsonb;
  outcome public.attempt_ops_outcome;
begin
  if p_client_id is not null and char_length(p_client_id) not between 1 and 200 then
    raise exception 'Cannot apply ops: client id must be 1 to 200 characters'
      using errcode = '22023', hint = 'invalid_client_id';
  end if;
  attempt := private.lock_own_attempt(p_attempt_id);
  perform private.validate_ops(attempt, p_ops);
  -- Sequential navigation and sections with their own time limit can close questions.
  select e.navigation = 'sequential'
    or exists (select 1 from public.exam_sections as s where s.exam_id = e.id and s.time_limit_seconds is not null)
  into questions_can_close
  from public.exams as e where e.id = attempt.exam_id;
  -- First results of the batch's op ids seen before: op id -> result.
  select coalesce(jsonb_object_agg(r.op_id, r.result), '{}'::jsonb) into seen
  from private.applied_ops as r
  where r.attempt_id = p_attempt_id
    and r.op_id in (select (o ->> 'op_id')::uuid from jsonb_array_elements(p_ops) as o);

  -- The common batch (clean saves of answers, none seen before) is applied set-based.
  if seen = '{}'::jsonb and not questions_can_close and jsonb_array_length(p_ops) > 0
    and not exists (select 1 from jsonb_array_elements(p_ops) as o where o ->> 'type' not in ('answer', 'clear_answer'))
  then
    perform private.assert_attempt_writable(attempt);
    checked_writable := true;
    batch_results := private.apply_answer_batch(attempt, p_ops, p_client_id);
  end if;
  if batch_results is not null then
    select jsonb_object_agg(r.ordinality::text, r.value), jsonb_object_agg(r.value ->> 'op_id', r.value),
      jsonb_agg(jsonb_build_object('question_id', r.value -> 'question_id', 'version', r.value -> 'version')),
      jsonb_build_object('applied', count(*), 'duplicate', 0, 'conflict', 0, 'rejected', 0)
    into results, seen, applied_answers, counts
    from jsonb_array_elements(batch_results) with ordinality as r;
    others_must_see := true;
  end if;

  -- Otherwise op by op. Ops with a seq apply in the client's order, whatever order they arrived in.
  for op, op_index in
    select o.value, o.ordinality from jsonb_array_elements(p_ops) with ordinality as o
    where batch_results is null
    order by (o.value ->> 'seq')::bigint nulls last, o.ordinality
  loop
    op_key := (op ->> 'op_id')::uuid::text;
    result := seen -> op_key || jsonb_build_object('status', 'duplicate', 'first_status', seen -> op_key ->> 'status');
    if seen -> op_key is null then
      if not checked_writable then
        -- Replayed ops are answered even after the deadline; new ones are refused.
        perform private.assert_attempt_writable(attempt);
        checked_writable := true;
      end if;
      result := case op ->> 'type'
        when 'answer' then private.apply_answer_op(attempt, op, p_client_id, questions_can_close)
        when 'clear_answer' then private.apply_answer_op(attempt, op, p_client_id, questions_can_close)
        when 'flag' then private.apply_flag_op(attempt, op, p_client_id)
        when 'unflag' then private.apply_flag_op(attempt, op, p_client_id)
        when 'position' then private.apply_position_op(attempt, op, p_client_id)
        when 'section' then private.apply_section_op(attempt, op, p_client_id)
        when 'timer' then jsonb_build_object('op_id', op ->> 'op_id', 'status', 'applied')
        when 'activity' then jsonb_build_object('op_id', op ->> 'op_id', 'status', 'applied')
      end;
      case op ->> 'type'
        when 'timer' then
          update public.exam_attempts as a
          set client_remaining_ms = least((op ->> 'remaining_ms')::bigint, 2147483647)::integer,
              client_remaining_reported_at = pg_catalog.now()
          where a.id = p_attempt_id;
        when 'activity' then
          perform private.log_activity(p_attempt_id, op ->> 'event', p_client_id, coalesce(op -> 'details', '{}'));
        when 'position' then
          select * into attempt from public.exam_attempts as a where a.id = p_attempt_id;
        else null;
      end case;
      seen := seen || jsonb_build_object(op_key, result);
      others_must_see := others_must_see or op ->> 'type' not in ('timer', 'activity');
      -- Answers whose stored value changed: applied (not superseded) or a conflict the client won.
      if op ->> 'type' in ('answer', 'clear_answer') and not coalesce((result ->> 'superseded')::boolean, false)
        and (result ->> 'status' = 'applied' or result ->> 'resolution' = 'local') then
        applied_answers := applied_answers || jsonb_build_object('question_id', result -> 'question_id',
          'version', result -> 'version');
      end if;
    end if;
    counts := jsonb_set(counts, array[result ->> 'status'], to_jsonb((counts ->> (result ->> 'status'))::integer + 1));
    results := results || jsonb_build_object(op_index::text, result);
  end loop;

  if checked_writable then
    if p_client_id is not null then
      perform private.touch_connection(attempt, p_client_id);
    end if;
    update public.exam_attempts as a set last_activity_at = pg_catalog.now() where a.id = p_attempt_id
    returning * into attempt;
    if jsonb_array_length(applied_answers) > 0 then
      perform private.log_activity(p_attempt_id, 'saved', p_client_id,
        jsonb_build_object('answers', jsonb_array_length(applied_answers)));
    end if;
  end if;
  if others_must_see then
    perform private.publish_event('attempt:' || p_attempt_id, 'ops_applied', jsonb_build_object(
      'attempt_id', p_attempt_id,
      'client_id', p_client_id,
      'answers', (select coalesce(jsonb_agg(jsonb_build_object('question_id', aa.question_id, 'version', aa.version,
          'value', aa.value)), '[]'::jsonb)
        from public.attempt_answers as aa
        where aa.attempt_id = p_attempt_id
          and aa.question_id in (select (x ->> 'question_id')::uuid from jsonb_array_elements(applied_answers) as x)),
      'flags', (select coalesce(jsonb_agg(f.question_id), '[]'::jsonb) from public.attempt_flags as f
        where f.attempt_id = p_attempt_id and f.flagged),
      'current_question_id', attempt.current_question_id,
      'answered_count', (select count(*) from public.attempt_answers as aa
        where aa.attempt_id = p_attempt_id and aa.value is not null)
    ));
  end if;

  -- The first result of every new op, returned again when it is replayed.
  insert into private.applied_ops (attempt_id, op_id, result)
  select p_attempt_id, r.key::uuid, r.value
  from jsonb_each(seen) as r
  where r.key::uuid in (select (o ->> 'op_id')::uuid from jsonb_array_elements(p_ops) as o)
  on conflict (attempt_id, op_id) do nothing;

  insert into private.sync_batches (attempt_id, academy_id, op_count, applied_count, duplicate_count,
    conflict_count, rejected_count, duration_ms)
  values (p_attempt_id, attempt.academy_id, jsonb_array_length(p_ops), (counts ->> 'applied')::integer,
    (counts ->> 'duplicate')::integer, (counts ->> 'conflict')::integer, (counts ->> 'rejected')::integer,
    extract(epoch from pg_catalog.clock_timestamp() - started) * 1000);

  outcome.results := (select coalesce(jsonb_agg(r.value order by r.key::bigint), '[]'::jsonb) from jsonb_each(results) as r);
  outcome.status := attempt.status;
  outcome.server_now := pg_catalog.now();
  outcome.deadline_at := attempt.deadline_at;
  outcome.remaining_ms := private.remaining_ms(attempt);
  return outcome;
end;
$$;
comment on function private.apply_attempt_ops(uuid, jsonb, text) is
  'One transaction for a batch of up to 200 ops of the caller''s attempt. Security definer: it writes the idempotency records and the attempt tables no client may write; it checks the caller owns the attempt.';

-- private: the RPCs' bodies -------------------------------------------------------------
create function private.open_attempt(
  p_exam public.exams, p_user_id uuid, p_mode public.attempt_mode, p_deadline_at timestamptz,
  p_session_id uuid default null, p_expiry_policy public.exam_expiry_policy default null
) returns public.exam_attempts
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  first_question uuid;
  attempt public.exam_attempts;
begin
  select q.id into first_question
  from public.questions as q join public.exam_sections as s on s.id = q.section_id
  where q.exam_id = p_exam.id
  order by s.position, q.position
  limit 1;
  if first_question is null then
    perform private.raise_http_error(409, 'exam_has_no_questions', 'Cannot start attempt: the exam has no questions');
  end if;
  insert into public.exam_attempts (exam_id, academy_id, user_id, session_id, attempt_number, mode,
    conflict_strategy, expiry_policy, deadline_at, current_question_id)
  values (p_exam.id, p_exam.academy_id, p_user_id, p_session_id,
    (select count(*) + 1 from public.exam_attempts as a where a.exam_id = p_exam.id and a.user_id = p_user_id),
    p_mode, p_exam.conflict_strategy, coalesce(p_expiry_policy, p_exam.expiry_policy), p_deadline_at, first_question)
  returning * into attempt;
  insert into public.attempt_section_states (attempt_id, section_id)
  select attempt.id, s.id from public.exam_sections as s where s.exam_id = p_exam.id;
  perform private.enter_section(attempt.id, (select q.section_id from public.questions as q where q.id = first_question));
  update public.attempt_section_states as st set current_question_id = first_question
  where st.attempt_id = attempt.id and st.status = 'in_progress';
  perform private.log_activity(attempt.id, 'started', null, jsonb_build_object('mode', p_mode));
  perform private.publish_event('attempt:' || attempt.id, 'attempt_started', jsonb_build_object(
    'attempt_id', attempt.id, 'exam_id', p_exam.id, 'user_id', p_user_id, 'started_at', attempt.started_at,
    'deadline_at', attempt.deadline_at));
  return attempt;
end;
$$;
comment on function private.open_attempt(public.exams, uuid, public.attempt_mode, timestamptz, uuid, public.exam_expiry_policy) is
  'Creates an attempt with its section states, positioned on the first question, logged and announced. Callers check who may.';

create function private.start_attempt(p_exam_id uuid, p_mode text)
returns public.exam_attempts
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  exam public.exams;
  attempt public.exam_attempts;
  previous_attempts integer;
begin
  if coalesce(p_mode, '') not in ('diagnostic', 'practice', 'drill') then
    raise exception 'Cannot start attempt: mode must be diagnostic, practice or drill'
      using errcode = '22023', hint = 'invalid_mode';
  end if;
  select * into exam from public.exams as e where e.id = p_exam_id;
  if exam.id is null or not private.is_academy_member(exam.academy_id)
    or (not exam.published and not private.is_academy_member(exam.academy_id, '{teacher,admin}')) then
    perform private.raise_http_error(404, 'exam_not_found', format('Cannot find exam %s', p_exam_id));
  end if;

  -- One starter at a time per student and exam, so two tabs cannot open two attempts.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(p_exam_id::text || caller::text, 0));
  select * into attempt from public.exam_attempts as a
  where a.exam_id = p_exam_id and a.user_id = caller and a.status in ('in_progress', 'overdue')
    and a.session_id is null;
  if attempt.id is not null then
    attempt := private.apply_expiry_policy(attempt.id);
    if attempt.status in ('in_progress', 'overdue') then
      perform private.log_activity(attempt.id, 'resumed', null);
      return attempt;
    end if;
  end if;

  if exam.available_from is not null and pg_catalog.now() < exam.available_from then
    perform private.raise_http_error(409, 'exam_not_open', 'Cannot start attempt: the exam is not open yet');
  end if;
  if exam.available_until is not null and pg_catalog.now() >= exam.available_until then
    perform private.raise_http_error(409, 'exam_closed', 'Cannot start attempt: the exam is closed');
  end if;
  select count(*) into previous_attempts from public.exam_attempts as a
  where a.exam_id = p_exam_id and a.user_id = caller;
  if exam.max_attempts is not null and previous_attempts >= exam.max_attempts then
    perform private.raise_http_error(409, 'max_attempts_reached',
      format('Cannot start attempt: all %s attempts are used', exam.max_attempts));
  end if;
  return private.open_attempt(exam, caller, p_mode::public.attempt_mode,
    least(pg_catalog.now() + make_interval(secs => exam.duration_seconds), coalesce(exam.available_until, 'infinity')));
end;
$$;
comment on function private.start_attempt(uuid, text) is
  'Creates the caller''s attempt, or returns their open one. Security definer: attempts are not writable by clients; it checks membership, publication, availability and max attempts.';

create function private.get_attempt_state(p_attempt_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  attempt public.exam_attempts;
  exam public.exams;
  closed boolean;
begin
  if not private.can_read_attempt(p_attempt_id) then
    perform private.raise_http_error(404, 'attempt_not_found', format('Cannot find attempt %s', p_attempt_id));
  end if;
  select * into attempt from public.exam_attempts as a where a.id = p_attempt_id;
  select * into exam from public.exams as e where e.id = attempt.exam_id;
  closed := attempt.status not in ('in_progress', 'overdue');
  return jsonb_build_object(
    'attempt', jsonb_build_object('id', attempt.id, 'exam_id', attempt.exam_id, 'user_id', attempt.user_id,
      'attempt_number', attempt.attempt_number, 'mode', attempt.mode, 'status', attempt.status,
      'conflict_strategy', attempt.conflict_strategy, 'started_at', attempt.started_at,
      'deadline_at', attempt.deadline_at, 'paused_at', attempt.paused_at, 'finished_at', attempt.finished_at,
      'current_question_id', attempt.current_question_id, 'score', attempt.score, 'max_score', attempt.max_score,
      'grading_status', attempt.grading_status),
    'exam', jsonb_build_object('id', exam.id, 'title', exam.title, 'description', exam.description,
      'navigation', exam.navigation, 'duration_seconds', exam.duration_seconds,
      'grace_period_seconds', exam.grace_period_seconds, 'expiry_policy', exam.expiry_policy),
    'sections', (
      select coalesce(jsonb_agg(jsonb_build_object('id', s.id, 'position', s.position, 'title', s.title,
          'time_limit_seconds', s.time_limit_seconds, 'sub_skill', s.sub_skill, 'status', st.status,
          'current_question_id', st.current_question_id, 'time_used_ms', st.time_used_ms,
          'started_at', st.started_at, 'deadline_at', st.deadline_at, 'completed_at', st.completed_at)
        order by s.position), '[]'::jsonb)
      from public.exam_sections as s
      left join public.attempt_section_states as st on st.section_id = s.id and st.attempt_id = p_attempt_id
      where s.exam_id = exam.id),
    'questions', (
      select coalesce(jsonb_agg(jsonb_build_object('id', q.id, 'section_id', q.section_id, 'position', q.position,
          'type', q.type, 'prompt', q.prompt, 'options', q.options, 'points', q.points)
        order by s.position, q.position), '[]'::jsonb)
      from public.questions as q join public.exam_sections as s on s.id = q.section_id
      where q.exam_id = exam.id),
    'answers', (
      select coalesce(jsonb_agg(jsonb_build_object('question_id', aa.question_id, 'value', aa.value,
          'version', aa.version, 'updated_at', aa.updated_at,
          'is_correct', case when closed then aa.is_correct end,
          'points_awarded', case when closed then aa.points_awarded end)), '[]'::jsonb)
      from public.attempt_answers as aa where aa.attempt_id = p_attempt_id),
    'flags', (
      select coalesce(jsonb_agg(f.question_id), '[]'::jsonb)
      from public.attempt_flags as f where f.attempt_id = p_attempt_id and f.flagged),
    'open_conflicts', (
      select coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'question_id', c.question_id,
          'local_value', c.local_value, 'base_version', c.base_version, 'server_value', c.server_value,
          'server_version', c.server_version, 'created_at', c.created_at)), '[]'::jsonb)
      from public.attempt_conflicts as c where c.attempt_id = p_attempt_id and c.resolved_at is null),
    'server_now', pg_catalog.now(),
    'remaining_ms', private.remaining_ms(attempt),
    'last_event_id', private.last_event_id('attempt:' || p_attempt_id)
  );
end;
$$;
comment on function private.get_attempt_state(uuid) is
  'Everything a client needs to resume an attempt exactly; questions without keys, correctness only once closed. Security definer: questions are not readable by students directly.';

create function private.submit_attempt(p_attempt_id uuid)
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
  select e.grace_period_seconds into grace from public.exams as e where e.id = attempt.exam_id;
  if attempt.paused_at is null and pg_catalog.now() > attempt.deadline_at + make_interval(secs => grace) then
    return private.apply_expiry_policy(p_attempt_id);
  end if;
  return private.close_attempt(p_attempt_id, 'submitted', pg_catalog.now());
end;
$$;
comment on function private.submit_attempt(uuid) is
  'Submits and grades the caller''s attempt; idempotent; after the grace period it applies the expiry policy instead, as the cron job would. Security definer: grading reads the private keys.';

create function private.resolve_attempt_conflicts(p_resolutions jsonb)
returns setof public.attempt_conflicts
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  item jsonb;
  item_index bigint;
  conflict public.attempt_conflicts;
  attempt public.exam_attempts;
  question public.questions;
  chosen text;
  value jsonb;
begin
  if p_resolutions is null or jsonb_typeof(p_resolutions) <> 'array' or jsonb_array_length(p_resolutions) > 200 then
    raise exception 'Cannot resolve conflicts: p_resolutions must be an array of at most 200 resolutions'
      using errcode = '22023', hint = 'invalid_batch';
  end if;
  for item, item_index in select r.value, r.ordinality from jsonb_array_elements(p_resolutions) with ordinality as r loop
    chosen := item ->> 'resolution';
    if coalesce(chosen, '') not in ('server', 'local', 'custom') then
      raise exception 'Cannot resolve conflict %: resolution must be server, local or custom', item_index
        using errcode = '22023', hint = 'invalid_resolution';
    end if;
    select * into conflict from public.attempt_conflicts as c
    where c.id = private.try_uuid(item ->> 'conflict_id') and c.resolved_at is null
    for update;
    if conflict.id is null then
      perform private.raise_http_error(404, 'conflict_not_found',
        format('Cannot resolve conflict %s: no open conflict %s', item_index, coalesce(item ->> 'conflict_id', 'null')));
    end if;
    attempt := private.lock_own_attempt(conflict.attempt_id);
    perform private.assert_attempt_writable(attempt);
    select * into question from public.questions as q where q.id = conflict.question_id;
    value := case chosen when 'local' then conflict.local_value when 'custom' then item -> 'value' end;
    if chosen = 'custom' and not coalesce(private.is_valid_answer(question.type, question.options, value), false) then
      raise exception 'Cannot resolve conflict %: value does not fit a % question', item_index, question.type
        using errcode = '22023', hint = 'invalid_answer';
    end if;
    if chosen <> 'server' then
      perform private.write_answer(
        (select aa from public.attempt_answers as aa
          where aa.attempt_id = attempt.id and aa.question_id = conflict.question_id for update),
        attempt.id, conflict.question_id, value, conflict.client_id, null, conflict.op_id, 'resolution');
    end if;
    update public.attempt_conflicts as c
    set resolved_at = pg_catalog.now(), resolution = chosen
    where c.id = conflict.id
    returning * into conflict;
    perform private.log_activity(attempt.id, 'conflict_resolved', conflict.client_id,
      jsonb_build_object('conflict_id', conflict.id, 'question_id', conflict.question_id, 'resolution', chosen));
    perform private.publish_event('attempt:' || attempt.id, 'conflict_resolved', jsonb_build_object(
      'attempt_id', attempt.id, 'conflict_id', conflict.id, 'question_id', conflict.question_id,
      'resolution', chosen,
      'answer', (select jsonb_build_object('value', aa.value, 'version', aa.version) from public.attempt_answers as aa
        where aa.attempt_id = attempt.id and aa.question_id = conflict.question_id)));
    return next conflict;
  end loop;
end;
$$;
comment on function private.resolve_attempt_conflicts(jsonb) is
  'Settles open conflicts of the caller''s attempts: server keeps the stored answer, local stores the client''s losing value, custom stores a new value. Security definer: answers are written by RPCs only.';

create function private.get_active_session_state()
returns setof public.active_attempt
language sql
stable
security definer
set search_path = ''
as $$
  select a.id, a.exam_id, e.title, a.mode, a.status, a.started_at, a.deadline_at, private.remaining_ms(a),
    (select count(*)::integer from public.attempt_answers as aa where aa.attempt_id = a.id and aa.value is not null),
    (select count(*)::integer from public.questions as q where q.exam_id = a.exam_id),
    a.current_question_id, pg_catalog.now()
  from public.exam_attempts as a
  join public.exams as e on e.id = a.exam_id
  where a.user_id = (select auth.uid()) and a.status in ('in_progress', 'overdue')
  order by a.deadline_at;
$$;
comment on function private.get_active_session_state() is 'The caller''s open attempts. Security definer: counts questions students cannot read directly.';

create function private.get_attempt_sync_status(p_attempt_id uuid)
returns public.attempt_sync_status
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  attempt public.exam_attempts;
  status public.attempt_sync_status;
begin
  if not private.can_read_attempt(p_attempt_id) then
    perform private.raise_http_error(404, 'attempt_not_found', format('Cannot find attempt %s', p_attempt_id));
  end if;
  select * into attempt from public.exam_attempts as a where a.id = p_attempt_id;
  select attempt.id, attempt.status, pg_catalog.now(), attempt.deadline_at, private.remaining_ms(attempt),
    (select count(*)::integer from public.attempt_answers as aa where aa.attempt_id = p_attempt_id and aa.value is not null),
    (select max(aa.updated_at) from public.attempt_answers as aa where aa.attempt_id = p_attempt_id),
    (select count(*)::integer from public.attempt_conflicts as c where c.attempt_id = p_attempt_id and c.resolved_at is null),
    (select count(*)::integer from private.applied_ops as o where o.attempt_id = p_attempt_id),
    live.n, live.n > 1,
    private.last_event_id('attempt:' || p_attempt_id)
  into status
  from (select count(*)::integer as n from public.attempt_connections as c
    where c.attempt_id = p_attempt_id and c.last_heartbeat_at > pg_catalog.now() - private.live_connection_window()) as live;
  return status;
end;
$$;
comment on function private.get_attempt_sync_status(uuid) is 'Sync status of an attempt for its student, teachers and admins. Security definer: reads the private op log.';

create function private.update_attempt_heartbeat(p_attempt_id uuid, p_client_id text)
returns public.attempt_heartbeat
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  attempt public.exam_attempts := private.lock_own_attempt(p_attempt_id);
  live integer := 0;
begin
  if coalesce(char_length(p_client_id), 0) not between 1 and 200 then
    raise exception 'Cannot record heartbeat: client id must be 1 to 200 characters'
      using errcode = '22023', hint = 'invalid_client_id';
  end if;
  if attempt.status in ('in_progress', 'overdue') then
    live := private.touch_connection(attempt, p_client_id);
  end if;
  return (attempt.id, attempt.status, pg_catalog.now(), attempt.deadline_at, private.remaining_ms(attempt),
    live, live > 1)::public.attempt_heartbeat;
end;
$$;
comment on function private.update_attempt_heartbeat(uuid, text) is
  'A device''s heartbeat on the caller''s open attempt; answers with the server''s clock. Security definer: connections are written by RPCs only.';

create function private.cleanup_stale_attempt_connections(p_timeout_seconds integer)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  removed integer;
begin
  if p_timeout_seconds is null or p_timeout_seconds < 1 then
    raise exception 'Cannot clean up connections: timeout must be at least 1 second'
      using errcode = '22023', hint = 'invalid_timeout';
  end if;
  delete from public.attempt_connections as c
  where c.last_heartbeat_at < pg_catalog.now() - make_interval(secs => p_timeout_seconds);
  get diagnostics removed = row_count;
  return removed;
end;
$$;
comment on function private.cleanup_stale_attempt_connections(integer) is
  'Removes connections silent for longer than the timeout. Service role and pg_cron only (no grant to authenticated).';

create function private.get_realtime_performance_metrics(p_minutes integer)
returns public.realtime_performance_metrics
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  academy_ids uuid[] := array(select private.member_academy_ids('{admin}'));
  since timestamptz;
  metrics public.realtime_performance_metrics;
begin
  if cardinality(academy_ids) = 0 then
    raise exception 'Cannot read metrics: only academy admins may'
      using errcode = '42501', hint = 'not_an_admin';
  end if;
  if p_minutes is null or p_minutes not between 1 and 10080 then
    raise exception 'Cannot read metrics: minutes must be between 1 and 10080'
      using errcode = '22023', hint = 'invalid_window';
  end if;
  since := pg_catalog.now() - make_interval(mins => p_minutes);
  select p_minutes, count(*), round(coalesce(sum(b.applied_count + b.conflict_count), 0)::numeric / p_minutes, 2),
    round((percentile_cont(0.5) within group (order by b.duration_ms))::numeric, 3),
    round((percentile_cont(0.95) within group (order by b.duration_ms))::numeric, 3),
    coalesce(sum(b.conflict_count), 0), coalesce(sum(b.rejected_count), 0),
    count(*) filter (where b.error_code is not null),
    (select count(*) from public.attempt_connections as c join public.exam_attempts as a on a.id = c.attempt_id
      where a.academy_id = any (academy_ids)
        and c.last_heartbeat_at > pg_catalog.now() - private.live_connection_window())
  into metrics
  from private.sync_batches as b
  where b.academy_id = any (academy_ids) and b.created_at >= since;
  return metrics;
end;
$$;
comment on function private.get_realtime_performance_metrics(integer) is
  'Sync metrics of the academies the caller administers. Security definer: reads private.sync_batches.';

-- public RPCs ---------------------------------------------------------------------------
create function public.start_attempt(p_exam_id uuid, p_mode text default 'practice')
returns public.exam_attempts
language sql volatile security invoker set search_path = ''
as $$ select * from private.start_attempt(p_exam_id, p_mode); $$;
comment on function public.start_attempt(uuid, text) is
  'Starts an attempt at a published exam of the caller''s academy (mode diagnostic | practice | drill), or returns their open one. 404 exam_not_found, 409 exam_not_open | exam_closed | max_attempts_reached.';

create function public.get_attempt_state(p_attempt_id uuid)
returns jsonb
language sql stable security invoker set search_path = ''
as $$ select private.get_attempt_state(p_attempt_id); $$;
comment on function public.get_attempt_state(uuid) is
  'Everything to resume an attempt: attempt, exam, sections with their state, questions (no keys), answers with versions, flags, open conflicts, server_now, remaining_ms, last_event_id.';

create function public.apply_attempt_ops(p_attempt_id uuid, p_ops jsonb, p_client_id text default null)
returns public.attempt_ops_outcome
language sql volatile security invoker set search_path = ''
as $$ select * from private.apply_attempt_ops(p_attempt_id, p_ops, p_client_id); $$;
comment on function public.apply_attempt_ops(uuid, jsonb, text) is
  'Applies a batch of up to 200 ops in one transaction. Ops: {op_id, type: answer|clear_answer|flag|unflag|position|section|timer|activity, seq?, …}. A seen op_id answers duplicate with its first result; a stale base_version is settled by the attempt''s conflict strategy. 400 (22023, code in hint) for a malformed batch, 404 attempt_not_found, 409 attempt_expired | attempt_closed | attempt_paused.';

create function public.update_flagged_questions(p_attempt_id uuid, p_question_id uuid, p_flagged boolean)
returns public.attempt_flags
language sql volatile security invoker set search_path = ''
as $$
  select 1 from private.apply_attempt_ops(p_attempt_id, jsonb_build_array(jsonb_build_object(
    'op_id', gen_random_uuid(), 'type', case when p_flagged then 'flag' else 'unflag' end,
    'question_id', p_question_id)), null);
  -- A new statement, so the change just made is visible.
  select * from public.attempt_flags as f where f.attempt_id = p_attempt_id and f.question_id = p_question_id;
$$;
comment on function public.update_flagged_questions(uuid, uuid, boolean) is 'Flags or unflags a question of the caller''s attempt; returns the flag.';

create function public.update_timer_state(p_attempt_id uuid, p_client_remaining_ms integer)
returns public.attempt_timer
language sql volatile security invoker set search_path = ''
as $$
  select p_attempt_id, o.status, o.server_now, o.deadline_at, o.remaining_ms
  from private.apply_attempt_ops(p_attempt_id, jsonb_build_array(jsonb_build_object(
    'op_id', gen_random_uuid(), 'type', 'timer', 'remaining_ms', p_client_remaining_ms)), null) as o;
$$;
comment on function public.update_timer_state(uuid, integer) is
  'Records the client''s remaining time for audit and returns the server''s, which is the one that counts.';

create function public.update_section_state(p_attempt_id uuid, p_section_id uuid, p_state jsonb)
returns public.attempt_section_states
language sql volatile security invoker set search_path = ''
as $$
  select 1 from private.apply_attempt_ops(p_attempt_id, jsonb_build_array(
    jsonb_build_object('op_id', gen_random_uuid(), 'type', 'section', 'section_id', p_section_id)
    || (coalesce(p_state, '{}'::jsonb) - 'op_id' - 'type' - 'section_id')), null);
  select * from public.attempt_section_states as st where st.attempt_id = p_attempt_id and st.section_id = p_section_id;
$$;
comment on function public.update_section_state(uuid, uuid, jsonb) is
  'Enters or completes a section: p_state {status: in_progress | completed, time_used_ms?}; returns the section state.';

create function public.get_active_session_state()
returns setof public.active_attempt
language sql stable security invoker set search_path = ''
as $$ select * from private.get_active_session_state(); $$;
comment on function public.get_active_session_state() is 'The caller''s open attempts, soonest deadline first, for a "Resume" list.';

create function public.submit_attempt(p_attempt_id uuid)
returns public.exam_attempts
language sql volatile security invoker set search_path = ''
as $$ select * from private.submit_attempt(p_attempt_id); $$;
comment on function public.submit_attempt(uuid) is
  'Submits and grades the caller''s attempt (essays stay pending_review) and updates user_sub_skill_performance. Submitting again returns the closed attempt.';

create function public.get_attempt_sync_status(p_attempt_id uuid)
returns public.attempt_sync_status
language sql stable security invoker set search_path = ''
as $$ select * from private.get_attempt_sync_status(p_attempt_id); $$;
comment on function public.get_attempt_sync_status(uuid) is 'How far an attempt is saved, its open conflicts and live devices (collision_detected when more than one).';

create function public.batch_resolve_attempt_conflicts(p_resolutions jsonb)
returns setof public.attempt_conflicts
language sql volatile security invoker set search_path = ''
as $$ select * from private.resolve_attempt_conflicts(p_resolutions); $$;
comment on function public.batch_resolve_attempt_conflicts(jsonb) is
  'Settles open conflicts: [{conflict_id, resolution: server | local | custom, value?}]; returns them resolved.';

create function public.get_realtime_attempt_activity(
  p_attempt_id uuid, p_since timestamptz default null, p_limit integer default 100
) returns setof public.attempt_activity_events
language sql stable security invoker set search_path = ''
as $$
  select e.* from public.attempt_activity_events as e
  where e.attempt_id = p_attempt_id and (p_since is null or e.created_at > p_since)
  order by e.created_at, e.id
  limit least(greatest(coalesce(p_limit, 100), 1), 1000);
$$;
comment on function public.get_realtime_attempt_activity(uuid, timestamptz, integer) is
  'Activity of an attempt after p_since (at most p_limit, up to 1000), for its student, teachers and admins (RLS decides).';

create function public.update_attempt_heartbeat(p_attempt_id uuid, p_client_id text)
returns public.attempt_heartbeat
language sql volatile security invoker set search_path = ''
as $$ select * from private.update_attempt_heartbeat(p_attempt_id, p_client_id); $$;
comment on function public.update_attempt_heartbeat(uuid, text) is 'A device''s heartbeat on the caller''s attempt; returns the server''s clock and live devices.';

create function public.get_attempt_connection_stats(p_attempt_id uuid)
returns setof public.attempt_connection
language sql stable security invoker set search_path = ''
as $$
  select c.client_id, c.connected_at, c.last_heartbeat_at,
    c.last_heartbeat_at > pg_catalog.now() - private.live_connection_window()
  from public.attempt_connections as c
  where c.attempt_id = p_attempt_id
  order by c.connected_at;
$$;
comment on function public.get_attempt_connection_stats(uuid) is 'Devices connected to an attempt and whether each is live (RLS decides who reads them).';

create function public.cleanup_stale_attempt_connections(p_timeout_seconds integer default 60)
returns integer
language sql volatile security invoker set search_path = ''
as $$ select private.cleanup_stale_attempt_connections(p_timeout_seconds); $$;
comment on function public.cleanup_stale_attempt_connections(integer) is 'Service role and pg_cron: removes connections silent for longer than p_timeout_seconds; returns how many.';

create function public.get_realtime_performance_metrics(p_minutes integer default 60)
returns public.realtime_performance_metrics
language sql stable security invoker set search_path = ''
as $$ select * from private.get_realtime_performance_metrics(p_minutes); $$;
comment on function public.get_realtime_performance_metrics(integer) is
  'Academy admins: saves per minute, server-side apply time p50/p95 (ms), conflicts, rejected ops, errors and live connections over the last p_minutes.';

-- grants --------------------------------------------------------------------------------
grant execute on function
  private.start_attempt(uuid, text), private.get_attempt_state(uuid),
  private.apply_attempt_ops(uuid, jsonb, text), private.submit_attempt(uuid),
  private.resolve_attempt_conflicts(jsonb), private.get_active_session_state(),
  private.get_attempt_sync_status(uuid), private.update_attempt_heartbeat(uuid, text),
  private.get_realtime_performance_metrics(integer), private.remaining_ms(public.exam_attempts),
  private.live_connection_window()
  to authenticated;
grant execute on function
  public.start_attempt(uuid, text), public.get_attempt_state(uuid), public.apply_attempt_ops(uuid, jsonb, text),
  public.update_flagged_questions(uuid, uuid, boolean), public.update_timer_state(uuid, integer),
  public.update_section_state(uuid, uuid, jsonb), public.get_active_session_state(), public.submit_attempt(uuid),
  public.get_attempt_sync_status(uuid), public.batch_resolve_attempt_conflicts(jsonb),
  public.get_realtime_attempt_activity(uuid, timestamptz, integer), public.update_attempt_heartbeat(uuid, text),
  public.get_attempt_connection_stats(uuid), public.get_realtime_performance_metrics(integer)
  to authenticated;
grant execute on function private.cleanup_stale_attempt_connections(integer),
  public.cleanup_stale_attempt_connections(integer), private.live_connection_window()
  to service_role;
