-- Rate limits and refused-batch records of the attempt-sync edge function. Function
-- instances share nothing in memory, so the per-user limit is a counter in Postgres that
-- every instance takes from in one statement; batches the function refuses before or
-- inside apply_attempt_ops are recorded in private.sync_batches so
-- get_realtime_performance_metrics counts them as errors. Only the functions' owner or
-- service-role connection calls these; no client role can.

-- tables --------------------------------------------------------------------------------
create table private.rate_limits (
  key text primary key check (char_length(key) between 1 and 200),
  hits integer not null default 0 check (hits >= 0),
  resets_at timestamptz not null,
  updated_at timestamptz not null default now()
);
comment on table private.rate_limits is
  'Fixed-window request counters, one row per key (such as attempt-sync:<user id>), shared by every function instance. A window starts with the first hit after the previous one ended.';
comment on column private.rate_limits.key is 'What is limited and for whom, such as attempt-sync:<user id>.';
comment on column private.rate_limits.hits is 'Hits counted in the current window, capped at the limit plus one (refused hits do not grow it further).';
comment on column private.rate_limits.resets_at is 'When the current window ends and the count starts again.';

-- indexes -------------------------------------------------------------------------------
create index rate_limits_resets_at_idx on private.rate_limits (resets_at);

-- grants --------------------------------------------------------------------------------
-- private.rate_limits: no grants; read and written only by the security definer functions below.

-- row level security --------------------------------------------------------------------
alter table private.rate_limits enable row level security;

-- policies ------------------------------------------------------------------------------
-- None: no client role may read or write the counters.

-- functions -----------------------------------------------------------------------------
create function private.take_rate_limit(p_key text, p_limit integer, p_window_seconds integer)
returns table (allowed boolean, retry_after_seconds integer)
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if p_key is null or char_length(p_key) not between 1 and 200 then
    raise exception 'Cannot take rate limit: key must be 1 to 200 characters'
      using errcode = '22023', hint = 'invalid_rate_limit';
  end if;
  if p_limit is null or p_limit < 1 or p_window_seconds is null or p_window_seconds not between 1 and 86400 then
    raise exception 'Cannot take rate limit: limit must be positive and the window 1 to 86400 seconds'
      using errcode = '22023', hint = 'invalid_rate_limit';
  end if;
  -- One statement: the upsert locks the key's row, so concurrent callers count one after
  -- another and never both take the last hit of a window.
  return query
  insert into private.rate_limits as r (key, hits, resets_at)
  values (p_key, 1, pg_catalog.clock_timestamp() + make_interval(secs => p_window_seconds))
  on conflict (key) do update
    set hits = case when r.resets_at <= pg_catalog.clock_timestamp() then 1 else least(r.hits, p_limit) + 1 end,
        resets_at = case when r.resets_at <= pg_catalog.clock_timestamp() then excluded.resets_at else r.resets_at end,
        updated_at = pg_catalog.clock_timestamp()
  returning r.hits <= p_limit,
    case when r.hits <= p_limit then 0
      else greatest(1, ceil(extract(epoch from r.resets_at - pg_catalog.clock_timestamp())))::integer
    end;
end;
$$;
comment on function private.take_rate_limit(text, integer, integer) is
  'Counts one hit for a key in its fixed window of p_window_seconds and says whether it is within p_limit; when not, retry_after_seconds is how long until the window ends (at least 1). Security definer: the counters have no grants; service role only (the edge functions).';

create function private.record_sync_error(
  p_attempt_id uuid, p_error_code text, p_op_count integer, p_user_id uuid default null
) returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  written integer;
begin
  if p_error_code is null or char_length(p_error_code) not between 1 and 100 then
    raise exception 'Cannot record sync error: error code must be 1 to 100 characters'
      using errcode = '22023', hint = 'invalid_error_code';
  end if;
  insert into private.sync_batches (attempt_id, academy_id, op_count, error_code)
  select a.id, a.academy_id, greatest(coalesce(p_op_count, 0), 0), p_error_code
  from public.exam_attempts as a
  where a.id = p_attempt_id and (p_user_id is null or a.user_id = p_user_id);
  get diagnostics written = row_count;
  return written > 0;
end;
$$;
comment on function private.record_sync_error(uuid, text, integer, uuid) is
  'Records a batch the attempt-sync function refused (error_code such as invalid_request or attempt_expired) against the attempt''s academy, so get_realtime_performance_metrics counts it; nothing when the attempt does not exist or, with p_user_id, is not that user''s. Returns whether a row was written. Security definer: private.sync_batches has no grants; service role only (the edge functions).';

grant execute on function private.take_rate_limit(text, integer, integer),
  private.record_sync_error(uuid, text, integer, uuid)
  to service_role;

-- jobs ----------------------------------------------------------------------------------
-- Counters of windows that ended more than an hour ago tell nothing any more.
select cron.schedule('examsync-prune-rate-limits', '*/10 * * * *',
  $$delete from private.rate_limits where resets_at < now() - interval '1 hour'$$);
