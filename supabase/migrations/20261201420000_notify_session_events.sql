-- System notifications of live sessions (issue 12): a student enrolled in a session hears
-- that its lobby is open (or, enrolled late, that it is running), every participant whose
-- attempt starts at launch hears that it launched, and a student given more time hears
-- it. Each function below is the latest body (20261122170000; none is redefined since)
-- with only the notification added.

create or replace function private.enroll_session_students(p_session_id uuid, p_user_ids uuid[])
returns setof public.exam_session_participants
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions := private.lock_taught_session(p_session_id);
  outsider uuid;
begin
  perform private.assert_session_running(session);
  select u into outsider from unnest(coalesce(p_user_ids, '{}')) as u
  where not exists (select 1 from public.academy_members as m
    where m.academy_id = session.academy_id and m.user_id = u and m.role = 'student')
  limit 1;
  if outsider is not null or cardinality(p_user_ids) is null then
    raise exception 'Cannot enroll: % is not a student of this academy', coalesce(outsider::text, 'nobody')
      using errcode = '22023', hint = 'not_a_student';
  end if;
  insert into public.exam_session_participants (session_id, user_id, status)
  select session.id, u, 'waiting' from unnest(p_user_ids) as u
  on conflict (session_id, user_id) do nothing;
  return query select * from private.admit_participants(session, p_user_ids);
  perform private.notify_user(p.user_id,
    case when session.status in ('scheduled', 'lobby') then 'session_lobby_open' else 'session_launched' end,
    case when session.status in ('scheduled', 'lobby') then format('%s: the lobby is open', session.title)
      else format('%s has started', session.title) end,
    case when session.status in ('scheduled', 'lobby') then 'You are enrolled; join the lobby to be ready when it starts.'
      else 'You are enrolled and your attempt has started.' end,
    'high', '/sessions/' || session.id,
    jsonb_build_object('session_id', session.id, 'exam_id', session.exam_id, 'status', session.status,
      'scheduled_start_at', session.scheduled_start_at),
    session.academy_id)
  from public.exam_session_participants as p
  where p.session_id = session.id and p.user_id = any (p_user_ids) and p.status in ('admitted', 'active')
  order by p.user_id;
end;
$$;
comment on function private.enroll_session_students(uuid, uuid[]) is
  'The teacher enrolls students of the academy, admitted at once (banned ones stay banned). Security definer: checks the caller runs the session.';

create or replace function private.launch_exam_session(p_session_id uuid)
returns public.exam_sessions
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions := private.lock_taught_session(p_session_id);
  admitted uuid;
begin
  perform private.assert_session_running(session);
  if session.status not in ('scheduled', 'lobby') then
    perform private.raise_http_error(409, 'session_not_in_lobby',
      format('Cannot launch session: it is %s', session.status));
  end if;
  -- One started_at and one deadline for everyone, in this one transaction.
  update public.exam_sessions as s
  set status = 'active', started_at = pg_catalog.now(),
      deadline_at = pg_catalog.now() + make_interval(secs => s.duration_seconds)
  where s.id = p_session_id
  returning * into session;
  for admitted in
    select p.user_id from public.exam_session_participants as p
    where p.session_id = p_session_id and p.status = 'admitted'
    order by p.user_id
  loop
    perform private.start_participant_attempt(session, admitted);
  end loop;
  perform private.publish_event('session:' || p_session_id, 'session_status', jsonb_build_object(
    'status', session.status, 'started_at', session.started_at, 'deadline_at', session.deadline_at));
  perform private.notify_user(p.user_id, 'session_launched', format('%s has started', session.title),
    'Your attempt has started; the clock is running.', 'urgent', '/sessions/' || session.id,
    jsonb_build_object('session_id', session.id, 'exam_id', session.exam_id, 'attempt_id', p.attempt_id,
      'deadline_at', session.deadline_at),
    session.academy_id)
  from public.exam_session_participants as p
  where p.session_id = p_session_id and p.status = 'active'
  order by p.user_id;
  return session;
end;
$$;
comment on function private.launch_exam_session(uuid) is
  'Starts every admitted student''s attempt at once with one deadline. Security definer: checks the caller runs the session.';

create or replace function private.extend_participant_time(p_session_id uuid, p_user_id uuid, p_seconds integer, p_reason text)
returns public.exam_attempts
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  session public.exam_sessions := private.lock_taught_session(p_session_id);
  participant public.exam_session_participants := private.session_participant(p_session_id, p_user_id);
  attempt public.exam_attempts;
begin
  perform private.assert_session_running(session);
  if p_seconds is null or p_seconds not between 1 and 86400 or coalesce(btrim(p_reason), '') = '' then
    raise exception 'Cannot extend time: give 1 to 86400 seconds and a reason'
      using errcode = '22023', hint = 'invalid_extension';
  end if;
  update public.exam_attempts as a
  set deadline_at = a.deadline_at + make_interval(secs => p_seconds), extension_seconds = a.extension_seconds + p_seconds
  where a.id = participant.attempt_id and a.status in ('in_progress', 'overdue')
  returning * into attempt;
  if attempt.id is null then
    perform private.raise_http_error(409, 'attempt_closed', 'Cannot extend time: the student has no open attempt');
  end if;
  perform private.log_activity(attempt.id, 'time_extended', null,
    jsonb_build_object('seconds', p_seconds, 'reason', p_reason, 'by', (select auth.uid())));
  perform private.publish_event('attempt:' || attempt.id, 'time_extended', jsonb_build_object(
    'attempt_id', attempt.id, 'seconds', p_seconds, 'deadline_at', attempt.deadline_at));
  perform private.publish_event('session:' || p_session_id, 'time_extended', jsonb_build_object(
    'user_id', p_user_id, 'attempt_id', attempt.id, 'seconds', p_seconds, 'deadline_at', attempt.deadline_at));
  perform private.notify_user(p_user_id, 'time_extended', format('%s: you have more time', session.title),
    format('Your time was extended by %s minutes.', round(p_seconds / 60.0, 1)), 'high', '/attempts/' || attempt.id,
    jsonb_build_object('session_id', p_session_id, 'attempt_id', attempt.id, 'seconds', p_seconds,
      'deadline_at', attempt.deadline_at),
    session.academy_id);
  return attempt;
end;
$$;
comment on function private.extend_participant_time(uuid, uuid, integer, text) is
  'Gives one student more time, with a reason recorded in their activity log. Security definer: checks the caller runs the session.';
