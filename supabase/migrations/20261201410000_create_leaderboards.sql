-- Leaderboards and live progress (issue 12).
--
-- Leaderboards: weekly (ISO week from Monday 00:00), monthly and all-time boards per
-- academy, periods cut in the academy's time zone (academies.time_zone, default UTC),
-- filtered by the students' specialty (profiles.specialty). Points come from graded
-- attempts: each exam counts once per period with the student's best score in it, so
-- retaking an exam never farms points; practice and drill count, diagnostic attempts only
-- where the exam says so (exams.leaderboard_counts_diagnostic). Everything is kept
-- incrementally when an attempt is graded, in the grading transaction:
-- private.leaderboard_exam_bests holds the best score per (period, student, exam),
-- public.leaderboard_entries the points per (period, student), and
-- private.leaderboard_point_counts how many visible students hold each points value per
-- board, so a rank (standard competition ranking: 1 + visible students with more points)
-- sums the few distinct values above it instead of counting students. Hidden students
-- (profiles.hide_from_leaderboards) are left out of every board and of others' ranks and
-- keep their own rank privately (where they would stand). Leaving the academy removes a
-- student from its boards.
--
-- leaderboard_updated on leaderboard:<academy_id> (readable by the academy's members)
-- carries the changed entries of one board, at most one event per board per second: a
-- change inside a board's window is held in private.leaderboard_boards and announced by
-- the next grading of the academy or by private.flush_leaderboard_events, which pg_cron
-- runs every second where it can (1.5+, hosted) and every minute otherwise.
--
-- Live progress: public.user_skill_progress (per exam specialty and sub-skill: attempts,
-- best and latest score) and public.user_activity_streaks (days with a graded attempt, in
-- the academy's time zone), kept at grading; get_my_progress adds mastery from
-- user_sub_skill_performance and the leaderboard positions; progress_updated on
-- user:<id> after every grading. Teachers and admins read the same for their academy's
-- students (get_student_progress).

-- types ---------------------------------------------------------------------------------
create type public.leaderboard_period as enum ('week', 'month', 'all_time');
comment on type public.leaderboard_period is 'week: the ISO week from Monday 00:00; month: the calendar month; all_time. Weeks and months in the academy''s time zone.';

create type public.leaderboard_rank as (
  academy_id uuid,
  period public.leaderboard_period,
  period_start date,
  specialty text,
  rank bigint,
  points numeric,
  exams_counted integer,
  gap_to_next numeric,
  hidden boolean,
  ranked bigint
);
comment on type public.leaderboard_rank is
  'A student''s place on one board: rank (null without points), points, exams counted, the points missing to the next better rank (null at rank 1), whether they are hidden (then rank is where they would stand), and how many visible students the board ranks.';

create type public.skill_progress as (
  specialty text,
  sub_skill text,
  attempts integer,
  best_percent numeric,
  latest_percent numeric,
  latest_at timestamptz,
  mastery_percent numeric,
  questions_answered integer,
  questions_correct integer
);
comment on type public.skill_progress is
  'Progress in one sub-skill of one specialty (empty string: exams without one): graded attempts, best and latest score in percent of the sub-skill''s points, and mastery over all graded attempts from user_sub_skill_performance.';

create type public.my_progress as (
  academy_id uuid,
  user_id uuid,
  current_streak integer,
  longest_streak integer,
  last_active_on date,
  skills public.skill_progress[],
  positions public.leaderboard_rank[]
);
comment on type public.my_progress is
  'A student''s progress in one academy: the streak of consecutive days with a graded attempt (0 once a day is missed), per-skill progress, and the positions on the week, month and all-time boards (all specialties, then their own specialty).';

-- functions used by constraints -----------------------------------------------------------
create function private.is_valid_time_zone(p_time_zone text)
returns boolean
language plpgsql
immutable
security invoker
set search_path = ''
as $$
begin
  if p_time_zone is null or char_length(p_time_zone) > 64 then
    return false;
  end if;
  perform pg_catalog.timezone(p_time_zone, timestamptz '2000-01-01 00:00:00+00');
  return true;
exception when invalid_parameter_value then
  return false;
end;
$$;
comment on function private.is_valid_time_zone(text) is 'Whether Postgres knows the time zone name (Europe/Berlin, UTC).';

grant execute on function private.is_valid_time_zone(text) to authenticated, service_role;

-- settings ------------------------------------------------------------------------------
alter table public.academies
  add column time_zone text not null default 'UTC' constraint academies_time_zone_check check (private.is_valid_time_zone(time_zone));
comment on column public.academies.time_zone is 'IANA time zone the academy''s leaderboard weeks and months and activity days are cut in; changes apply to attempts graded afterwards.';

alter table public.exams add column leaderboard_counts_diagnostic boolean not null default false;
comment on column public.exams.leaderboard_counts_diagnostic is 'Whether diagnostic attempts of this exam earn leaderboard points (practice and drill always do).';

alter table public.profiles add column hide_from_leaderboards boolean not null default false;
comment on column public.profiles.hide_from_leaderboards is 'The student is left out of every leaderboard others see; they still see their own rank.';

-- tables --------------------------------------------------------------------------------
create table private.leaderboard_exam_bests (
  academy_id uuid not null references public.academies (id) on delete cascade,
  period public.leaderboard_period not null,
  period_start date not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  exam_id uuid not null references public.exams (id) on delete cascade,
  best_score numeric(10, 2) not null,
  attempt_id uuid references public.exam_attempts (id) on delete set null,
  updated_at timestamptz not null default now(),
  primary key (academy_id, period, period_start, user_id, exam_id)
);
comment on table private.leaderboard_exam_bests is 'The best graded score of each student in each exam per period: what the exam adds to their points, once.';

create table public.leaderboard_entries (
  academy_id uuid not null references public.academies (id) on delete cascade,
  period public.leaderboard_period not null,
  period_start date not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  specialty text,
  hidden boolean not null default false,
  points numeric(12, 2) not null default 0,
  exams_counted integer not null default 0,
  updated_at timestamptz not null default now(),
  primary key (academy_id, period, period_start, user_id)
);
comment on table public.leaderboard_entries is
  'A student''s points on one period''s board of their academy: the sum of their best score per exam. Kept at grading. Members of the academy read the visible ones; a hidden student reads their own; teachers and admins read all.';
comment on column public.leaderboard_entries.period_start is 'The first day of the period in the academy''s time zone (1970-01-01 for all_time).';
comment on column public.leaderboard_entries.specialty is 'The student''s profile specialty, which the specialty filter uses.';
comment on column public.leaderboard_entries.hidden is 'The student''s hide_from_leaderboards setting.';

create table private.leaderboard_point_counts (
  academy_id uuid not null references public.academies (id) on delete cascade,
  period public.leaderboard_period not null,
  period_start date not null,
  scope text not null,
  points numeric(12, 2) not null,
  entries integer not null,
  primary key (academy_id, period, period_start, scope, points)
);
comment on table private.leaderboard_point_counts is
  'How many visible students hold each points value on a board (scope: empty for all specialties, else the specialty): a rank is 1 plus the entries above it.';

create table private.leaderboard_boards (
  academy_id uuid not null references public.academies (id) on delete cascade,
  period public.leaderboard_period not null,
  period_start date not null,
  scope text not null,
  last_published_at timestamptz,
  pending_user_ids uuid[] not null default '{}',
  primary key (academy_id, period, period_start, scope)
);
comment on table private.leaderboard_boards is
  'Coalescing of leaderboard_updated per board: when the last event went out and the students changed since, announced once the one-second window has closed.';

create table public.user_skill_progress (
  user_id uuid not null references auth.users (id) on delete cascade,
  academy_id uuid not null references public.academies (id) on delete cascade,
  specialty text not null default '',
  sub_skill text not null,
  attempts integer not null default 0,
  best_percent numeric(5, 2) not null default 0,
  latest_percent numeric(5, 2) not null default 0,
  latest_attempt_id uuid references public.exam_attempts (id) on delete set null,
  latest_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (user_id, academy_id, specialty, sub_skill)
);
comment on table public.user_skill_progress is
  'Per student, exam specialty (empty string: none) and sub-skill: graded attempts, best and latest score in percent. Kept at grading. The student reads their own while a member; teachers and admins their academy''s.';

create table public.user_activity_streaks (
  user_id uuid not null references auth.users (id) on delete cascade,
  academy_id uuid not null references public.academies (id) on delete cascade,
  current_streak integer not null default 0,
  longest_streak integer not null default 0,
  last_active_on date,
  updated_at timestamptz not null default now(),
  primary key (user_id, academy_id)
);
comment on table public.user_activity_streaks is
  'Consecutive days (academy time zone) with a graded attempt, as of last_active_on; the streak is current while last_active_on is today or yesterday.';

-- indexes -------------------------------------------------------------------------------
create index leaderboard_entries_board_idx on public.leaderboard_entries (academy_id, period, period_start, points desc, user_id)
  where not hidden;
create index leaderboard_entries_specialty_board_idx on public.leaderboard_entries
  (academy_id, period, period_start, specialty, points desc, user_id) where not hidden and specialty is not null;
create index leaderboard_entries_user_id_idx on public.leaderboard_entries (user_id, academy_id);
create index leaderboard_exam_bests_user_id_idx on private.leaderboard_exam_bests (user_id, academy_id);
create index leaderboard_exam_bests_exam_id_idx on private.leaderboard_exam_bests (exam_id);
create index leaderboard_exam_bests_attempt_id_idx on private.leaderboard_exam_bests (attempt_id);
create index leaderboard_boards_pending_idx on private.leaderboard_boards (academy_id) where cardinality(pending_user_ids) > 0;
create index user_skill_progress_academy_id_idx on public.user_skill_progress (academy_id);
create index user_skill_progress_latest_attempt_id_idx on public.user_skill_progress (latest_attempt_id);
create index user_activity_streaks_academy_id_idx on public.user_activity_streaks (academy_id);

-- grants --------------------------------------------------------------------------------
grant update (time_zone) on public.academies to authenticated;
grant update (hide_from_leaderboards) on public.profiles to authenticated;
grant select on public.leaderboard_entries, public.user_skill_progress, public.user_activity_streaks to authenticated;
grant all on public.leaderboard_entries, public.user_skill_progress, public.user_activity_streaks to service_role;
-- private tables: no grants; written and read by security definer functions only.

-- row level security --------------------------------------------------------------------
alter table private.leaderboard_exam_bests enable row level security;
alter table public.leaderboard_entries enable row level security;
alter table private.leaderboard_point_counts enable row level security;
alter table private.leaderboard_boards enable row level security;
alter table public.user_skill_progress enable row level security;
alter table public.user_activity_streaks enable row level security;

-- policies ------------------------------------------------------------------------------
create policy leaderboard_entries_select_member on public.leaderboard_entries
  for select to authenticated
  using (
    (academy_id in (select private.member_academy_ids()) and (not hidden or user_id = (select auth.uid())))
    or academy_id in (select private.member_academy_ids('{teacher,admin}'))
  );
comment on policy leaderboard_entries_select_member on public.leaderboard_entries is
  'Members of the academy read its visible entries and their own; its teachers and admins read all.';

create policy user_skill_progress_select_reader on public.user_skill_progress
  for select to authenticated
  using (
    (user_id = (select auth.uid()) and academy_id in (select private.member_academy_ids()))
    or academy_id in (select private.member_academy_ids('{teacher,admin}'))
  );
comment on policy user_skill_progress_select_reader on public.user_skill_progress is
  'A student reads their own progress in an academy while a member of it; teachers and admins their academy''s.';

create policy user_activity_streaks_select_reader on public.user_activity_streaks
  for select to authenticated
  using (
    (user_id = (select auth.uid()) and academy_id in (select private.member_academy_ids()))
    or academy_id in (select private.member_academy_ids('{teacher,admin}'))
  );
comment on policy user_activity_streaks_select_reader on public.user_activity_streaks is
  'A student reads their own streak in an academy while a member of it; teachers and admins their academy''s.';

-- functions: periods and ranks ----------------------------------------------------------------
create function private.leaderboard_period_start(p_period public.leaderboard_period, p_at timestamptz, p_time_zone text)
returns date
language sql
immutable
security invoker
set search_path = ''
as $$
  select case p_period
    when 'week' then date_trunc('week', pg_catalog.timezone(p_time_zone, p_at))::date
    when 'month' then date_trunc('month', pg_catalog.timezone(p_time_zone, p_at))::date
    else date '1970-01-01'
  end;
$$;
comment on function private.leaderboard_period_start(public.leaderboard_period, timestamptz, text) is
  'The first day of the period containing p_at in the time zone: Monday of the ISO week, the first of the month, or 1970-01-01 for all_time.';

create function private.leaderboard_rank_of(p_academy_id uuid, p_period public.leaderboard_period, p_period_start date,
  p_scope text, p_points numeric)
returns bigint
language sql
stable
security invoker
set search_path = ''
as $$
  select 1 + coalesce(sum(c.entries), 0)::bigint from private.leaderboard_point_counts as c
  where c.academy_id = p_academy_id and c.period = p_period and c.period_start = p_period_start
    and c.scope = p_scope and c.points > p_points;
$$;
comment on function private.leaderboard_rank_of(uuid, public.leaderboard_period, date, text, numeric) is
  'Standard competition rank of p_points on a board: 1 plus the visible students with more points.';

create function private.leaderboard_position(p_academy_id uuid, p_user_id uuid, p_period public.leaderboard_period,
  p_specialty text)
returns public.leaderboard_rank
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  tz text := (select a.time_zone from public.academies as a where a.id = p_academy_id);
  result public.leaderboard_rank;
  entry public.leaderboard_entries;
  v_scope text := coalesce(p_specialty, '');
begin
  result.academy_id := p_academy_id;
  result.period := p_period;
  result.period_start := private.leaderboard_period_start(p_period, pg_catalog.now(), tz);
  result.specialty := p_specialty;
  select * into entry from public.leaderboard_entries as e
  where e.academy_id = p_academy_id and e.period = p_period and e.period_start = result.period_start
    and e.user_id = p_user_id and (p_specialty is null or e.specialty = p_specialty);
  result.hidden := coalesce(entry.hidden,
    (select pr.hide_from_leaderboards from public.profiles as pr where pr.id = p_user_id), false);
  result.points := coalesce(entry.points, 0);
  result.exams_counted := coalesce(entry.exams_counted, 0);
  if entry.user_id is not null then
    result.rank := private.leaderboard_rank_of(p_academy_id, p_period, result.period_start, v_scope, entry.points);
    result.gap_to_next := (select min(c.points) from private.leaderboard_point_counts as c
      where c.academy_id = p_academy_id and c.period = p_period and c.period_start = result.period_start
        and c.scope = v_scope and c.points > entry.points) - entry.points;
  end if;
  result.ranked := (select coalesce(sum(c.entries), 0) from private.leaderboard_point_counts as c
    where c.academy_id = p_academy_id and c.period = p_period and c.period_start = result.period_start and c.scope = v_scope);
  return result;
end;
$$;
comment on function private.leaderboard_position(uuid, uuid, public.leaderboard_period, text) is
  'A student''s place on the current board of a period (all specialties when p_specialty is null).';

create function private.leaderboard_academy(p_academy_id uuid)
returns uuid
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  academy uuid := coalesce(p_academy_id,
    (select min(m.academy_id::text)::uuid from public.academy_members as m where m.user_id = (select auth.uid())));
begin
  if academy is null or not private.is_academy_member(academy) then
    perform private.raise_http_error(404, 'academy_not_found', format('Cannot find academy %s', coalesce(academy::text, '(none)')));
  end if;
  return academy;
end;
$$;
comment on function private.leaderboard_academy(uuid) is
  'The academy a leaderboard call is about: the given one if the caller is a member, else the caller''s only (first) academy; 404 academy_not_found.';

-- functions: keeping the boards -----------------------------------------------------------------
create function private.adjust_point_counts(p_academy_id uuid, p_adjustments jsonb)
returns void
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  -- p_adjustments: [{period, period_start, scope, points, delta}]. Summed per key and applied
  -- in key order, so concurrent gradings lock the shared count rows in one order.
  with adj as (
    select (x ->> 'period')::public.leaderboard_period as period, (x ->> 'period_start')::date as period_start,
      x ->> 'scope' as scope, (x ->> 'points')::numeric as points, sum((x ->> 'delta')::integer) as delta
    from jsonb_array_elements(p_adjustments) as x
    group by 1, 2, 3, 4
    having sum((x ->> 'delta')::integer) <> 0
  ), applied as (
    insert into private.leaderboard_point_counts as c (academy_id, period, period_start, scope, points, entries)
    select p_academy_id, adj.period, adj.period_start, adj.scope, adj.points, adj.delta
    from adj order by adj.period, adj.period_start, adj.scope, adj.points
    on conflict (academy_id, period, period_start, scope, points) do update set entries = c.entries + excluded.entries
    returning c.period, c.period_start, c.scope, c.points, c.entries
  )
  delete from private.leaderboard_point_counts as c
  using applied as a
  where a.entries <= 0 and c.academy_id = p_academy_id and c.period = a.period and c.period_start = a.period_start
    and c.scope = a.scope and c.points = a.points;
end;
$$;
comment on function private.adjust_point_counts(uuid, jsonb) is 'Applies +1/-1 changes to the points counts of boards, dropping values nobody holds any more.';

create function private.entry_contributions(p_entry public.leaderboard_entries, p_delta integer)
returns jsonb
language sql
immutable
security invoker
set search_path = ''
as $$
  select case when p_entry.user_id is null or p_entry.hidden then '[]'::jsonb else
    jsonb_build_array(jsonb_build_object('period', p_entry.period, 'period_start', p_entry.period_start, 'scope', '',
      'points', p_entry.points, 'delta', p_delta))
    || case when p_entry.specialty is null then '[]'::jsonb else jsonb_build_array(jsonb_build_object(
      'period', p_entry.period, 'period_start', p_entry.period_start, 'scope', p_entry.specialty,
      'points', p_entry.points, 'delta', p_delta)) end
  end;
$$;
comment on function private.entry_contributions(public.leaderboard_entries, integer) is 'What an entry adds to (p_delta 1) or takes from (-1) the points counts: nothing when hidden.';

create function private.publish_leaderboard(p_board private.leaderboard_boards, p_user_ids uuid[])
returns bigint
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.publish_event('leaderboard:' || p_board.academy_id, 'leaderboard_updated', jsonb_build_object(
    'academy_id', p_board.academy_id, 'period', p_board.period, 'period_start', p_board.period_start,
    'specialty', nullif(p_board.scope, ''),
    'entries', coalesce((
      select jsonb_agg(jsonb_build_object('user_id', e.user_id, 'display_name', pr.display_name,
          'avatar_url', pr.avatar_url, 'points', e.points, 'exams_counted', e.exams_counted,
          'rank', private.leaderboard_rank_of(e.academy_id, e.period, e.period_start, p_board.scope, e.points))
        order by e.points desc, e.user_id)
      from public.leaderboard_entries as e
      join public.profiles as pr on pr.id = e.user_id
      where e.academy_id = p_board.academy_id and e.period = p_board.period and e.period_start = p_board.period_start
        and e.user_id = any (p_user_ids[1:200]) and not e.hidden
        and (p_board.scope = '' or e.specialty = p_board.scope)), '[]'::jsonb),
    'truncated', cardinality(p_user_ids) > 200));
$$;
comment on function private.publish_leaderboard(private.leaderboard_boards, uuid[]) is
  'leaderboard_updated on leaderboard:<academy_id>: the board and the changed students'' entries with their ranks (at most 200).';

create function private.queue_leaderboard_event(p_academy_id uuid, p_period public.leaderboard_period,
  p_period_start date, p_scope text, p_user_id uuid)
returns void
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  board private.leaderboard_boards;
begin
  insert into private.leaderboard_boards (academy_id, period, period_start, scope)
  values (p_academy_id, p_period, p_period_start, p_scope)
  on conflict do nothing;
  select * into board from private.leaderboard_boards as b
  where b.academy_id = p_academy_id and b.period = p_period and b.period_start = p_period_start and b.scope = p_scope
  for update;
  if board.last_published_at is null or board.last_published_at <= pg_catalog.clock_timestamp() - interval '1 second' then
    perform private.publish_leaderboard(board, array(select distinct u from unnest(board.pending_user_ids || p_user_id) as u));
    update private.leaderboard_boards as b set last_published_at = pg_catalog.clock_timestamp(), pending_user_ids = '{}'
    where b.academy_id = p_academy_id and b.period = p_period and b.period_start = p_period_start and b.scope = p_scope;
  elsif not p_user_id = any (board.pending_user_ids) then
    update private.leaderboard_boards as b set pending_user_ids = b.pending_user_ids || p_user_id
    where b.academy_id = p_academy_id and b.period = p_period and b.period_start = p_period_start and b.scope = p_scope;
  end if;
end;
$$;
comment on function private.queue_leaderboard_event(uuid, public.leaderboard_period, date, text, uuid) is
  'A student changed on a board: announced now when the board''s one-second window is open, else held for the next flush.';

create function private.flush_leaderboard_events(p_academy_id uuid default null)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  board private.leaderboard_boards;
  flushed integer := 0;
begin
  for board in
    select * from private.leaderboard_boards as b
    where cardinality(b.pending_user_ids) > 0 and (p_academy_id is null or b.academy_id = p_academy_id)
      and b.last_published_at <= pg_catalog.clock_timestamp() - interval '1 second'
    order by b.academy_id, b.period, b.period_start, b.scope
    for update skip locked
  loop
    perform private.publish_leaderboard(board, board.pending_user_ids);
    update private.leaderboard_boards as b set last_published_at = pg_catalog.clock_timestamp(), pending_user_ids = '{}'
    where b.academy_id = board.academy_id and b.period = board.period and b.period_start = board.period_start
      and b.scope = board.scope;
    flushed := flushed + 1;
  end loop;
  return flushed;
end;
$$;
comment on function private.flush_leaderboard_events(uuid) is
  'Announces every board (of one academy, or all) holding changes whose one-second window has closed; returns how many. Run by pg_cron and by gradings; never waits for a board another transaction holds. Security definer: it writes the outbox.';

create function private.record_leaderboard_score(p_attempt public.exam_attempts)
returns jsonb
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  exam public.exams;
  tz text;
  profile public.profiles;
  v_period public.leaderboard_period;
  start date;
  old_best numeric;
  delta numeric;
  entry_before public.leaderboard_entries;
  entry_after public.leaderboard_entries;
  adjustments jsonb := '[]'::jsonb;
  changed jsonb := '[]'::jsonb;
  board jsonb;
  top10 jsonb := '[]'::jsonb;
  rank_before bigint;
  rank_after bigint;
begin
  if p_attempt.score is null or p_attempt.grading_status = 'ungraded' then
    return '[]'::jsonb;
  end if;
  select * into exam from public.exams as e where e.id = p_attempt.exam_id;
  if p_attempt.mode = 'diagnostic' and not exam.leaderboard_counts_diagnostic then
    return '[]'::jsonb;
  end if;
  -- Boards rank the academy's current students only.
  if not exists (select 1 from public.academy_members as m
    where m.academy_id = p_attempt.academy_id and m.user_id = p_attempt.user_id and m.role = 'student') then
    return '[]'::jsonb;
  end if;
  select a.time_zone into tz from public.academies as a where a.id = p_attempt.academy_id;
  select * into profile from public.profiles as pr where pr.id = p_attempt.user_id;
  -- One grading of a student at a time per academy: their bests and entries are theirs alone.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(
    'leaderboard:' || p_attempt.academy_id || ':' || p_attempt.user_id, 0));

  foreach v_period in array enum_range(null::public.leaderboard_period) loop
    start := private.leaderboard_period_start(v_period, coalesce(p_attempt.graded_at, pg_catalog.now()), tz);
    select b.best_score into old_best from private.leaderboard_exam_bests as b
    where b.academy_id = p_attempt.academy_id and b.period = v_period and b.period_start = start
      and b.user_id = p_attempt.user_id and b.exam_id = p_attempt.exam_id;
    -- The best score per exam and period counts, once: a retake adds only what it improves.
    delta := case when old_best is null then p_attempt.score else greatest(p_attempt.score - old_best, 0) end;
    if old_best is null then
      insert into private.leaderboard_exam_bests (academy_id, period, period_start, user_id, exam_id, best_score, attempt_id)
      values (p_attempt.academy_id, v_period, start, p_attempt.user_id, p_attempt.exam_id, p_attempt.score, p_attempt.id);
    elsif delta > 0 then
      update private.leaderboard_exam_bests as b
      set best_score = p_attempt.score, attempt_id = p_attempt.id, updated_at = pg_catalog.now()
      where b.academy_id = p_attempt.academy_id and b.period = v_period and b.period_start = start
        and b.user_id = p_attempt.user_id and b.exam_id = p_attempt.exam_id;
    end if;
    continue when old_best is not null and delta = 0;

    select * into entry_before from public.leaderboard_entries as e
    where e.academy_id = p_attempt.academy_id and e.period = v_period and e.period_start = start and e.user_id = p_attempt.user_id;
    insert into public.leaderboard_entries as e (academy_id, period, period_start, user_id, specialty, hidden, points, exams_counted)
    values (p_attempt.academy_id, v_period, start, p_attempt.user_id, profile.specialty, profile.hide_from_leaderboards,
      delta, 1)
    on conflict (academy_id, period, period_start, user_id) do update
      set points = e.points + delta, exams_counted = e.exams_counted + case when old_best is null then 1 else 0 end,
          updated_at = pg_catalog.now()
    returning * into entry_after;
    adjustments := adjustments || private.entry_contributions(entry_before, -1) || private.entry_contributions(entry_after, 1);
    changed := changed || jsonb_build_object('period', v_period, 'period_start', start, 'scope', '',
      'before', entry_before.points, 'after', entry_after.points);
    if entry_after.specialty is not null then
      changed := changed || jsonb_build_object('period', v_period, 'period_start', start, 'scope', entry_after.specialty,
        'before', entry_before.points, 'after', entry_after.points);
    end if;
  end loop;

  if jsonb_array_length(changed) = 0 then
    return '[]'::jsonb;
  end if;
  -- Ranks before the counts move (where the student stood), then after.
  for board in select * from jsonb_array_elements(changed) loop
    rank_before := case when board ->> 'before' is null then null else private.leaderboard_rank_of(p_attempt.academy_id,
      (board ->> 'period')::public.leaderboard_period, (board ->> 'period_start')::date, board ->> 'scope',
      (board ->> 'before')::numeric) end;
    top10 := top10 || jsonb_build_object('board', board, 'rank_before', rank_before);
  end loop;
  perform private.adjust_point_counts(p_attempt.academy_id, adjustments);
  changed := '[]'::jsonb;
  for board in select * from jsonb_array_elements(top10) loop
    rank_after := private.leaderboard_rank_of(p_attempt.academy_id,
      (board #>> '{board,period}')::public.leaderboard_period, (board #>> '{board,period_start}')::date,
      board #>> '{board,scope}', (board #>> '{board,after}')::numeric);
    if rank_after <= 10 and coalesce((board ->> 'rank_before')::bigint, 11) > 10 then
      changed := changed || jsonb_build_object('period', board #>> '{board,period}',
        'specialty', nullif(board #>> '{board,scope}', ''), 'rank', rank_after);
    end if;
    -- Live boards: only visible students show up on them.
    if not profile.hide_from_leaderboards then
      perform private.queue_leaderboard_event(p_attempt.academy_id, (board #>> '{board,period}')::public.leaderboard_period,
        (board #>> '{board,period_start}')::date, board #>> '{board,scope}', p_attempt.user_id);
    end if;
  end loop;
  perform private.flush_leaderboard_events(p_attempt.academy_id);
  return changed;
end;
$$;
comment on function private.record_leaderboard_score(public.exam_attempts) is
  'Adds a graded attempt to its academy''s boards in the grading transaction: the best score per exam and v_period, the entries, the points counts, the coalesced leaderboard_updated events. Returns the boards on which the student entered the top 10 [{v_period, specialty, rank}].';

create function private.record_progress(p_attempt public.exam_attempts)
returns void
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  exam public.exams;
  today date;
begin
  if p_attempt.score is null or p_attempt.grading_status = 'ungraded' then
    return;
  end if;
  select * into exam from public.exams as e where e.id = p_attempt.exam_id;
  insert into public.user_skill_progress as p (user_id, academy_id, specialty, sub_skill, attempts, best_percent,
    latest_percent, latest_attempt_id, latest_at)
  select p_attempt.user_id, p_attempt.academy_id, coalesce(exam.specialty, ''), s.sub_skill, 1, s.percent, s.percent,
    p_attempt.id, coalesce(p_attempt.graded_at, pg_catalog.now())
  from (
    select coalesce(q.sub_skill, sec.sub_skill, 'general') as sub_skill,
      round(100 * coalesce(sum(aa.points_awarded), 0) / sum(q.points), 2) as percent
    from public.questions as q
    join public.exam_sections as sec on sec.id = q.section_id
    join private.question_keys as k on k.question_id = q.id
    left join public.attempt_answers as aa on aa.attempt_id = p_attempt.id and aa.question_id = q.id
    where q.exam_id = p_attempt.exam_id and q.type <> 'essay'
    group by 1
    having sum(q.points) > 0
  ) as s
  order by s.sub_skill
  on conflict (user_id, academy_id, specialty, sub_skill) do update
    set attempts = p.attempts + 1, best_percent = greatest(p.best_percent, excluded.best_percent),
        latest_percent = excluded.latest_percent, latest_attempt_id = excluded.latest_attempt_id,
        latest_at = excluded.latest_at, updated_at = pg_catalog.now();

  today := pg_catalog.timezone((select a.time_zone from public.academies as a where a.id = p_attempt.academy_id),
    coalesce(p_attempt.graded_at, pg_catalog.now()))::date;
  insert into public.user_activity_streaks as st (user_id, academy_id, current_streak, longest_streak, last_active_on)
  values (p_attempt.user_id, p_attempt.academy_id, 1, 1, today)
  on conflict (user_id, academy_id) do update
    set current_streak = case
          when st.last_active_on >= excluded.last_active_on then st.current_streak
          when st.last_active_on = excluded.last_active_on - 1 then st.current_streak + 1
          else 1 end,
        longest_streak = greatest(st.longest_streak, case
          when st.last_active_on >= excluded.last_active_on then st.current_streak
          when st.last_active_on = excluded.last_active_on - 1 then st.current_streak + 1
          else 1 end),
        last_active_on = greatest(st.last_active_on, excluded.last_active_on),
        updated_at = pg_catalog.now();
end;
$$;
comment on function private.record_progress(public.exam_attempts) is
  'Adds a graded attempt to the student''s per-skill progress and activity streak.';

create function private.progress_of(p_user_id uuid, p_academy_id uuid)
returns public.my_progress
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  result public.my_progress;
  streak public.user_activity_streaks;
  tz text := (select a.time_zone from public.academies as a where a.id = p_academy_id);
  v_specialty text := (select pr.specialty from public.profiles as pr where pr.id = p_user_id);
begin
  result.academy_id := p_academy_id;
  result.user_id := p_user_id;
  select * into streak from public.user_activity_streaks as st where st.user_id = p_user_id and st.academy_id = p_academy_id;
  result.current_streak := case
    when streak.last_active_on >= pg_catalog.timezone(tz, pg_catalog.now())::date - 1 then streak.current_streak else 0 end;
  result.longest_streak := coalesce(streak.longest_streak, 0);
  result.last_active_on := streak.last_active_on;
  result.skills := array(
    select row(p.specialty, p.sub_skill, p.attempts, p.best_percent, p.latest_percent, p.latest_at,
        case when perf.points_possible > 0 then round(100 * perf.points_earned / perf.points_possible, 2) end,
        perf.questions_answered, perf.questions_correct)::public.skill_progress
    from public.user_skill_progress as p
    left join public.user_sub_skill_performance as perf
      on perf.user_id = p.user_id and perf.academy_id = p.academy_id and perf.sub_skill = p.sub_skill
    where p.user_id = p_user_id and p.academy_id = p_academy_id
    order by p.specialty, p.sub_skill);
  result.positions := array(
    select private.leaderboard_position(p_academy_id, p_user_id, x.period, x.specialty)
    from unnest(enum_range(null::public.leaderboard_period)) with ordinality as x0(period, n)
    cross join lateral (select x0.period, s.specialty, s.o from (values (null::text, 0), (v_specialty, 1)) as s(specialty, o)
      where s.o = 0 or v_specialty is not null) as x
    order by x.o, x0.n);
  return result;
end;
$$;
comment on function private.progress_of(uuid, uuid) is 'A student''s progress in one academy (see public.my_progress).';

create function private.announce_progress(p_attempt public.exam_attempts)
returns bigint
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.publish_event('user:' || p_attempt.user_id, 'progress_updated', jsonb_build_object(
    'academy_id', p_attempt.academy_id, 'attempt_id', p_attempt.id, 'exam_id', p_attempt.exam_id,
    'progress', to_jsonb(private.progress_of(p_attempt.user_id, p_attempt.academy_id))));
$$;
comment on function private.announce_progress(public.exam_attempts) is 'progress_updated on the student''s user topic with their fresh progress in the attempt''s academy.';

create function private.after_attempt_graded(p_attempt_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  attempt public.exam_attempts;
  exam_title text;
  entered jsonb;
begin
  select * into attempt from public.exam_attempts as a where a.id = p_attempt_id;
  if attempt.id is null then
    return;
  end if;
  entered := private.record_leaderboard_score(attempt);
  perform private.record_progress(attempt);
  perform private.announce_progress(attempt);
  select e.title into exam_title from public.exams as e where e.id = attempt.exam_id;
  perform private.notify_user(attempt.user_id, 'attempt_graded', format('%s was graded', exam_title),
    case when attempt.grading_status = 'pending_review'
      then format('Score so far: %s of %s; some answers wait for a teacher', attempt.score, attempt.max_score)
      else format('Score: %s of %s', attempt.score, attempt.max_score) end,
    'normal', '/attempts/' || attempt.id,
    jsonb_build_object('attempt_id', attempt.id, 'exam_id', attempt.exam_id, 'session_id', attempt.session_id,
      'score', attempt.score, 'max_score', attempt.max_score, 'grading_status', attempt.grading_status),
    attempt.academy_id);
  if jsonb_array_length(entered) > 0 then
    perform private.notify_user_batched(attempt.user_id, 'leaderboard_top10:' || attempt.academy_id, 'leaderboard_top10',
      format('You are #%s on the %s leaderboard', entered #>> '{0,rank}',
        case entered #>> '{0,period}' when 'week' then 'weekly' when 'month' then 'monthly' else 'all-time' end),
      'You made the top 10.', 'normal', '/leaderboards?period=' || (entered #>> '{0,period}'),
      jsonb_build_object('academy_id', attempt.academy_id, 'boards', entered), attempt.academy_id);
  end if;
end;
$$;
comment on function private.after_attempt_graded(uuid) is
  'What grading changes beyond the attempt, in its transaction: leaderboards, progress (progress_updated), the attempt_graded notification and, on entering a top 10, a leaderboard_top10 notification. Security definer: it writes tables no client may.';

create function private.reset_leaderboard_entries()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  adjustments jsonb := '[]'::jsonb;
  entry public.leaderboard_entries;
begin
  if tg_table_name = 'profiles' then
    -- Specialty or visibility changed: the entries move between boards.
    for entry in select * from public.leaderboard_entries as e where e.user_id = new.id order by e.academy_id, e.period, e.period_start
      for update loop
      adjustments := private.entry_contributions(entry, -1);
      entry.specialty := new.specialty;
      entry.hidden := new.hide_from_leaderboards;
      adjustments := adjustments || private.entry_contributions(entry, 1);
      update public.leaderboard_entries as e set specialty = entry.specialty, hidden = entry.hidden
      where e.academy_id = entry.academy_id and e.period = entry.period and e.period_start = entry.period_start
        and e.user_id = entry.user_id;
      perform private.adjust_point_counts(entry.academy_id, adjustments);
    end loop;
    return null;
  end if;
  -- A member left the academy: off its boards.
  for entry in select * from public.leaderboard_entries as e where e.academy_id = old.academy_id and e.user_id = old.user_id loop
    adjustments := adjustments || private.entry_contributions(entry, -1);
  end loop;
  delete from public.leaderboard_entries as e where e.academy_id = old.academy_id and e.user_id = old.user_id;
  delete from private.leaderboard_exam_bests as b where b.academy_id = old.academy_id and b.user_id = old.user_id;
  if exists (select 1 from public.academies as a where a.id = old.academy_id) then
    perform private.adjust_point_counts(old.academy_id, adjustments);
  end if;
  return null;
end;
$$;
comment on function private.reset_leaderboard_entries() is
  'Keeps boards right when a profile''s specialty or visibility changes (entries move, counts follow) and when a member leaves (their entries go). Security definer: it writes the private counts.';

create trigger reset_leaderboard_entries
  after update of specialty, hide_from_leaderboards on public.profiles
  for each row when (old.specialty is distinct from new.specialty or old.hide_from_leaderboards <> new.hide_from_leaderboards)
  execute function private.reset_leaderboard_entries();
create trigger reset_leaderboard_entries
  after delete on public.academy_members
  for each row execute function private.reset_leaderboard_entries();

-- functions: private bodies of the RPCs ------------------------------------------------------
create function private.get_leaderboard(p_period public.leaderboard_period, p_specialty text, p_limit integer,
  p_offset integer, p_academy_id uuid)
returns table (rank bigint, user_id uuid, display_name text, avatar_url text, specialty text, points numeric,
  exams_counted integer)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  academy uuid := private.leaderboard_academy(p_academy_id);
  start date := private.leaderboard_period_start(coalesce(p_period, 'week'), pg_catalog.now(),
    (select a.time_zone from public.academies as a where a.id = academy));
begin
  return query
  select private.leaderboard_rank_of(academy, e.period, start, coalesce(p_specialty, ''), e.points),
    e.user_id, pr.display_name, pr.avatar_url, e.specialty, e.points, e.exams_counted
  from public.leaderboard_entries as e
  join public.profiles as pr on pr.id = e.user_id
  where e.academy_id = academy and e.period = coalesce(p_period, 'week') and e.period_start = start and not e.hidden
    and (p_specialty is null or e.specialty = p_specialty)
  order by e.points desc, e.user_id
  limit p_limit offset p_offset;
end;
$$;
comment on function private.get_leaderboard(public.leaderboard_period, text, integer, integer, uuid) is
  'A page of the current board. Security definer: ranks come from the private points counts; checks the caller is a member.';

create function private.get_my_rank(p_period public.leaderboard_period, p_specialty text, p_academy_id uuid)
returns public.leaderboard_rank
language sql
stable
security definer
set search_path = ''
as $$
  select private.leaderboard_position(private.leaderboard_academy(p_academy_id), (select auth.uid()),
    coalesce(p_period, 'week'), p_specialty);
$$;
comment on function private.get_my_rank(public.leaderboard_period, text, uuid) is
  'The caller''s place on the current board. Security definer: ranks come from the private points counts.';

create function private.get_progress(p_user_id uuid, p_academy_id uuid)
returns setof public.my_progress
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
begin
  if p_user_id is distinct from caller then
    -- Teachers and admins read their academy's current students.
    if p_academy_id is null and not exists (select 1 from public.academy_members as m
        where m.user_id = p_user_id and m.academy_id in (select private.member_academy_ids('{teacher,admin}')))
      or p_academy_id is not null and not (private.is_academy_member(p_academy_id, '{teacher,admin}')
        and exists (select 1 from public.academy_members as m where m.academy_id = p_academy_id and m.user_id = p_user_id)) then
      perform private.raise_http_error(404, 'student_not_found', format('Cannot find student %s', p_user_id));
    end if;
  end if;
  return query
  select (private.progress_of(p_user_id, m.academy_id)).*
  from public.academy_members as m
  where m.user_id = p_user_id and (p_academy_id is null or m.academy_id = p_academy_id)
    and (p_user_id = caller or m.academy_id in (select private.member_academy_ids('{teacher,admin}')))
  order by m.academy_id;
end;
$$;
comment on function private.get_progress(uuid, uuid) is
  'A student''s progress per academy, for the student or their academy''s teachers and admins. Security definer: positions come from the private points counts.';

-- functions: public RPCs ------------------------------------------------------------------
create function public.get_leaderboard(
  p_period public.leaderboard_period default 'week', p_specialty text default null, p_limit numeric default 50,
  p_offset numeric default 0, p_academy_id uuid default null
) returns table (rank bigint, user_id uuid, display_name text, avatar_url text, specialty text, points numeric,
  exams_counted integer)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.get_leaderboard(p_period, p_specialty,
    coalesce(private.integer_argument(p_limit, 1, 200, 'Cannot read leaderboard: limit must be 1 to 200', 'invalid_limit'), 50),
    coalesce(private.integer_argument(p_offset, 0, 1000000, 'Cannot read leaderboard: offset must be 0 to 1000000', 'invalid_offset'), 0),
    p_academy_id);
$$;
comment on function public.get_leaderboard(public.leaderboard_period, text, numeric, numeric, uuid) is
  'Members: a page of the current week''s, month''s or all-time board of their academy (p_academy_id, default their first), all specialties or one (the students'' profile specialty), best first, with standard competition ranks (1, 1, 3), display names and avatars; hidden students are left out. 400 invalid_limit (1 to 200), invalid_offset; 404 academy_not_found.';

create function public.get_my_rank(
  p_period public.leaderboard_period default 'week', p_specialty text default null, p_academy_id uuid default null
) returns public.leaderboard_rank
language sql
stable
security invoker
set search_path = ''
as $$ select * from private.get_my_rank(p_period, p_specialty, p_academy_id); $$;
comment on function public.get_my_rank(public.leaderboard_period, text, uuid) is
  'The caller''s rank, points and the gap to the next better rank on a current board (hidden students get where they would stand). 404 academy_not_found.';

create function public.get_my_progress(p_academy_id uuid default null)
returns setof public.my_progress
language sql
stable
security invoker
set search_path = ''
as $$ select * from private.get_progress((select auth.uid()), p_academy_id); $$;
comment on function public.get_my_progress(uuid) is
  'The caller''s progress per academy (or in one): per specialty and sub-skill attempts, best and latest score and mastery, the activity streak, and the leaderboard positions. Kept live by progress_updated on user:<id>.';

create function public.get_student_progress(p_user_id uuid, p_academy_id uuid default null)
returns setof public.my_progress
language sql
stable
security invoker
set search_path = ''
as $$ select * from private.get_progress(p_user_id, p_academy_id); $$;
comment on function public.get_student_progress(uuid, uuid) is
  'Teachers and admins: get_my_progress of a member of their academy. 404 student_not_found.';

-- the leaderboard topic -----------------------------------------------------------------------
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
    when 'leaderboard' then coalesce(private.is_academy_member(private.try_uuid(substr(p_topic, 13))), false)
    when 'room' then private.can_read_room_topic(p_topic)
    else false
  end;
$$;
comment on function private.can_read_topic(text) is
  'The one topic check: who may read an outbox topic, join its private Realtime channel or open its SSE stream (attempt, session, user, room, and leaderboard:<academy_id> for the academy''s members). Security definer: it reads rows the caller''s RLS may hide.';

-- grading -----------------------------------------------------------------------------------
-- The body of 20261122140000 (not redefined since), with one line added at the end: what
-- grading changes beyond the attempt, in the same transaction.
create or replace function private.grade_attempt(p_attempt_id uuid)
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

  perform private.after_attempt_graded(p_attempt_id);
end;
$$;
comment on function private.grade_attempt(uuid) is
  'Grades every auto-gradable answer, totals the score (essays leave it pending_review), adds the attempt to user_sub_skill_performance, and then to leaderboards, progress and notifications (private.after_attempt_graded).';

-- grants --------------------------------------------------------------------------------
grant execute on function private.get_leaderboard(public.leaderboard_period, text, integer, integer, uuid),
  private.get_my_rank(public.leaderboard_period, text, uuid), private.get_progress(uuid, uuid)
  to authenticated;
grant execute on function public.get_leaderboard(public.leaderboard_period, text, numeric, numeric, uuid),
  public.get_my_rank(public.leaderboard_period, text, uuid), public.get_my_progress(uuid),
  public.get_student_progress(uuid, uuid)
  to authenticated;
grant execute on function private.flush_leaderboard_events(uuid) to service_role;

-- jobs ----------------------------------------------------------------------------------
-- Every second where pg_cron schedules in seconds (1.5+, hosted Supabase), else every minute
-- as a backstop to the gradings of the academy, which flush it too.
do $$
declare
  cron_version integer[] := (select (regexp_match(e.extversion, '^(\d+)\.(\d+)'))[1:2]::integer[]
    from pg_catalog.pg_extension as e where e.extname = 'pg_cron');
begin
  perform cron.schedule('examsync-flush-leaderboard-events',
    case when cron_version >= array[1, 5] then '1 seconds' else '* * * * *' end,
    'select private.flush_leaderboard_events()');
end;
$$;
