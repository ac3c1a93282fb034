-- Tutor reservations that no function instance settled (the instance died mid-answer): the
-- cron job charges each in full once it is older than any answer can run, and leaves the
-- ones still in flight alone. Run as the database owner, as pg_cron runs it.

begin;
select plan(6);

select from tests.create_academies('052');
select from tests.add_members('east', 'student', 'sue');
select tests.act_as_owner();

-- Two answers in flight for Sue, 1,000 and 300 tokens; the first was reserved 11 minutes ago.
select from set_config('test.stale', (select r.reservation_id::text from private.reserve_tutor_tokens(
  tests.get_supabase_uid('sue'), '10000000-0000-4000-8000-000000000001', 1000, 0, 0) as r), true);
select from set_config('test.fresh', (select r.reservation_id::text from private.reserve_tutor_tokens(
  tests.get_supabase_uid('sue'), '10000000-0000-4000-8000-000000000001', 300, 0, 0) as r), true);
update private.tutor_reservations set created_at = now() - interval '11 minutes'
where id = current_setting('test.stale')::uuid;

select is(private.settle_stale_tutor_reservations(), 1, 'One reservation is stale, and it is settled');
select is(
  (select row(r.settled_at is not null, r.charged_tokens)::text from private.tutor_reservations as r
   where r.id = current_setting('test.stale')::uuid),
  '(t,1000)', 'The stale reservation is charged in full: its usage is unknown');
select is(
  (select r.settled_at from private.tutor_reservations as r where r.id = current_setting('test.fresh')::uuid),
  null, 'The answer still in flight keeps its reservation');
select is(
  (select row(d.used_tokens, d.reserved_tokens)::text from private.tutor_user_daily_usage as d
   where d.user_id = tests.get_supabase_uid('sue')),
  '(1000,300)', 'Sue''s day counts the stale tokens as used and the fresh ones as reserved');
select is(private.settle_stale_tutor_reservations(), 0, 'Running it again settles nothing twice');
select is(
  (select count(*)::integer from cron.job where command = 'select private.settle_stale_tutor_reservations()'),
  1, 'pg_cron runs it');

select * from finish();
rollback;
