-- Retention of what a save leaves beyond the answers and their history.
--
-- The answer history and the activity log are the audit trail and stay. The outbox keeps
-- 3 days (examsync-prune-outbox, 20261122150000); realtime.messages partitions are dropped
-- by the Realtime server itself (yesterday to today+3). What grew without bound:
-- - private.applied_ops, the idempotency records: a replayed op id answers its first result
--   from them. An open attempt keeps all of them; once the attempt is closed they are kept
--   7 days, so a device's offline queue may be replayed exactly for 7 days after the
--   attempt closed. Later, a replayed op of a closed attempt is refused with 409
--   attempt_closed (its value was stored when it was first acknowledged: nothing is lost);
-- - private.sync_batches, the per-batch metrics read by get_realtime_performance_metrics
--   (at most the last 24 hours): kept 7 days.

-- functions ---------------------------------------------------------------------------------
create function private.prune_sync_records()
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  pruned integer;
  more integer;
begin
  delete from private.applied_ops as r
  using public.exam_attempts as a
  where a.id = r.attempt_id
    and a.status not in ('in_progress', 'overdue')
    and coalesce(a.finished_at, a.updated_at) < pg_catalog.now() - interval '7 days';
  get diagnostics pruned = row_count;
  delete from private.sync_batches as b where b.created_at < pg_catalog.now() - interval '7 days';
  get diagnostics more = row_count;
  return pruned + more;
end;
$$;
comment on function private.prune_sync_records() is
  'Deletes idempotency records of attempts closed more than 7 days ago (their op ids can no longer be replayed exactly) and sync metrics older than 7 days; returns how many rows. Run daily by pg_cron. Security definer: private tables.';

-- grants ------------------------------------------------------------------------------------
grant execute on function private.prune_sync_records() to service_role;

select cron.schedule('examsync-prune-sync-records', '37 3 * * *', 'select private.prune_sync_records()');
