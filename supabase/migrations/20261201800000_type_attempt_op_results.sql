-- apply_attempt_ops: exactly typed per-op results.
--
-- Its outcome's `results` was jsonb, so `supabase gen types` gave clients `Json` for the
-- one field they read most. Now the public RPC returns public.attempt_ops_result, whose
-- `results` is an array of the composite public.attempt_op_result (every key an op result
-- can carry, with enums for its status and resolution). The private write path is
-- untouched: private.apply_attempt_ops still builds its results as jsonb (tuned for
-- throughput) in public.attempt_ops_outcome, and the public wrapper converts them at the
-- boundary with jsonb_populate_record, in op order.

-- types -------------------------------------------------------------------------------------
create type public.attempt_op_status as enum ('applied', 'duplicate', 'conflict', 'rejected');
comment on type public.attempt_op_status is
  'What became of an op: applied, duplicate (its op id was seen before; first_status says how it went), conflict (stale base_version, settled by the conflict strategy) or rejected (code says why).';

create type public.attempt_op_resolution as enum ('local', 'server');
comment on type public.attempt_op_resolution is 'Which value a conflicting answer op left stored: the client''s (local) or the server''s (server).';

create type public.attempt_op_result as (
  op_id uuid,
  status public.attempt_op_status,
  first_status public.attempt_op_status,
  question_id uuid,
  section_id uuid,
  version integer,
  superseded boolean,
  flagged boolean,
  resolution public.attempt_op_resolution,
  server_value jsonb,
  server_version integer,
  conflict_id uuid,
  code text
);
comment on type public.attempt_op_result is
  'One op''s result. status: applied | duplicate | conflict | rejected; first_status: a duplicate''s first status; version: the answer''s version after the op; superseded: an older op of the same client arrived after a newer one, which stands; flagged: a flag op''s flag; resolution, server_value, server_version, conflict_id: a conflict''s settlement (conflict_id is the open conflict to settle with batch_resolve_attempt_conflicts, strategy server); code: why an op was rejected. Fields an op does not carry are null.';

create type public.attempt_ops_result as (
  results public.attempt_op_result[],
  status public.attempt_status,
  server_now timestamptz,
  deadline_at timestamptz,
  remaining_ms bigint
);
comment on type public.attempt_ops_result is
  'Result of apply_attempt_ops: one typed result per op in the order sent, the attempt''s status and the server''s clock.';

comment on type public.attempt_ops_outcome is
  'Result of private.apply_attempt_ops: one result per op in the order sent, as jsonb built on the write path, the attempt''s status and the server''s clock; public.apply_attempt_ops returns it typed as public.attempt_ops_result.';

-- functions ---------------------------------------------------------------------------------
-- The return type changes, so the wrapper is dropped and created again with the same
-- language, volatility, security, search_path, comment and grant.
drop function public.apply_attempt_ops(uuid, jsonb, text);

create function public.apply_attempt_ops(p_attempt_id uuid, p_ops jsonb, p_client_id text default null)
returns public.attempt_ops_result
language sql volatile security invoker set search_path = ''
as $$
  select
    array(
      select jsonb_populate_record(null::public.attempt_op_result, r.value)
      from jsonb_array_elements(o.results) with ordinality as r
      order by r.ordinality),
    o.status, o.server_now, o.deadline_at, o.remaining_ms
  from private.apply_attempt_ops(p_attempt_id, p_ops, p_client_id) as o;
$$;
comment on function public.apply_attempt_ops(uuid, jsonb, text) is
  'Applies a batch of up to 200 ops in one transaction. Ops: {op_id, type: answer|clear_answer|flag|unflag|position|section|timer|activity, seq?, …}. A seen op_id answers duplicate with its first result; a stale base_version is settled by the attempt''s conflict strategy. 400 (22023, code in hint) for a malformed batch, 404 attempt_not_found, 409 attempt_expired | attempt_closed | attempt_paused.';

-- grants ------------------------------------------------------------------------------------
grant execute on function public.apply_attempt_ops(uuid, jsonb, text) to authenticated;
