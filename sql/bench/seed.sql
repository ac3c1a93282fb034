-- Benchmark data (throwaway databases only): one academy, a teacher, :students students,
-- an exam of 40 single-choice questions, and an open attempt per student. `bench.students` maps a
-- number to a student, their attempt and their JWT claims, for pgbench scripts.
-- psql -v students=2000 -f sql/bench/seed.sql

create schema bench;
grant usage on schema bench to authenticated;

insert into public.academies (id, name, slug)
values ('00000000-0000-4000-8000-0000000bec01', 'Bench Academy', 'bench');

create table bench.students (n integer primary key, user_id uuid not null, attempt_id uuid, claims text not null);
grant select on bench.students to authenticated;

insert into auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select gen_random_uuid(), 'authenticated', 'authenticated', 'bench' || n || '@bench.test', '{}', '{}', now(), now()
from generate_series(1, :students) as n;

insert into bench.students (n, user_id, claims)
select row_number() over (order by u.email)::integer, u.id,
  json_build_object('sub', u.id, 'role', 'authenticated', 'aud', 'authenticated', 'email', u.email)::text
from auth.users as u where u.email like '%@bench.test';

insert into public.academy_members (academy_id, user_id, role)
select '00000000-0000-4000-8000-0000000bec01', s.user_id, 'student' from bench.students as s;

-- The teacher who runs the live session of the benchmark.
insert into auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
values ('00000000-0000-4000-8000-0000000bec77', 'authenticated', 'authenticated', 'teacher@bench.test', '{}', '{}', now(), now());
insert into public.academy_members (academy_id, user_id, role)
values ('00000000-0000-4000-8000-0000000bec01', '00000000-0000-4000-8000-0000000bec77', 'teacher');

insert into public.exams (id, academy_id, title, published, duration_seconds, grace_period_seconds, conflict_strategy)
values ('00000000-0000-4000-8000-0000000bece1', '00000000-0000-4000-8000-0000000bec01', 'Bench exam', true, 86400, 60, 'merge');
insert into public.exam_sections (id, exam_id, position, title)
values ('00000000-0000-4000-8000-0000000becc1', '00000000-0000-4000-8000-0000000bece1', 0, 'All');
insert into public.questions (exam_id, section_id, position, type, prompt, options)
select '00000000-0000-4000-8000-0000000bece1', '00000000-0000-4000-8000-0000000becc1', q, 'single_choice',
  'Question ' || q, '[{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}, {"id": "d", "text": "D"}]'
from generate_series(0, 39) as q;

create table bench.questions (n integer primary key, question_id uuid not null);
grant select on bench.questions to authenticated;
insert into bench.questions (n, question_id)
select q.position + 1, q.id from public.questions as q where q.exam_id = '00000000-0000-4000-8000-0000000bece1';

update bench.students as s
set attempt_id = (private.open_attempt(e, s.user_id, 'practice', now() + interval '1 day')).id
from public.exams as e where e.id = '00000000-0000-4000-8000-0000000bece1';

-- A batch of answer ops as a client builds them: fresh op ids, the client's own versions.
create function bench.answer_ops(p_count integer) returns jsonb
language sql volatile set search_path = ''
as $$
  select jsonb_agg(jsonb_build_object('op_id', gen_random_uuid(), 'type', 'answer',
    'question_id', q.question_id, 'value', (array['a', 'b', 'c', 'd'])[1 + floor(random() * 4)::integer],
    'base_version', 0))
  from (select question_id from bench.questions order by random() limit p_count) as q;
$$;
grant execute on function bench.answer_ops(integer) to authenticated;
analyze bench.students, bench.questions, auth.users, public.academy_members, public.questions, public.exam_attempts, public.attempt_section_states;
