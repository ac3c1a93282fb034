-- A lighter save: the answer history is the idempotency record of a clean save.
--
-- Profiled (npm run bench:profile: pg_stat_statements and the plpgsql_check profiler), a
-- batch of 10 answers spent its time in apply_answer_batch (one read of the stored answers
-- to decide the batch is clean, a second to write it: 1.5 ms), publish_event (0.5 ms),
-- validate_ops (0.5 ms) and the 10 idempotency records (0.25 ms and ~1.4 KB: each held a
-- copy of the op's result as jsonb), in a 4.1 ms call.
-- - A clean save (the set-based path) writes one history row per op, which already names
--   the op, its question and the version it made: that row is now its idempotency record,
--   unique on (attempt_id, op_id) among saves, and the result it gave is rebuilt from it on
--   replay. Every other op (conflicts, rejections, flags, unchanged answers…) still records
--   its first result in private.applied_ops, which wins where both exist. Replays in any
--   order, any number of times, answer exactly as before.
-- - apply_answer_batch reads the stored answers once, with the ops as typed records.
-- - The activity log gets one "saved" entry per client and minute ({answers, batches},
--   counted up by the minute's later batches) instead of one row per batch.
-- - A save refreshes its client's heartbeat row only when it is older than 20 s (live
--   connections are those heard from in the last 45 s): one row write less per batch for a
--   client saving every 5 s, most of the time.

-- indexes -----------------------------------------------------------------------------------
create unique index question_attempt_history_save_op_idx
  on public.question_attempt_history (attempt_id, op_id) where source = 'save';

-- functions ---------------------------------------------------------------------------------
create or replace function private.apply_answer_batch(p_attempt public.exam_attempts, p_ops jsonb, p_client_id text)
returns jsonb
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  results jsonb;
  stale boolean;
  distinct_ops boolean;
  idxs bigint[];
  op_ids uuid[];
  question_ids uuid[];
  new_values jsonb[];
  seqs bigint[];
  old_values jsonb[];
  old_versions integer[];
  unchanged boolean[];
begin
  -- The common batch in two statements: answers to distinct questions with distinct op
  -- ids, none stale, none superseded. Anything else returns null and goes op by op
  -- (apply_answer_op), which decides every case (a repeated op id answers duplicate); the
  -- rules below are the subset where both agree. One read of the stored answers decides
  -- and gathers what the write needs.
  select
    coalesce(bool_or((o.seq is not null and p_client_id is not null and c.client_id = p_client_id
        and c.client_seq >= o.seq)
      or ((c.version is null or c.value is distinct from o.value)
        and o.base_version < coalesce(c.version, 0)
        and (p_client_id is null or c.client_id is distinct from p_client_id))), false),
    count(distinct o.question_id) = count(*) and count(distinct o.op_id) = count(*),
    array_agg(o.idx order by o.idx), array_agg(o.op_id order by o.idx), array_agg(o.question_id order by o.idx),
    array_agg(o.value order by o.idx), array_agg(o.seq order by o.idx), array_agg(c.value order by o.idx),
    array_agg(c.version order by o.idx),
    array_agg(c.version is not null and c.value is not distinct from o.value order by o.idx)
  into stale, distinct_ops, idxs, op_ids, question_ids, new_values, seqs, old_values, old_versions, unchanged
  from (
    select e.idx, x.op_id, x.question_id, x.base_version, x.seq,
      case when x.type = 'answer' then e.op -> 'value' end as value
    from jsonb_array_elements(p_ops) with ordinality as e (op, idx)
    cross join lateral jsonb_to_record(e.op) as x (op_id uuid, type text, question_id uuid, base_version integer, seq bigint)
  ) as o
  left join public.attempt_answers as c on c.attempt_id = p_attempt.id and c.question_id = o.question_id;
  if stale or not distinct_ops then
    return null;
  end if;

  with decided as (
    select * from unnest(idxs, op_ids, question_ids, new_values, seqs, old_values, old_versions, unchanged)
      as d (idx, op_id, question_id, value, seq, old_value, old_version, unchanged)
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
  'Applies a batch of answer ops set-based when every op is a clean save (distinct questions and op ids, not stale, not superseded): the results apply_answer_op would give, in op order; null otherwise. Its history rows are the ops'' idempotency records.';

create or replace function private.apply_attempt_ops(p_attempt_id uuid, p_ops jsonb, p_client_id text)
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
  recorded jsonb;
  saved_in_history jsonb := '{}'::jsonb;
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
  -- First results of the batch's op ids seen before: op id -> result. A clean save's record
  -- is its history row (the result it gave is rebuilt from it); every other op's is its
  -- applied_ops row, which wins where both exist (a conflict the client won also wrote a save).
  select coalesce(jsonb_object_agg(r.op_id, r.result order by r.rank), '{}'::jsonb) into seen
  from (
    select h.op_id, jsonb_build_object('op_id', h.op_id, 'question_id', h.question_id, 'status', 'applied',
        'version', h.new_version) as result, 1 as rank
    from public.question_attempt_history as h
    where h.attempt_id = p_attempt_id and h.source = 'save'
      and h.op_id in (select (o ->> 'op_id')::uuid from jsonb_array_elements(p_ops) as o)
    union all
    select r.op_id, r.result, 2
    from private.applied_ops as r
    where r.attempt_id = p_attempt_id
      and r.op_id in (select (o ->> 'op_id')::uuid from jsonb_array_elements(p_ops) as o)
  ) as r;
  recorded := seen;

  -- The common batch (clean saves of answers, none seen before) is applied set-based.
  if seen = '{}'::jsonb and not questions_can_close and jsonb_array_length(p_ops) > 0
    and not exists (select 1 from jsonb_array_elements(p_ops) as o where o ->> 'type' not in ('answer', 'clear_answer'))
  then
    perform private.assert_attempt_writable(attempt);
    checked_writable := true;
    batch_results := private.apply_answer_batch(attempt, p_ops, p_client_id);
  end if;
  if batch_results is not null then
    -- Ops whose save wrote a history row: that row is their idempotency record.
    select coalesce(jsonb_object_agg(h.op_id, true), '{}'::jsonb) into saved_in_history
    from public.question_attempt_history as h
    where h.attempt_id = p_attempt_id and h.source = 'save'
      and h.op_id in (select (o ->> 'op_id')::uuid from jsonb_array_elements(p_ops) as o);
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
    -- A client's heartbeat is written at most every 20 s (a connection is live for 45 s): the
    -- saves in between leave its row alone.
    if p_client_id is not null and not exists (
      select 1 from public.attempt_connections as c
      where c.attempt_id = p_attempt_id and c.client_id = p_client_id
        and c.last_heartbeat_at > pg_catalog.now() - interval '20 seconds'
    ) then
      perform private.touch_connection(attempt, p_client_id);
    end if;
    update public.exam_attempts as a set last_activity_at = pg_catalog.now() where a.id = p_attempt_id
    returning * into attempt;
    if jsonb_array_length(applied_answers) > 0 then
      -- One "saved" entry per client and minute, counting its batches and answers (the
      -- history holds every change; the log summarises them): later batches of the minute
      -- update it in place (a HOT update: no index changes) instead of adding a row each.
      update public.attempt_activity_events as e
      set details = jsonb_build_object(
        'answers', coalesce((e.details ->> 'answers')::integer, 0) + jsonb_array_length(applied_answers),
        'batches', coalesce((e.details ->> 'batches')::integer, 1) + 1)
      where e.id = (
        select x.id from public.attempt_activity_events as x
        where x.attempt_id = p_attempt_id and x.event_type = 'saved'
          and x.client_id is not distinct from p_client_id
          and x.created_at > pg_catalog.now() - interval '1 minute'
        order by x.created_at desc
        limit 1);
      if not found then
        perform private.log_activity(p_attempt_id, 'saved', p_client_id,
          jsonb_build_object('answers', jsonb_array_length(applied_answers), 'batches', 1));
      end if;
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

  -- The first result of every new op, returned again when it is replayed; a clean save's
  -- history row already is its record.
  insert into private.applied_ops (attempt_id, op_id, result)
  select p_attempt_id, r.key::uuid, r.value
  from jsonb_each(seen) as r
  where r.key::uuid in (select (o ->> 'op_id')::uuid from jsonb_array_elements(p_ops) as o)
    and not recorded ? r.key
    and not saved_in_history ? r.key
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
  'One transaction for a batch of up to 200 ops of the caller''s attempt. Idempotency records: a clean save''s history row, every other op''s applied_ops row. Security definer: it writes the idempotency records and the attempt tables no client may write; it checks the caller owns the attempt.';

create or replace function private.get_attempt_sync_status(p_attempt_id uuid)
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
    (select count(*)::integer from (
      select o.op_id from private.applied_ops as o where o.attempt_id = p_attempt_id
      union
      select h.op_id from public.question_attempt_history as h
      where h.attempt_id = p_attempt_id and h.source = 'save' and h.op_id is not null) as recorded),
    live.n, live.n > 1,
    private.last_event_id('attempt:' || p_attempt_id)
  into status
  from (select count(*)::integer as n from public.attempt_connections as c
    where c.attempt_id = p_attempt_id and c.last_heartbeat_at > pg_catalog.now() - private.live_connection_window()) as live;
  return status;
end;
$$;
comment on function private.get_attempt_sync_status(uuid) is 'Sync status of an attempt for its student, teachers and admins; ops_applied counts the op ids recorded (applied_ops and clean saves'' history rows). Security definer: reads the private op log.';
