-- pg_cron jobs of the attempts feature (minute schedules: the local pg_cron is 1.4).
-- Precision never depends on them: every write checks the deadline itself; the jobs
-- close what nobody touches again.

create extension if not exists pg_cron;

select cron.schedule('examsync-expire-attempts', '* * * * *',
  'select private.expire_overdue_attempts()');
select cron.schedule('examsync-cleanup-stale-connections', '* * * * *',
  'select private.cleanup_stale_attempt_connections(60)');
-- Streams resume from the outbox for as long as Realtime keeps its messages.
select cron.schedule('examsync-prune-outbox', '17 3 * * *',
  $$delete from public.outbox_events where created_at < now() - interval '3 days'$$);
