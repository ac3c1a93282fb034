-- Exam content: exams, their sections and questions, authored by the teachers and admins
-- of an academy. Answer keys (correct options, numeric tolerances, accepted texts) live
-- in `private.question_keys`, which no client role can read; students see questions only
-- through their own attempt (get_attempt_state), never through these tables.

-- types ---------------------------------------------------------------------------------
create type public.exam_expiry_policy as enum ('autosubmit', 'grace_then_submit', 'abandon');
comment on type public.exam_expiry_policy is
  'What happens when an attempt''s time runs out: autosubmit grades it once the grace period is over; grace_then_submit marks it overdue during the grace period, then grades it; abandon closes it ungraded.';
create type public.exam_navigation as enum ('free', 'sequential');
comment on type public.exam_navigation is 'free: any question in any order; sequential: forward only, earlier questions are closed.';
create type public.conflict_strategy as enum ('merge', 'local', 'server');
comment on type public.conflict_strategy is
  'How a save edited from a stale version is settled: server keeps the stored answer (the client''s value becomes an open conflict), local takes the client''s, merge takes the client''s unless it is empty.';
create type public.question_type as enum ('single_choice', 'multiple_choice', 'true_false', 'numeric', 'short_text', 'essay');
comment on type public.question_type is 'How a question is answered and graded: one option, several options, true or false, a number within a tolerance, a short text among accepted ones, or an essay graded by hand.';

-- tables --------------------------------------------------------------------------------
create table public.exams (
  id uuid primary key default gen_random_uuid(),
  academy_id uuid not null references public.academies (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 200),
  description text not null default '' check (char_length(description) <= 10000),
  specialty text check (specialty is null or char_length(specialty) <= 120),
  published boolean not null default false,
  available_from timestamptz,
  available_until timestamptz,
  duration_seconds integer not null check (duration_seconds between 60 and 604800),
  grace_period_seconds integer not null default 60 check (grace_period_seconds between 0 and 86400),
  expiry_policy public.exam_expiry_policy not null default 'autosubmit',
  navigation public.exam_navigation not null default 'free',
  max_attempts integer check (max_attempts is null or max_attempts > 0),
  conflict_strategy public.conflict_strategy not null default 'merge',
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint exams_availability_window check (available_until is null or available_from is null or available_until > available_from)
);
comment on table public.exams is 'An exam of an academy. Students of the academy see it once published; its teachers and admins author it.';
comment on column public.exams.grace_period_seconds is 'How long after the deadline saves are still accepted (network allowance) before the expiry policy applies.';
comment on column public.exams.max_attempts is 'Attempts a student may start, null for no limit.';
comment on column public.exams.conflict_strategy is 'Default conflict strategy of the attempts of this exam.';

create table public.exam_sections (
  id uuid primary key default gen_random_uuid(),
  exam_id uuid not null references public.exams (id) on delete cascade,
  position integer not null check (position >= 0),
  title text not null check (char_length(title) between 1 and 200),
  time_limit_seconds integer check (time_limit_seconds is null or time_limit_seconds > 0),
  sub_skill text check (sub_skill is null or char_length(sub_skill) <= 120),
  unique (exam_id, position)
);
comment on table public.exam_sections is 'An ordered part of an exam, optionally with its own time limit and sub-skill.';
comment on column public.exam_sections.time_limit_seconds is 'Time allowed from entering the section, on top of the exam''s deadline; null for none.';

create table public.questions (
  id uuid primary key default gen_random_uuid(),
  exam_id uuid not null references public.exams (id) on delete cascade,
  section_id uuid not null references public.exam_sections (id) on delete cascade,
  position integer not null check (position >= 0),
  type public.question_type not null,
  prompt text not null check (char_length(prompt) between 1 and 20000),
  options jsonb not null default '[]'::jsonb check (jsonb_typeof(options) = 'array'),
  points numeric(8, 2) not null default 1 check (points >= 0),
  sub_skill text check (sub_skill is null or char_length(sub_skill) <= 120),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (section_id, position)
);
comment on table public.questions is 'A question of an exam section. Holds no answer key. Students never read this table: they get questions through their attempt.';
comment on column public.questions.options is 'Choices of choice questions: [{"id": "a", "text": "…"}, …]; empty for other types.';
comment on column public.questions.sub_skill is 'Sub-skill the question measures; defaults to its section''s for performance stats.';

create table private.question_keys (
  question_id uuid primary key references public.questions (id) on delete cascade,
  correct jsonb,
  tolerance numeric check (tolerance is null or tolerance >= 0),
  accepted_texts text[],
  case_sensitive boolean not null default false
);
comment on table private.question_keys is
  'Answer keys. single_choice: correct = "option id"; multiple_choice: correct = ["ids"]; true_false: correct = true|false; numeric: correct = number, tolerance; short_text: accepted_texts, case_sensitive; essay: none (graded by hand). No client role has any privilege here.';

-- indexes -------------------------------------------------------------------------------
create index exams_academy_id_idx on public.exams (academy_id);
create index exams_created_by_idx on public.exams (created_by);
create index questions_exam_id_idx on public.questions (exam_id);

-- functions used by triggers and policies ----------------------------------------------
create function private.authored_exam_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select e.id from public.exams as e
  where e.academy_id in (select private.member_academy_ids('{teacher,admin}'));
$$;
comment on function private.authored_exam_ids() is
  'Exams the caller may author: those of academies where they are a teacher or admin. Security definer: exams'' own policies would hide unpublished rows from the policy subquery otherwise.';

create function private.question_matches_section()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if not exists (select 1 from public.exam_sections as s where s.id = new.section_id and s.exam_id = new.exam_id) then
    raise exception 'Cannot save question: section % is not part of exam %', new.section_id, new.exam_id
      using errcode = '23514', hint = 'section_not_in_exam';
  end if;
  return new;
end;
$$;
comment on function private.question_matches_section() is 'Keeps a question''s exam_id equal to its section''s exam.';

create trigger question_matches_section
  before insert or update of exam_id, section_id on public.questions
  for each row execute function private.question_matches_section();
create trigger touch_updated_at before update on public.exams
  for each row execute function private.touch_updated_at();
create trigger touch_updated_at before update on public.questions
  for each row execute function private.touch_updated_at();

-- grants --------------------------------------------------------------------------------
grant execute on function private.authored_exam_ids() to authenticated, service_role;
grant select, insert, update, delete on public.exams, public.exam_sections, public.questions to authenticated;
grant all on public.exams, public.exam_sections, public.questions to service_role;
-- private.question_keys: no grants at all; read and written only by security definer functions.

-- row level security --------------------------------------------------------------------
alter table public.exams enable row level security;
alter table public.exam_sections enable row level security;
alter table public.questions enable row level security;
alter table private.question_keys enable row level security;

-- policies ------------------------------------------------------------------------------
create policy exams_select_member on public.exams
  for select to authenticated
  using (
    academy_id in (select private.member_academy_ids('{teacher,admin}'))
    or (published and academy_id in (select private.member_academy_ids()))
  );
comment on policy exams_select_member on public.exams is 'Teachers and admins read every exam of their academy; students only published ones.';

create policy exams_insert_author on public.exams
  for insert to authenticated
  with check (academy_id in (select private.member_academy_ids('{teacher,admin}')));
comment on policy exams_insert_author on public.exams is 'Teachers and admins create exams in their academy.';

create policy exams_update_author on public.exams
  for update to authenticated
  using (academy_id in (select private.member_academy_ids('{teacher,admin}')))
  with check (academy_id in (select private.member_academy_ids('{teacher,admin}')));
comment on policy exams_update_author on public.exams is 'Teachers and admins edit the exams of their academy.';

create policy exams_delete_author on public.exams
  for delete to authenticated
  using (academy_id in (select private.member_academy_ids('{teacher,admin}')));
comment on policy exams_delete_author on public.exams is 'Teachers and admins delete the exams of their academy.';

create policy exam_sections_select_member on public.exam_sections
  for select to authenticated
  using (exam_id in (select e.id from public.exams as e));
comment on policy exam_sections_select_member on public.exam_sections is 'Whoever reads an exam reads its sections (the exams policy decides).';

create policy exam_sections_insert_author on public.exam_sections
  for insert to authenticated
  with check (exam_id in (select private.authored_exam_ids()));
comment on policy exam_sections_insert_author on public.exam_sections is 'Teachers and admins add sections to their academy''s exams.';

create policy exam_sections_update_author on public.exam_sections
  for update to authenticated
  using (exam_id in (select private.authored_exam_ids()))
  with check (exam_id in (select private.authored_exam_ids()));
comment on policy exam_sections_update_author on public.exam_sections is 'Teachers and admins edit sections of their academy''s exams.';

create policy exam_sections_delete_author on public.exam_sections
  for delete to authenticated
  using (exam_id in (select private.authored_exam_ids()));
comment on policy exam_sections_delete_author on public.exam_sections is 'Teachers and admins delete sections of their academy''s exams.';

create policy questions_select_author on public.questions
  for select to authenticated
  using (exam_id in (select private.authored_exam_ids()));
comment on policy questions_select_author on public.questions is 'Only teachers and admins read questions directly; students get them through their attempt.';

create policy questions_insert_author on public.questions
  for insert to authenticated
  with check (exam_id in (select private.authored_exam_ids()));
comment on policy questions_insert_author on public.questions is 'Teachers and admins add questions to their academy''s exams.';

create policy questions_update_author on public.questions
  for update to authenticated
  using (exam_id in (select private.authored_exam_ids()))
  with check (exam_id in (select private.authored_exam_ids()));
comment on policy questions_update_author on public.questions is 'Teachers and admins edit questions of their academy''s exams.';

create policy questions_delete_author on public.questions
  for delete to authenticated
  using (exam_id in (select private.authored_exam_ids()));
comment on policy questions_delete_author on public.questions is 'Teachers and admins delete questions of their academy''s exams.';

-- functions -----------------------------------------------------------------------------
create function private.set_question_key(
  p_question_id uuid, p_correct jsonb, p_tolerance numeric, p_accepted_texts text[], p_case_sensitive boolean
) returns private.question_keys
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  question_type public.question_type;
  saved private.question_keys;
begin
  select q.type into question_type
  from public.questions as q
  where q.id = p_question_id and q.exam_id in (select private.authored_exam_ids());
  if question_type is null then
    raise exception 'Cannot set answer key: question % does not exist or is not yours to author', p_question_id
      using errcode = '42501', hint = 'question_not_found';
  end if;
  if not private.is_valid_key(question_type, p_correct, p_accepted_texts) then
    raise exception 'Cannot set answer key: it does not fit a % question', question_type
      using errcode = '22023', hint = 'invalid_answer_key';
  end if;
  insert into private.question_keys (question_id, correct, tolerance, accepted_texts, case_sensitive)
  values (p_question_id, p_correct, p_tolerance, p_accepted_texts, coalesce(p_case_sensitive, false))
  on conflict (question_id) do update
    set correct = excluded.correct, tolerance = excluded.tolerance,
        accepted_texts = excluded.accepted_texts, case_sensitive = excluded.case_sensitive
  returning * into saved;
  return saved;
end;
$$;
comment on function private.set_question_key(uuid, jsonb, numeric, text[], boolean) is
  'Saves a question''s answer key. Security definer: keys live in private, which no client reaches; it checks the caller authors the question.';

create function private.is_valid_key(p_type public.question_type, p_correct jsonb, p_accepted_texts text[])
returns boolean
language sql
immutable
security invoker
set search_path = ''
as $$
  select case p_type
    when 'single_choice' then jsonb_typeof(p_correct) = 'string'
    when 'multiple_choice' then jsonb_typeof(p_correct) = 'array'
    when 'true_false' then jsonb_typeof(p_correct) = 'boolean'
    when 'numeric' then jsonb_typeof(p_correct) = 'number'
    when 'short_text' then coalesce(cardinality(p_accepted_texts), 0) > 0
    when 'essay' then true
  end;
$$;
comment on function private.is_valid_key(public.question_type, jsonb, text[]) is 'Whether an answer key has the shape its question type needs.';

create function private.get_question_keys(p_exam_id uuid)
returns setof private.question_keys
language sql
stable
security definer
set search_path = ''
as $$
  select k.*
  from private.question_keys as k
  join public.questions as q on q.id = k.question_id
  where q.exam_id = p_exam_id and q.exam_id in (select private.authored_exam_ids());
$$;
comment on function private.get_question_keys(uuid) is
  'Answer keys of an exam for its authors. Security definer: keys live in private; authorship is checked through authored_exam_ids.';

create type public.question_key as (
  question_id uuid,
  correct jsonb,
  tolerance numeric,
  accepted_texts text[],
  case_sensitive boolean
);
comment on type public.question_key is 'An answer key as teachers read and write it.';

create function public.set_question_key(
  p_question_id uuid, p_correct jsonb default null, p_tolerance numeric default null,
  p_accepted_texts text[] default null, p_case_sensitive boolean default false
) returns public.question_key
language sql
volatile
security invoker
set search_path = ''
as $$
  select (k.question_id, k.correct, k.tolerance, k.accepted_texts, k.case_sensitive)::public.question_key
  from private.set_question_key(p_question_id, p_correct, p_tolerance, p_accepted_texts, p_case_sensitive) as k;
$$;
comment on function public.set_question_key(uuid, jsonb, numeric, text[], boolean) is
  'Teachers and admins: sets the answer key of a question of their academy. single_choice: p_correct "id"; multiple_choice: ["ids"]; true_false: true|false; numeric: number and p_tolerance; short_text: p_accepted_texts.';

create function public.get_question_keys(p_exam_id uuid)
returns setof public.question_key
language sql
stable
security invoker
set search_path = ''
as $$
  select k.question_id, k.correct, k.tolerance, k.accepted_texts, k.case_sensitive
  from private.get_question_keys(p_exam_id) as k;
$$;
comment on function public.get_question_keys(uuid) is 'Teachers and admins: the answer keys of an exam of their academy. Students get nothing.';

grant execute on function private.set_question_key(uuid, jsonb, numeric, text[], boolean),
  private.get_question_keys(uuid), private.is_valid_key(public.question_type, jsonb, text[])
  to authenticated, service_role;
grant execute on function public.set_question_key(uuid, jsonb, numeric, text[], boolean),
  public.get_question_keys(uuid) to authenticated, service_role;
