-- The AI tutor: conversations and their messages (the AI SDK's UI message shape, parts as
-- jsonb), per-academy tutor settings (provider and model override, teacher access, a
-- monthly token budget), question explanations for the tutor, token budgets with
-- reservations reconciled after each answer, and the integrity rule: no help with a
-- question of an exam the student is still taking (context named, pasted or retyped
-- question text by trigram similarity, or a running live session), every refusal logged
-- to the attempt's activity log and told to the proctor's topics.
--
-- The `ai-tutor` edge function calls the private functions here: `prepare_tutor_turn` as
-- the student (integrity and context, before any provider is called), the budget and
-- storage functions on its own owner connection.

create extension if not exists pg_trgm with schema extensions;

-- types ---------------------------------------------------------------------------------
create type public.tutor_message_role as enum ('user', 'assistant');
comment on type public.tutor_message_role is 'Who wrote a tutor message: the student, or the tutor.';
create type public.tutor_message_status as enum ('complete', 'aborted', 'error', 'refused');
comment on type public.tutor_message_status is
  'complete: the answer finished; aborted: cut by the time limit or cancelled; error: the provider failed; refused: the integrity rule answered instead of a model.';

-- tables --------------------------------------------------------------------------------
alter table public.exams add column tutor_allowed boolean not null default false;
comment on column public.exams.tutor_allowed is
  'Whether the AI tutor may help during a practice attempt of this exam (never during a live session or another mode).';

alter table public.attempt_activity_events drop constraint attempt_activity_events_event_type_check;
alter table public.attempt_activity_events add constraint attempt_activity_events_event_type_check check (event_type in (
  'started', 'resumed', 'saved', 'flagged', 'unflagged', 'conflict', 'conflict_resolved',
  'device_joined', 'collision', 'connection_dropped', 'section_changed', 'submitted', 'overdue', 'expired',
  'abandoned', 'paused', 'unpaused', 'time_extended', 'removed', 'readmitted', 'ended_by_teacher',
  'focus_lost', 'focus_gained', 'visibility_hidden', 'visibility_visible', 'fullscreen_exited',
  'copy', 'paste', 'network_offline', 'network_online', 'tutor_refused'
));

create table public.academy_tutor_settings (
  academy_id uuid primary key references public.academies (id) on delete cascade,
  provider text check (provider is null or provider in ('openai', 'anthropic', 'google', 'openai-compatible')),
  model text check (model is null or char_length(model) between 1 and 200),
  teacher_access boolean not null default true,
  monthly_token_limit bigint check (monthly_token_limit is null or monthly_token_limit >= 0),
  updated_at timestamptz not null default now()
);
comment on table public.academy_tutor_settings is
  'How the AI tutor works for an academy. Admins set it; teachers read it. Provider keys are never here: they stay secrets of the edge function.';
comment on column public.academy_tutor_settings.provider is 'Overrides the function''s AI_TUTOR_PROVIDER for this academy; null for the default.';
comment on column public.academy_tutor_settings.model is 'Overrides the model for this academy; null for the provider''s default.';
comment on column public.academy_tutor_settings.teacher_access is 'Whether teachers read the students'' tutor conversations (admins always do).';
comment on column public.academy_tutor_settings.monthly_token_limit is 'Overrides AI_TUTOR_ACADEMY_TOKENS_PER_MONTH; 0 for no limit.';

create table public.tutor_conversations (
  id text primary key default gen_random_uuid()::text check (id ~ '^[A-Za-z0-9_-]{1,100}$'),
  user_id uuid not null references auth.users (id) on delete cascade,
  academy_id uuid not null references public.academies (id) on delete cascade,
  title text not null default '' check (char_length(title) <= 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_message_at timestamptz not null default now()
);
comment on table public.tutor_conversations is
  'A student''s conversation with the AI tutor. Its id is the chat id of the client (useChat). The student reads it; the academy''s admins, and its teachers unless the academy turns teacher access off.';

create table public.tutor_messages (
  id text primary key check (id ~ '^[A-Za-z0-9_-]{1,100}$'),
  conversation_id text not null references public.tutor_conversations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  academy_id uuid not null references public.academies (id) on delete cascade,
  seq bigint generated always as identity,
  role public.tutor_message_role not null,
  parts jsonb not null check (jsonb_typeof(parts) = 'array'),
  metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  status public.tutor_message_status not null default 'complete',
  finish_reason text,
  provider text,
  model text,
  prompt_version text,
  input_tokens integer,
  cached_input_tokens integer,
  output_tokens integer,
  latency_ms integer,
  first_token_ms integer,
  created_at timestamptz not null default now()
);
comment on table public.tutor_messages is
  'A message of a tutor conversation as the AI SDK''s UIMessage (id, role, parts, metadata), with what the answer cost and how it ended. Written by the ai-tutor function only.';
comment on column public.tutor_messages.parts is 'UI message parts, such as [{"type": "text", "text": "…"}].';
comment on column public.tutor_messages.finish_reason is 'stop, length, time_limit, error, exam_in_progress, …';
comment on column public.tutor_messages.prompt_version is 'Version of the tutor''s system prompt that produced an assistant message.';
comment on column public.tutor_messages.latency_ms is 'From the request to the end of the answer.';
comment on column public.tutor_messages.first_token_ms is 'From the request to the first token of the answer.';

create table private.question_explanations (
  question_id uuid primary key references public.questions (id) on delete cascade,
  explanation text not null check (char_length(explanation) between 1 and 20000),
  updated_at timestamptz not null default now()
);
comment on table private.question_explanations is
  'Why a question''s answer is what it is, for the tutor once the student''s attempt is closed. Private: it gives answers away.';

create table private.tutor_user_daily_usage (
  academy_id uuid not null references public.academies (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  day date not null,
  requests integer not null default 0,
  reserved_tokens bigint not null default 0,
  used_tokens bigint not null default 0,
  token_limit bigint,
  primary key (academy_id, user_id, day)
);
comment on table private.tutor_user_daily_usage is
  'Tutor tokens of a student in an academy per UTC day: reserved by answers in flight, used by finished ones; token_limit is the daily limit in force at the last reservation.';

create table private.tutor_academy_monthly_usage (
  academy_id uuid not null references public.academies (id) on delete cascade,
  month date not null,
  requests integer not null default 0,
  reserved_tokens bigint not null default 0,
  used_tokens bigint not null default 0,
  token_limit bigint,
  primary key (academy_id, month)
);
comment on table private.tutor_academy_monthly_usage is 'Tutor tokens of an academy per UTC month (first day of the month), like tutor_user_daily_usage.';

create table private.tutor_reservations (
  id uuid primary key default gen_random_uuid(),
  academy_id uuid not null references public.academies (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  day date not null,
  month date not null,
  tokens bigint not null check (tokens >= 0),
  created_at timestamptz not null default now(),
  settled_at timestamptz,
  charged_tokens bigint
);
comment on table private.tutor_reservations is
  'Tokens reserved before a provider call (estimated input plus the output cap), settled with the real usage after it, or with the reservation when the usage is unknown.';

-- indexes -------------------------------------------------------------------------------
create index tutor_conversations_user_id_idx on public.tutor_conversations (user_id, last_message_at desc);
create index tutor_conversations_academy_id_idx on public.tutor_conversations (academy_id);
create index tutor_messages_conversation_id_idx on public.tutor_messages (conversation_id, seq);
create index tutor_messages_user_id_idx on public.tutor_messages (user_id);
create index tutor_messages_academy_id_idx on public.tutor_messages (academy_id);
create index tutor_user_daily_usage_user_id_idx on private.tutor_user_daily_usage (user_id);
create index tutor_reservations_open_idx on private.tutor_reservations (created_at) where settled_at is null;
create index tutor_reservations_academy_id_idx on private.tutor_reservations (academy_id);
create index tutor_reservations_user_id_idx on private.tutor_reservations (user_id);

-- triggers ------------------------------------------------------------------------------
create trigger touch_updated_at before update on public.tutor_conversations
  for each row execute function private.touch_updated_at();
create trigger touch_updated_at before update on public.academy_tutor_settings
  for each row execute function private.touch_updated_at();

-- functions used by policies ------------------------------------------------------------
create function private.tutor_reader_academy_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.academy_id
  from public.academy_members as m
  left join public.academy_tutor_settings as s on s.academy_id = m.academy_id
  where m.user_id = (select auth.uid())
    and (m.role = 'admin' or (m.role = 'teacher' and coalesce(s.teacher_access, true)));
$$;
comment on function private.tutor_reader_academy_ids() is
  'Academies whose students'' tutor conversations the caller reads: as admin, or as teacher unless teacher access is off. Security definer: policies use it and it reads settings of academies the caller may not read.';

-- grants --------------------------------------------------------------------------------
grant execute on function private.tutor_reader_academy_ids() to authenticated, service_role;
grant select on public.tutor_conversations, public.tutor_messages to authenticated;
grant select, insert (academy_id, provider, model, teacher_access, monthly_token_limit),
  update (provider, model, teacher_access, monthly_token_limit) on public.academy_tutor_settings to authenticated;
grant all on public.tutor_conversations, public.tutor_messages, public.academy_tutor_settings to service_role;

-- row level security --------------------------------------------------------------------
alter table public.academy_tutor_settings enable row level security;
alter table public.tutor_conversations enable row level security;
alter table public.tutor_messages enable row level security;
alter table private.question_explanations enable row level security;
alter table private.tutor_user_daily_usage enable row level security;
alter table private.tutor_academy_monthly_usage enable row level security;
alter table private.tutor_reservations enable row level security;

-- policies ------------------------------------------------------------------------------
-- None on the private tables: no client role may read or write them.
create policy academy_tutor_settings_select_staff on public.academy_tutor_settings
  for select to authenticated
  using (academy_id in (select private.member_academy_ids('{teacher,admin}')));
comment on policy academy_tutor_settings_select_staff on public.academy_tutor_settings is 'Teachers and admins read their academy''s tutor settings.';

create policy academy_tutor_settings_insert_admin on public.academy_tutor_settings
  for insert to authenticated
  with check (academy_id in (select private.member_academy_ids('{admin}')));
comment on policy academy_tutor_settings_insert_admin on public.academy_tutor_settings is 'Admins create their academy''s tutor settings.';

create policy academy_tutor_settings_update_admin on public.academy_tutor_settings
  for update to authenticated
  using (academy_id in (select private.member_academy_ids('{admin}')))
  with check (academy_id in (select private.member_academy_ids('{admin}')));
comment on policy academy_tutor_settings_update_admin on public.academy_tutor_settings is 'Admins change their academy''s tutor settings.';

create policy tutor_conversations_select_reader on public.tutor_conversations
  for select to authenticated
  using (
    (user_id = (select auth.uid()) and academy_id in (select private.member_academy_ids()))
    or academy_id in (select private.tutor_reader_academy_ids())
  );
comment on policy tutor_conversations_select_reader on public.tutor_conversations is
  'The student reads their conversations while a member of the academy; its admins, and its teachers unless teacher access is off, read all of the academy''s.';

create policy tutor_messages_select_reader on public.tutor_messages
  for select to authenticated
  using (
    (user_id = (select auth.uid()) and academy_id in (select private.member_academy_ids()))
    or academy_id in (select private.tutor_reader_academy_ids())
  );
comment on policy tutor_messages_select_reader on public.tutor_messages is 'Who reads a conversation reads its messages.';

-- functions: integrity ------------------------------------------------------------------
create function private.tutor_similarity_threshold(p_question text)
returns real
language sql
immutable
security invoker
set search_path = ''
as $$
  -- A short question (under 20 trigrams, such as "What is 2 + 2?") shares most of its
  -- trigrams with any message of the same shape ("What is the capital of France?" scores
  -- 0.8), so only a near copy counts; a longer one counts from 0.58, which catches
  -- paraphrases keeping the question's words and lets innocent messages sharing a few pass.
  select case when coalesce(pg_catalog.array_length(extensions.show_trgm(p_question), 1), 0) < 20
    then 0.9::real else 0.58::real end;
$$;
comment on function private.tutor_similarity_threshold(text) is
  'How similar (private.tutor_text_similarity) a message must be to a question of an open attempt to count as that question pasted or retyped: 0.9 for short questions, 0.58 otherwise. Tested on paraphrases and innocent messages in tests/db/041_tutor_integrity.test.sql.';

create function private.tutor_text_similarity(p_question text, p_message text)
returns real
language sql
immutable
security invoker
set search_path = ''
as $$
  select greatest(extensions.word_similarity(p_question, p_message), extensions.similarity(p_question, p_message));
$$;
comment on function private.tutor_text_similarity(text, text) is
  'How much of a question''s text a message holds: the better of pg_trgm word_similarity (the question inside a longer message) and similarity (the whole texts).';

create function private.check_tutor_integrity(p_user_id uuid, p_context jsonb, p_text text)
returns table (refused boolean, reason text, attempt_id uuid, session_id uuid, question_id uuid, similarity real)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  ctx_exam uuid := private.try_uuid(p_context ->> 'examId');
  ctx_question uuid := private.try_uuid(p_context ->> 'questionId');
  ctx_section uuid := private.try_uuid(p_context ->> 'sectionId');
  ctx_attempt uuid := private.try_uuid(p_context ->> 'attemptId');
  hit record;
begin
  -- A live session that is running: no tutor at all, whatever the exam allows.
  select p.attempt_id, p.session_id into hit
  from public.exam_session_participants as p
  join public.exam_sessions as s on s.id = p.session_id
  where p.user_id = p_user_id and p.status not in ('removed', 'banned') and s.status in ('active', 'paused')
  order by p.joined_at desc
  limit 1;
  if found then
    return query select true, 'live_session'::text, hit.attempt_id, hit.session_id, ctx_question, null::real;
    return;
  end if;

  -- The context names an open attempt (in progress, overdue or paused), its exam, a section or a question of it.
  select a.id, a.session_id into hit
  from public.exam_attempts as a
  join public.exams as e on e.id = a.exam_id
  where a.user_id = p_user_id and a.status in ('in_progress', 'overdue')
    and not (e.tutor_allowed and a.mode = 'practice' and a.session_id is null)
    and (a.id = ctx_attempt or a.exam_id = ctx_exam
      or a.exam_id = (select q.exam_id from public.questions as q where q.id = ctx_question)
      or a.exam_id = (select s.exam_id from public.exam_sections as s where s.id = ctx_section))
  order by a.started_at desc
  limit 1;
  if found then
    return query select true, 'context'::text, hit.id, hit.session_id, ctx_question, null::real;
    return;
  end if;

  -- The message holds the text of a question of an open attempt: pasted or retyped.
  select t.id, t.session_id, t.question_id, t.score, t.score >= t.threshold as over
  into hit
  from (
    select a.id, a.session_id, q.id as question_id, private.tutor_text_similarity(q.prompt, p_text) as score,
      private.tutor_similarity_threshold(q.prompt) as threshold
    from public.exam_attempts as a
    join public.exams as e on e.id = a.exam_id
    join public.questions as q on q.exam_id = a.exam_id
    where a.user_id = p_user_id and a.status in ('in_progress', 'overdue')
      and not (e.tutor_allowed and a.mode = 'practice' and a.session_id is null)
  ) as t
  order by t.score >= t.threshold desc, t.score desc
  limit 1;
  if found and hit.over then
    return query select true, 'pasted_question'::text, hit.id, hit.session_id, hit.question_id, hit.score;
    return;
  end if;
  return query select false, null::text, null::uuid, null::uuid, null::uuid, hit.score::real;
end;
$$;
comment on function private.check_tutor_integrity(uuid, jsonb, text) is
  'The integrity rule: whether the tutor must refuse a user''s message (reason live_session, context or pasted_question) and which attempt it concerns; similarity is the best trigram score against the open attempts'' questions.';

-- functions: a turn ---------------------------------------------------------------------
create function private.prepare_tutor_turn(p_conversation_id text, p_text text, p_context jsonb default '{}'::jsonb)
returns table (
  conversation_id text, academy_id uuid, academy_name text, specialty text, is_new boolean,
  refused boolean, refusal_reason text, similarity real, weak_sub_skills jsonb, question jsonb,
  provider text, model text
)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
  context jsonb := coalesce(p_context, '{}'::jsonb);
  conversation public.tutor_conversations;
  target_academy uuid;
  created boolean := false;
  verdict record;
  ctx_question uuid := private.try_uuid(context ->> 'questionId');
  question_info jsonb;
begin
  if uid is null then
    raise exception 'Cannot talk to the tutor: sign in first' using errcode = '42501', hint = 'user_required';
  end if;
  if p_conversation_id is null or p_conversation_id !~ '^[A-Za-z0-9_-]{1,100}$' then
    raise exception 'Cannot talk to the tutor: the conversation id must be 1 to 100 letters, digits, _ or -'
      using errcode = '22023', hint = 'invalid_conversation_id';
  end if;
  if p_text is null or char_length(btrim(p_text)) = 0 then
    raise exception 'Cannot talk to the tutor: the message is empty' using errcode = '22023', hint = 'empty_message';
  end if;
  if jsonb_typeof(context) <> 'object' then
    raise exception 'Cannot talk to the tutor: context must be an object' using errcode = '22023', hint = 'invalid_context';
  end if;

  select * into conversation from public.tutor_conversations as c where c.id = p_conversation_id for update;
  if found then
    if conversation.user_id <> uid or not private.is_academy_member(conversation.academy_id) then
      perform private.raise_http_error(404, 'conversation_not_found',
        format('Cannot find conversation %s: it does not exist or is not yours', p_conversation_id));
    end if;
  else
    target_academy := coalesce(
      private.try_uuid(context ->> 'academyId'),
      (select e.academy_id from public.exams as e where e.id = private.try_uuid(context ->> 'examId')),
      (select a.academy_id from public.exam_attempts as a
        where a.id = private.try_uuid(context ->> 'attemptId') and a.user_id = uid),
      (select q_e.academy_id from public.questions as q join public.exams as q_e on q_e.id = q.exam_id
        where q.id = ctx_question),
      (select min(m.academy_id::text)::uuid from public.academy_members as m where m.user_id = uid
        having count(*) = 1)
    );
    if target_academy is null then
      raise exception 'Cannot start a conversation: say which academy (context.academyId), you belong to several'
        using errcode = '22023', hint = 'academy_required';
    end if;
    if not private.is_academy_member(target_academy) then
      perform private.raise_http_error(404, 'academy_not_found',
        format('Cannot start a conversation: academy %s does not exist or you are not a member', target_academy));
    end if;
    insert into public.tutor_conversations as c (id, user_id, academy_id, title)
    values (p_conversation_id, uid, target_academy, left(regexp_replace(btrim(p_text), '\s+', ' ', 'g'), 80))
    returning * into conversation;
    created := true;
    perform private.publish_event('user:' || uid, 'tutor_conversation_created',
      jsonb_build_object('conversation_id', conversation.id, 'title', conversation.title));
  end if;

  select * into verdict from private.check_tutor_integrity(uid, context, p_text) as v;
  if verdict.refused then
    if verdict.attempt_id is not null then
      perform private.log_activity(verdict.attempt_id, 'tutor_refused', null, jsonb_build_object(
        'reason', verdict.reason, 'similarity', verdict.similarity, 'question_id', verdict.question_id,
        'conversation_id', conversation.id));
      perform private.publish_event('attempt:' || verdict.attempt_id, 'tutor_refused', jsonb_build_object(
        'attempt_id', verdict.attempt_id, 'user_id', uid, 'reason', verdict.reason,
        'similarity', verdict.similarity, 'question_id', verdict.question_id));
    end if;
    if verdict.session_id is not null then
      perform private.publish_event('session:' || verdict.session_id, 'tutor_refused', jsonb_build_object(
        'session_id', verdict.session_id, 'attempt_id', verdict.attempt_id, 'user_id', uid,
        'reason', verdict.reason, 'similarity', verdict.similarity));
    end if;
  elsif ctx_question is not null then
    -- The question, its explanation and the student's graded answer: only from a closed attempt.
    select jsonb_build_object(
        'prompt', q.prompt, 'type', q.type,
        'options', q.options,
        'sub_skill', coalesce(q.sub_skill, s.sub_skill),
        'explanation', x.explanation,
        'answer', aa.value, 'is_correct', aa.is_correct, 'points_awarded', aa.points_awarded, 'points', q.points)
    into question_info
    from public.exam_attempts as a
    join public.questions as q on q.exam_id = a.exam_id and q.id = ctx_question
    join public.exam_sections as s on s.id = q.section_id
    left join public.attempt_answers as aa on aa.attempt_id = a.id and aa.question_id = q.id
    left join private.question_explanations as x on x.question_id = q.id
    where a.user_id = uid and a.academy_id = conversation.academy_id
      and a.status not in ('in_progress', 'overdue')
    order by a.finished_at desc nulls last
    limit 1;
  end if;

  return query
  select conversation.id, conversation.academy_id, ac.name, p.specialty, created,
    coalesce(verdict.refused, false), verdict.reason, verdict.similarity,
    coalesce((
      select jsonb_agg(w order by w.accuracy, w.answered desc)
      from (
        select ssp.sub_skill, round(ssp.questions_correct::numeric / ssp.questions_answered, 2) as accuracy,
          ssp.questions_answered as answered
        from public.user_sub_skill_performance as ssp
        where ssp.user_id = uid and ssp.academy_id = conversation.academy_id and ssp.questions_answered > 0
        order by 2, 3 desc
        limit 3
      ) as w
    ), '[]'::jsonb),
    question_info, ts.provider, ts.model
  from public.academies as ac
  left join public.profiles as p on p.id = uid
  left join public.academy_tutor_settings as ts on ts.academy_id = ac.id
  where ac.id = conversation.academy_id;
end;
$$;
comment on function private.prepare_tutor_turn(text, text, jsonb) is
  'Before the tutor answers: finds or creates the caller''s conversation (404 conversation_not_found for another user''s), applies the integrity rule (logging and announcing a refusal), and returns what the system prompt is built from: academy, specialty, the three weakest sub-skills, and the question with its explanation and graded answer only from a closed attempt. Security definer: it reads explanations and writes the activity log and the outbox.';

create function private.store_tutor_message(p_message jsonb)
returns public.tutor_messages
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  stored public.tutor_messages;
  wanted_id text := p_message ->> 'id';
begin
  if wanted_id is null or wanted_id !~ '^[A-Za-z0-9_-]{1,100}$'
    or exists (select 1 from public.tutor_messages as m where m.id = wanted_id) then
    wanted_id := gen_random_uuid()::text;
  end if;
  insert into public.tutor_messages (id, conversation_id, user_id, academy_id, role, parts, metadata, status,
    finish_reason, provider, model, prompt_version, input_tokens, cached_input_tokens, output_tokens,
    latency_ms, first_token_ms)
  select wanted_id, c.id, c.user_id, c.academy_id, r.role, r.parts, coalesce(r.metadata, '{}'::jsonb),
    coalesce(r.status, 'complete'), r.finish_reason, r.provider, r.model, r.prompt_version, r.input_tokens,
    r.cached_input_tokens, r.output_tokens, r.latency_ms, r.first_token_ms
  from jsonb_populate_record(null::public.tutor_messages, p_message - 'id' - 'seq') as r
  join public.tutor_conversations as c on c.id = r.conversation_id
  returning * into stored;
  if stored.id is null then
    raise exception 'Cannot store tutor message: conversation % does not exist', p_message ->> 'conversation_id'
      using errcode = '23503', hint = 'conversation_not_found';
  end if;
  update public.tutor_conversations as c set last_message_at = stored.created_at where c.id = stored.conversation_id;
  perform private.publish_event('user:' || stored.user_id, 'tutor_message_stored', jsonb_build_object(
    'conversation_id', stored.conversation_id, 'message_id', stored.id, 'role', stored.role, 'status', stored.status));
  return stored;
end;
$$;
comment on function private.store_tutor_message(jsonb) is
  'Stores one tutor message (columns of tutor_messages as JSON; a taken or missing id gets a new one) and tells the owner''s other devices on user:<id>. Called by the ai-tutor function on its own connection.';

-- functions: budgets --------------------------------------------------------------------
create function private.reserve_tutor_tokens(
  p_user_id uuid, p_academy_id uuid, p_tokens bigint, p_user_tokens_per_day bigint, p_academy_tokens_per_month bigint
) returns table (reservation_id uuid, allowed boolean, code text, retry_after_seconds integer, token_limit bigint, tokens_counted bigint)
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  utc timestamp := pg_catalog.now() at time zone 'utc';
  today date := utc::date;
  this_month date := date_trunc('month', utc)::date;
  month_limit bigint;
  per_month private.tutor_academy_monthly_usage;
  per_day private.tutor_user_daily_usage;
  reserved uuid;
begin
  if p_tokens is null or p_tokens < 0 then
    raise exception 'Cannot reserve tutor tokens: the amount must be zero or more' using errcode = '22023', hint = 'invalid_reservation';
  end if;
  month_limit := coalesce(
    (select s.monthly_token_limit from public.academy_tutor_settings as s where s.academy_id = p_academy_id),
    p_academy_tokens_per_month, 0);
  -- Rows are locked in one order (academy month, then the student's day), so concurrent
  -- reservations wait for each other and never both take the last tokens.
  insert into private.tutor_academy_monthly_usage as u (academy_id, month, token_limit)
  values (p_academy_id, this_month, month_limit)
  on conflict (academy_id, month) do update set token_limit = excluded.token_limit
  returning * into per_month;
  insert into private.tutor_user_daily_usage as u (academy_id, user_id, day, token_limit)
  values (p_academy_id, p_user_id, today, coalesce(p_user_tokens_per_day, 0))
  on conflict (academy_id, user_id, day) do update set token_limit = excluded.token_limit
  returning * into per_day;

  if coalesce(p_user_tokens_per_day, 0) > 0
    and per_day.used_tokens + per_day.reserved_tokens + p_tokens > p_user_tokens_per_day then
    return query select null::uuid, false, 'tutor_daily_tokens_exceeded'::text,
      greatest(1, ceil(extract(epoch from (today + 1)::timestamp - utc)))::integer,
      p_user_tokens_per_day, per_day.used_tokens + per_day.reserved_tokens;
    return;
  end if;
  if month_limit > 0 and per_month.used_tokens + per_month.reserved_tokens + p_tokens > month_limit then
    return query select null::uuid, false, 'tutor_monthly_tokens_exceeded'::text,
      greatest(1, ceil(extract(epoch from (this_month + interval '1 month') - utc)))::integer,
      month_limit, per_month.used_tokens + per_month.reserved_tokens;
    return;
  end if;

  update private.tutor_academy_monthly_usage as u
  set reserved_tokens = u.reserved_tokens + p_tokens, requests = u.requests + 1
  where u.academy_id = p_academy_id and u.month = this_month;
  update private.tutor_user_daily_usage as u
  set reserved_tokens = u.reserved_tokens + p_tokens, requests = u.requests + 1
  where u.academy_id = p_academy_id and u.user_id = p_user_id and u.day = today;
  insert into private.tutor_reservations (academy_id, user_id, day, month, tokens)
  values (p_academy_id, p_user_id, today, this_month, p_tokens)
  returning id into reserved;
  return query select reserved, true, null::text, 0, null::bigint, null::bigint;
end;
$$;
comment on function private.reserve_tutor_tokens(uuid, uuid, bigint, bigint, bigint) is
  'Reserves tokens for one answer against the student''s daily and the academy''s monthly budget (0 for no limit; the academy''s monthly_token_limit overrides p_academy_tokens_per_month). When over, says which budget (tutor_daily_tokens_exceeded, tutor_monthly_tokens_exceeded) and the seconds until it renews. Called by the ai-tutor function on its own connection.';

create function private.settle_tutor_reservation(p_reservation_id uuid, p_used_tokens bigint)
returns bigint
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  reservation private.tutor_reservations;
begin
  update private.tutor_reservations as r
  set settled_at = pg_catalog.now(), charged_tokens = greatest(0, coalesce(p_used_tokens, r.tokens))
  where r.id = p_reservation_id and r.settled_at is null
  returning * into reservation;
  if reservation.id is null then
    return null;
  end if;
  update private.tutor_academy_monthly_usage as u
  set reserved_tokens = greatest(0, u.reserved_tokens - reservation.tokens),
      used_tokens = u.used_tokens + reservation.charged_tokens
  where u.academy_id = reservation.academy_id and u.month = reservation.month;
  update private.tutor_user_daily_usage as u
  set reserved_tokens = greatest(0, u.reserved_tokens - reservation.tokens),
      used_tokens = u.used_tokens + reservation.charged_tokens
  where u.academy_id = reservation.academy_id and u.user_id = reservation.user_id and u.day = reservation.day;
  return reservation.charged_tokens;
end;
$$;
comment on function private.settle_tutor_reservation(uuid, bigint) is
  'Reconciles a reservation: charges the tokens really used (the whole reservation when p_used_tokens is null: an aborted answer of unknown usage). Settling twice changes nothing; returns the tokens charged, or null when already settled.';

create function private.settle_stale_tutor_reservations()
returns integer
language sql
volatile
security invoker
set search_path = ''
as $$
  select count(private.settle_tutor_reservation(r.id, null))::integer
  from private.tutor_reservations as r
  where r.settled_at is null and r.created_at < pg_catalog.now() - interval '10 minutes';
$$;
comment on function private.settle_stale_tutor_reservations() is
  'Charges reservations a lost function instance never settled (older than 10 minutes, beyond any answer''s time limit) in full.';

create function private.get_my_tutor_usage()
returns table (
  academy_id uuid, requests_this_minute integer, tokens_used_today bigint, tokens_reserved_today bigint,
  user_tokens_per_day bigint, tokens_left_today bigint, academy_tokens_this_month bigint,
  academy_tokens_per_month bigint, academy_tokens_left_this_month bigint
)
language sql
stable
security definer
set search_path = ''
as $$
  select m.academy_id,
    coalesce((select rl.hits from private.rate_limits as rl
      where rl.key = 'ai-tutor:' || (select auth.uid()) and rl.resets_at > pg_catalog.clock_timestamp()), 0),
    coalesce(d.used_tokens, 0), coalesce(d.reserved_tokens, 0), nullif(d.token_limit, 0),
    case when coalesce(d.token_limit, 0) > 0 then greatest(0, d.token_limit - d.used_tokens - d.reserved_tokens) end,
    coalesce(mo.used_tokens + mo.reserved_tokens, 0), nullif(mo.token_limit, 0),
    case when coalesce(mo.token_limit, 0) > 0 then greatest(0, mo.token_limit - mo.used_tokens - mo.reserved_tokens) end
  from public.academy_members as m
  left join private.tutor_user_daily_usage as d on d.academy_id = m.academy_id and d.user_id = m.user_id
    and d.day = (pg_catalog.now() at time zone 'utc')::date
  left join private.tutor_academy_monthly_usage as mo on mo.academy_id = m.academy_id
    and mo.month = date_trunc('month', pg_catalog.now() at time zone 'utc')::date
  where m.user_id = (select auth.uid())
  order by m.academy_id;
$$;
comment on function private.get_my_tutor_usage() is
  'The caller''s tutor usage per academy they belong to: requests in the current minute, tokens today, the academy''s tokens this month, and what is left (limits as in force at the last reservation; null for none yet). Security definer: the counters are private.';

create function private.get_academy_tutor_usage(p_academy_id uuid, p_month date)
returns table (user_id uuid, display_name text, requests bigint, tokens_used bigint, tokens_reserved bigint, last_day date)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  this_month date := date_trunc('month', coalesce(p_month::timestamp, pg_catalog.now() at time zone 'utc'))::date;
begin
  if not private.is_academy_member(p_academy_id, '{admin}') then
    raise exception 'Cannot read tutor usage: only the academy''s admins may'
      using errcode = '42501', hint = 'admin_required';
  end if;
  return query
  select d.user_id, coalesce(p.display_name, ''), sum(d.requests)::bigint, sum(d.used_tokens)::bigint,
    sum(d.reserved_tokens)::bigint, max(d.day)
  from private.tutor_user_daily_usage as d
  left join public.profiles as p on p.id = d.user_id
  where d.academy_id = p_academy_id and d.day >= this_month and d.day < (this_month + interval '1 month')::date
  group by d.user_id, p.display_name
  order by sum(d.used_tokens) desc, d.user_id;
end;
$$;
comment on function private.get_academy_tutor_usage(uuid, date) is
  'Admins: tutor requests and tokens of each student of their academy in a month. Security definer: the counters are private.';

-- functions: conversations and explanations --------------------------------------------
create function private.rename_tutor_conversation(p_conversation_id text, p_title text)
returns public.tutor_conversations
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  renamed public.tutor_conversations;
begin
  if p_title is null or char_length(btrim(p_title)) not between 1 and 200 then
    raise exception 'Cannot rename conversation: the title must be 1 to 200 characters'
      using errcode = '22023', hint = 'invalid_title';
  end if;
  update public.tutor_conversations as c set title = btrim(p_title)
  where c.id = p_conversation_id and c.user_id = (select auth.uid())
    and c.academy_id in (select private.member_academy_ids())
  returning * into renamed;
  if renamed.id is null then
    perform private.raise_http_error(404, 'conversation_not_found',
      format('Cannot find conversation %s: it does not exist or is not yours', p_conversation_id));
  end if;
  perform private.publish_event('user:' || renamed.user_id, 'tutor_conversation_renamed',
    jsonb_build_object('conversation_id', renamed.id, 'title', renamed.title));
  return renamed;
end;
$$;
comment on function private.rename_tutor_conversation(text, text) is
  'Renames one of the caller''s conversations and tells their other devices. Security definer: clients cannot write conversations or the outbox.';

create function private.delete_tutor_conversation(p_conversation_id text)
returns public.tutor_conversations
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  deleted public.tutor_conversations;
begin
  delete from public.tutor_conversations as c
  where c.id = p_conversation_id and c.user_id = (select auth.uid())
    and c.academy_id in (select private.member_academy_ids())
  returning * into deleted;
  if deleted.id is null then
    perform private.raise_http_error(404, 'conversation_not_found',
      format('Cannot find conversation %s: it does not exist or is not yours', p_conversation_id));
  end if;
  perform private.publish_event('user:' || deleted.user_id, 'tutor_conversation_deleted',
    jsonb_build_object('conversation_id', deleted.id));
  return deleted;
end;
$$;
comment on function private.delete_tutor_conversation(text) is
  'Deletes one of the caller''s conversations with its messages and tells their other devices. Security definer: clients cannot write conversations or the outbox.';

create function private.set_question_explanation(p_question_id uuid, p_explanation text)
returns table (question_id uuid, explanation text)
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.questions as q where q.id = p_question_id and q.exam_id in (select private.authored_exam_ids())
  ) then
    perform private.raise_http_error(404, 'question_not_found',
      format('Cannot find question %s: it does not exist or you do not author its exam', p_question_id));
  end if;
  if p_explanation is null or char_length(btrim(p_explanation)) = 0 then
    delete from private.question_explanations as x where x.question_id = p_question_id;
    return query select p_question_id, null::text;
    return;
  end if;
  return query
  insert into private.question_explanations as x (question_id, explanation)
  values (p_question_id, p_explanation)
  on conflict on constraint question_explanations_pkey do update
    set explanation = excluded.explanation, updated_at = pg_catalog.now()
  returning x.question_id, x.explanation;
end;
$$;
comment on function private.set_question_explanation(uuid, text) is
  'Teachers and admins: sets (or, with an empty text, removes) the explanation of a question of their academy. Security definer: explanations are private.';

grant execute on function private.prepare_tutor_turn(text, text, jsonb),
  private.get_my_tutor_usage(), private.get_academy_tutor_usage(uuid, date),
  private.rename_tutor_conversation(text, text), private.delete_tutor_conversation(text),
  private.set_question_explanation(uuid, text)
  to authenticated;
grant execute on function private.prepare_tutor_turn(text, text, jsonb), private.store_tutor_message(jsonb),
  private.reserve_tutor_tokens(uuid, uuid, bigint, bigint, bigint), private.settle_tutor_reservation(uuid, bigint),
  private.check_tutor_integrity(uuid, jsonb, text), private.tutor_text_similarity(text, text),
  private.tutor_similarity_threshold(text)
  to service_role;

-- public API ----------------------------------------------------------------------------
create type public.tutor_usage as (
  academy_id uuid,
  requests_this_minute integer,
  tokens_used_today bigint,
  tokens_reserved_today bigint,
  user_tokens_per_day bigint,
  tokens_left_today bigint,
  academy_tokens_this_month bigint,
  academy_tokens_per_month bigint,
  academy_tokens_left_this_month bigint
);
comment on type public.tutor_usage is 'What the caller used of the tutor in an academy, and what is left.';

create function public.get_my_tutor_usage()
returns setof public.tutor_usage
language sql
stable
security invoker
set search_path = ''
as $$
  select u.academy_id, u.requests_this_minute, u.tokens_used_today, u.tokens_reserved_today,
    u.user_tokens_per_day, u.tokens_left_today, u.academy_tokens_this_month, u.academy_tokens_per_month,
    u.academy_tokens_left_this_month
  from private.get_my_tutor_usage() as u;
$$;
comment on function public.get_my_tutor_usage() is
  'The caller''s AI tutor usage per academy: requests this minute, tokens today and left today, the academy''s tokens this month and left.';

create type public.academy_tutor_usage as (
  user_id uuid,
  display_name text,
  requests bigint,
  tokens_used bigint,
  tokens_reserved bigint,
  last_day date
);
comment on type public.academy_tutor_usage is 'One student''s AI tutor use in a month.';

create function public.get_academy_tutor_usage(p_academy_id uuid, p_month date default null)
returns setof public.academy_tutor_usage
language sql
stable
security invoker
set search_path = ''
as $$
  select u.user_id, u.display_name, u.requests, u.tokens_used, u.tokens_reserved, u.last_day
  from private.get_academy_tutor_usage(p_academy_id, p_month) as u;
$$;
comment on function public.get_academy_tutor_usage(uuid, date) is
  'Admins: each student''s AI tutor requests and tokens in their academy for the month of p_month (default this month).';

create function public.list_my_tutor_conversations()
returns setof public.tutor_conversations
language sql
stable
security invoker
set search_path = ''
as $$
  select c.* from public.tutor_conversations as c
  where c.user_id = (select auth.uid())
  order by c.last_message_at desc, c.id;
$$;
comment on function public.list_my_tutor_conversations() is 'The caller''s own tutor conversations, newest first.';

create function public.rename_tutor_conversation(p_conversation_id text, p_title text)
returns public.tutor_conversations
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.rename_tutor_conversation(p_conversation_id, p_title);
$$;
comment on function public.rename_tutor_conversation(text, text) is 'Renames one of the caller''s tutor conversations; returns it.';

create function public.delete_tutor_conversation(p_conversation_id text)
returns public.tutor_conversations
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.delete_tutor_conversation(p_conversation_id);
$$;
comment on function public.delete_tutor_conversation(text) is 'Deletes one of the caller''s tutor conversations with its messages; returns what was deleted.';

create type public.question_explanation as (
  question_id uuid,
  explanation text
);
comment on type public.question_explanation is 'The explanation of a question as its authors set it.';

create function public.set_question_explanation(p_question_id uuid, p_explanation text)
returns public.question_explanation
language sql
volatile
security invoker
set search_path = ''
as $$
  select (x.question_id, x.explanation)::public.question_explanation
  from private.set_question_explanation(p_question_id, p_explanation) as x;
$$;
comment on function public.set_question_explanation(uuid, text) is
  'Teachers and admins: sets the explanation the tutor may use once a student''s attempt on the question is closed; an empty text removes it.';

grant execute on function public.get_my_tutor_usage(), public.get_academy_tutor_usage(uuid, date),
  public.list_my_tutor_conversations(), public.rename_tutor_conversation(text, text),
  public.delete_tutor_conversation(text), public.set_question_explanation(uuid, text)
  to authenticated, service_role;

-- jobs ----------------------------------------------------------------------------------
select cron.schedule('examsync-settle-stale-tutor-reservations', '* * * * *',
  'select private.settle_stale_tutor_reservations()');
