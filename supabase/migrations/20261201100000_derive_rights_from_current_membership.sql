-- Rights follow current membership: every right is taken from `academy_members` as it
-- is at the moment of the request, never from a row that merely names the user. Until
-- now a session's owner and co-teachers kept the dashboard, the session tables, the
-- session topic and every action RPC after leaving the academy or being demoted to
-- student (`taught_session_ids` trusted `owner_id` and `exam_session_teachers`), and a
-- student who left an academy kept reading, saving, submitting and hearing the events of
-- their attempts there, their sub-skill performance, their sessions and the
-- announcements sent to them (everything trusted `user_id = auth.uid()` alone).
--
-- Now: running a session needs the role teacher (owner or co-teacher) or admin in the
-- session's academy today; a student's own attempts, performance, sessions and
-- participation need membership of that academy today (any role, so a teacher demoted
-- to student keeps their own attempts). Rejoining gives the rights back. Teachers' and
-- admins' reads already came from `member_academy_ids` and stay as they are. The
-- policies on `realtime.messages` and the outbox use `can_read_topic`, which reads the
-- functions redefined here, so they follow without change.
--
-- Every column filtered below is already indexed: academy_members (academy_id, user_id)
-- and (user_id, academy_id), exam_attempts (user_id, status) and (academy_id),
-- exam_sessions (academy_id), exam_session_teachers (session_id, user_id),
-- exam_session_participants (session_id, user_id) and (user_id),
-- user_sub_skill_performance (user_id, academy_id, sub_skill).

-- policies ------------------------------------------------------------------------------
alter policy exam_attempts_select_reader on public.exam_attempts
  using (
    (user_id = (select auth.uid()) and academy_id in (select private.member_academy_ids()))
    or academy_id in (select private.member_academy_ids('{teacher,admin}'))
  );
comment on policy exam_attempts_select_reader on public.exam_attempts is
  'The student reads their attempts while a member of the attempt''s academy; teachers and admins those of their academy.';

alter policy user_sub_skill_performance_select_reader on public.user_sub_skill_performance
  using (
    (user_id = (select auth.uid()) and academy_id in (select private.member_academy_ids()))
    or academy_id in (select private.member_academy_ids('{teacher,admin}'))
  );
comment on policy user_sub_skill_performance_select_reader on public.user_sub_skill_performance is
  'A student reads their own performance in an academy while a member of it; teachers and admins their academy''s.';

alter policy exam_session_participants_select_member on public.exam_session_participants
  using (
    (user_id = (select auth.uid()) and session_id in (select private.joined_session_ids()))
    or session_id in (select private.taught_session_ids())
  );
comment on policy exam_session_participants_select_member on public.exam_session_participants is
  'A student reads their own participation while a member of the session''s academy; who runs the session reads all.';

-- functions -----------------------------------------------------------------------------
create or replace function private.can_read_attempt(p_attempt_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.exam_attempts as a
    where a.id = p_attempt_id
      and ((a.user_id = (select auth.uid()) and a.academy_id in (select private.member_academy_ids()))
        or a.academy_id in (select private.member_academy_ids('{teacher,admin}')))
  );
$$;
comment on function private.can_read_attempt(uuid) is
  'Whether the caller is the attempt''s student and still a member of its academy, or a teacher or admin of that academy today. Security definer: it must see the attempt to decide.';

create or replace function private.readable_attempt_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select a.id from public.exam_attempts as a
  where a.user_id = (select auth.uid()) and a.academy_id in (select private.member_academy_ids())
  union all
  select a.id from public.exam_attempts as a
  where a.academy_id in (select private.member_academy_ids('{teacher,admin}'))
    and a.user_id <> (select auth.uid());
$$;
comment on function private.readable_attempt_ids() is
  'Attempts the caller may read: their own in academies they still belong to, and those of academies they teach or administer today. Security definer: policies of the attempt tables use it.';

create or replace function private.lock_own_attempt(p_attempt_id uuid)
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
    and a.academy_id in (select private.member_academy_ids())
  for update;
  if not found then
    perform private.raise_http_error(404, 'attempt_not_found', format('Cannot find attempt %s', p_attempt_id));
  end if;
  return attempt;
end;
$$;
comment on function private.lock_own_attempt(uuid) is
  'Locks the caller''s attempt for the rest of the transaction (so batches of one attempt apply one after another); 404 for an attempt that does not exist, is someone else''s, or belongs to an academy the caller has left.';

create or replace function private.get_active_session_state()
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
    and a.academy_id in (select private.member_academy_ids())
  order by a.deadline_at;
$$;
comment on function private.get_active_session_state() is
  'The caller''s open attempts in academies they still belong to. Security definer: counts questions students cannot read directly.';

create or replace function private.taught_session_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select s.id
  from public.exam_sessions as s
  join public.academy_members as m on m.academy_id = s.academy_id and m.user_id = (select auth.uid())
  where m.role = 'admin'
    or (m.role = 'teacher' and (s.owner_id = m.user_id
      or exists (select 1 from public.exam_session_teachers as t where t.session_id = s.id and t.user_id = m.user_id)));
$$;
comment on function private.taught_session_ids() is
  'Sessions the caller runs today: as owner or co-teacher while a teacher of the session''s academy, or as its admin. Leaving the academy or a demotion to student ends it, whatever rows still name them. Security definer: policies use it.';

create or replace function private.joined_session_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select p.session_id
  from public.exam_session_participants as p
  join public.exam_sessions as s on s.id = p.session_id
  where p.user_id = (select auth.uid())
    and s.academy_id in (select private.member_academy_ids());
$$;
comment on function private.joined_session_ids() is
  'Sessions the caller has joined, of academies they still belong to. Security definer: policies use it.';

create or replace function private.publish_to_participants(p_session_id uuid, p_event text, p_payload jsonb)
returns void
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.publish_event('user:' || p.user_id, p_event, p_payload || jsonb_build_object('session_id', p_session_id))
  from public.exam_session_participants as p
  join public.exam_sessions as s on s.id = p.session_id
  join public.academy_members as m on m.academy_id = s.academy_id and m.user_id = p.user_id
  where p.session_id = p_session_id and p.status not in ('removed', 'banned')
  order by p.user_id;
$$;
comment on function private.publish_to_participants(uuid, text, jsonb) is
  'Tells every current participant of a session who is still a member of its academy, each on their own user topic.';
