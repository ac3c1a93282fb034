-- Every RPC is exactly typed (issue 9): `supabase gen types` describes each RPC's arguments
-- and result, so client apps get typed fields instead of `Json`.
-- 1. get_attempt_state returns the composite public.attempt_state, whose parts are
--    composites and arrays of composites (sections, questions, answers, open conflicts); the
--    JSON a client receives keeps the same keys and values. jsonb stays only where a value is
--    free-form: an answer's value, a conflict's two values, a question's options (their zod
--    schemas are in types/attempt-state.ts).
-- 2. start_attempt takes its mode as public.attempt_mode, so a wrong mode fails to compile in
--    a typed client (and a client that is not typed gets 400 22P02 as before 400 22023).
-- 3. batch_resolve_attempt_conflicts takes an array of public.conflict_resolution (conflict
--    id, resolution public.conflict_resolution_choice, value) and update_section_state a
--    public.section_state_change (status, time_used_ms) instead of jsonb: the JSON a client
--    sends keeps its shape, and a resolution or status outside the enum is 400 22P02.
-- Only the typing changes: the checks, the errors of known inputs and what is written stay.

-- types ---------------------------------------------------------------------------------
create type public.attempt_state_attempt as (
  id uuid,
  exam_id uuid,
  user_id uuid,
  attempt_number integer,
  mode public.attempt_mode,
  status public.attempt_status,
  conflict_strategy public.conflict_strategy,
  started_at timestamptz,
  deadline_at timestamptz,
  paused_at timestamptz,
  finished_at timestamptz,
  current_question_id uuid,
  score numeric(10, 2),
  max_score numeric(10, 2),
  grading_status public.grading_status
);
comment on type public.attempt_state_attempt is 'The attempt part of get_attempt_state: who, which exam, mode, status, clock, position and score.';

create type public.attempt_state_exam as (
  id uuid,
  title text,
  description text,
  navigation public.exam_navigation,
  duration_seconds integer,
  grace_period_seconds integer,
  expiry_policy public.exam_expiry_policy
);
comment on type public.attempt_state_exam is 'The exam part of get_attempt_state: title, navigation and time rules.';

create type public.attempt_state_section as (
  id uuid,
  position integer,
  title text,
  time_limit_seconds integer,
  sub_skill text,
  status public.section_status,
  current_question_id uuid,
  time_used_ms bigint,
  started_at timestamptz,
  deadline_at timestamptz,
  completed_at timestamptz
);
comment on type public.attempt_state_section is 'A section of the exam with the attempt''s state in it (status, position, time used, its own deadline).';

create type public.attempt_state_question as (
  id uuid,
  section_id uuid,
  position integer,
  type public.question_type,
  prompt text,
  options jsonb,
  points numeric(8, 2)
);
comment on type public.attempt_state_question is 'A question as a student sees it, never with its key. options: [{"id": "a", "text": "…"}, …] for choice questions, [] otherwise.';

create type public.attempt_state_answer as (
  question_id uuid,
  value jsonb,
  version integer,
  updated_at timestamptz,
  is_correct boolean,
  points_awarded numeric(8, 2)
);
comment on type public.attempt_state_answer is 'A saved answer with its version; is_correct and points_awarded stay null until the attempt is closed.';

create type public.attempt_state_conflict as (
  id uuid,
  question_id uuid,
  local_value jsonb,
  base_version integer,
  server_value jsonb,
  server_version integer,
  created_at timestamptz
);
comment on type public.attempt_state_conflict is 'An open conflict: the client''s losing value and the version it edited, the server''s value and version.';

create type public.attempt_state as (
  attempt public.attempt_state_attempt,
  exam public.attempt_state_exam,
  sections public.attempt_state_section[],
  questions public.attempt_state_question[],
  answers public.attempt_state_answer[],
  flags uuid[],
  open_conflicts public.attempt_state_conflict[],
  server_now timestamptz,
  remaining_ms bigint,
  last_event_id bigint
);
comment on type public.attempt_state is
  'Result of get_attempt_state: everything a client needs to resume an attempt exactly (sections in order, questions in exam order, answers, flagged question ids, open conflicts, the server''s clock, remaining_ms and the last outbox event id to resume streams from).';

create type public.conflict_resolution_choice as enum ('server', 'local', 'custom');
comment on type public.conflict_resolution_choice is
  'How a conflict is settled: server keeps the stored answer, local stores the client''s losing value, custom stores a new value.';

create type public.conflict_resolution as (
  conflict_id uuid,
  resolution public.conflict_resolution_choice,
  value jsonb
);
comment on type public.conflict_resolution is
  'One settlement for batch_resolve_attempt_conflicts: which open conflict, how, and the value for custom (null otherwise).';

create type public.section_state_change as (
  status public.section_status,
  time_used_ms numeric
);
comment on type public.section_state_change is
  'What update_section_state does to a section: status in_progress (enter) or completed, and the time the client says it used there (ms, null to leave it).';

-- functions: private --------------------------------------------------------------------
drop function public.get_attempt_state(uuid);
drop function private.get_attempt_state(uuid);

create function private.get_attempt_state(p_attempt_id uuid)
returns public.attempt_state
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  attempt public.exam_attempts;
  exam public.exams;
  closed boolean;
  state public.attempt_state;
begin
  if not private.can_read_attempt(p_attempt_id) then
    perform private.raise_http_error(404, 'attempt_not_found', format('Cannot find attempt %s', p_attempt_id));
  end if;
  select * into attempt from public.exam_attempts as a where a.id = p_attempt_id;
  select * into exam from public.exams as e where e.id = attempt.exam_id;
  closed := attempt.status not in ('in_progress', 'overdue');
  state.attempt := row(attempt.id, attempt.exam_id, attempt.user_id, attempt.attempt_number, attempt.mode,
    attempt.status, attempt.conflict_strategy, attempt.started_at, attempt.deadline_at, attempt.paused_at,
    attempt.finished_at, attempt.current_question_id, attempt.score, attempt.max_score,
    attempt.grading_status)::public.attempt_state_attempt;
  state.exam := row(exam.id, exam.title, exam.description, exam.navigation, exam.duration_seconds,
    exam.grace_period_seconds, exam.expiry_policy)::public.attempt_state_exam;
  state.sections := array(
    select row(s.id, s.position, s.title, s.time_limit_seconds, s.sub_skill, st.status, st.current_question_id,
        st.time_used_ms, st.started_at, st.deadline_at, st.completed_at)::public.attempt_state_section
    from public.exam_sections as s
    left join public.attempt_section_states as st on st.section_id = s.id and st.attempt_id = p_attempt_id
    where s.exam_id = exam.id
    order by s.position);
  state.questions := array(
    select row(q.id, q.section_id, q.position, q.type, q.prompt, q.options, q.points)::public.attempt_state_question
    from public.questions as q join public.exam_sections as s on s.id = q.section_id
    where q.exam_id = exam.id
    order by s.position, q.position);
  state.answers := array(
    select row(aa.question_id, aa.value, aa.version, aa.updated_at,
        case when closed then aa.is_correct end,
        case when closed then aa.points_awarded end)::public.attempt_state_answer
    from public.attempt_answers as aa where aa.attempt_id = p_attempt_id);
  state.flags := array(
    select f.question_id from public.attempt_flags as f where f.attempt_id = p_attempt_id and f.flagged);
  state.open_conflicts := array(
    select row(c.id, c.question_id, c.local_value, c.base_version, c.server_value, c.server_version,
        c.created_at)::public.attempt_state_conflict
    from public.attempt_conflicts as c where c.attempt_id = p_attempt_id and c.resolved_at is null);
  state.server_now := pg_catalog.now();
  state.remaining_ms := private.remaining_ms(attempt);
  state.last_event_id := private.last_event_id('attempt:' || p_attempt_id);
  return state;
end;
$$;
comment on function private.get_attempt_state(uuid) is
  'Everything a client needs to resume an attempt exactly; questions without keys, correctness only once closed. Security definer: questions are not readable by students directly.';

-- functions: public RPCs ------------------------------------------------------------------
create function public.get_attempt_state(p_attempt_id uuid)
returns public.attempt_state
language sql stable security invoker set search_path = ''
as $$ select * from private.get_attempt_state(p_attempt_id); $$;
comment on function public.get_attempt_state(uuid) is
  'Everything to resume an attempt: attempt, exam, sections with their state, questions (no keys), answers with versions, flags, open conflicts, server_now, remaining_ms, last_event_id.';

drop function public.start_attempt(uuid, text);
create function public.start_attempt(p_exam_id uuid, p_mode public.attempt_mode default 'practice')
returns public.exam_attempts
language sql volatile security invoker set search_path = ''
as $$ select * from private.start_attempt(p_exam_id, p_mode::text); $$;
comment on function public.start_attempt(uuid, public.attempt_mode) is
  'Starts an attempt at a published exam of the caller''s academy (mode diagnostic | practice | drill), or returns their open one. 404 exam_not_found, 409 exam_not_open | exam_closed | max_attempts_reached.';

drop function public.batch_resolve_attempt_conflicts(jsonb);
create function public.batch_resolve_attempt_conflicts(p_resolutions public.conflict_resolution[])
returns setof public.attempt_conflicts
language sql volatile security invoker set search_path = ''
as $$
  -- The checks stay in private.resolve_attempt_conflicts, which reads the batch as JSON.
  select * from private.resolve_attempt_conflicts((
    select case when p_resolutions is not null then coalesce(jsonb_agg(
        jsonb_strip_nulls(jsonb_build_object('conflict_id', r.conflict_id, 'resolution', r.resolution))
        || case when r.value is null then '{}'::jsonb else jsonb_build_object('value', r.value) end
        order by r.ordinality), '[]'::jsonb) end
    from unnest(p_resolutions) with ordinality as r));
$$;
comment on function public.batch_resolve_attempt_conflicts(public.conflict_resolution[]) is
  'Settles open conflicts: [{conflict_id, resolution: server | local | custom, value}] (at most 200; value for custom only); returns them resolved.';

drop function public.update_section_state(uuid, uuid, jsonb);
create function public.update_section_state(p_attempt_id uuid, p_section_id uuid, p_state public.section_state_change)
returns public.attempt_section_states
language sql volatile security invoker set search_path = ''
as $$
  select 1 from private.apply_attempt_ops(p_attempt_id, jsonb_build_array(
    jsonb_build_object('op_id', gen_random_uuid(), 'type', 'section', 'section_id', p_section_id)
    || jsonb_strip_nulls(jsonb_build_object('status', (p_state).status, 'time_used_ms', (p_state).time_used_ms))), null);
  -- A new statement, so the change just made is visible.
  select * from public.attempt_section_states as st where st.attempt_id = p_attempt_id and st.section_id = p_section_id;
$$;
comment on function public.update_section_state(uuid, uuid, public.section_state_change) is
  'Enters or completes a section: p_state {status: in_progress | completed, time_used_ms}; returns the section state.';

-- grants --------------------------------------------------------------------------------
grant execute on function private.get_attempt_state(uuid), public.get_attempt_state(uuid),
  public.start_attempt(uuid, public.attempt_mode),
  public.batch_resolve_attempt_conflicts(public.conflict_resolution[]),
  public.update_section_state(uuid, uuid, public.section_state_change)
  to authenticated;
