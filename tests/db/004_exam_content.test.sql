-- Exam content and answer keys by actor: teachers and admins author the exams of their
-- academy and their keys; students read published exams of their academy but never the
-- questions table or the keys; a teacher of another academy and anon see nothing.

begin;
select plan(38);

-- East: admin Ada, teacher Tom, student Sue; West: teacher Will, student Bea.
select from tests.create_supabase_user('ada', 'ada@east-004.example');
select from tests.create_supabase_user('tom', 'tom@east-004.example');
select from tests.create_supabase_user('sue', 'sue@east-004.example');
select from tests.create_supabase_user('will', 'will@west-004.example');
select from tests.create_supabase_user('bea', 'bea@west-004.example');

insert into public.academies (id, name, slug)
values
  ('10000000-0000-4000-8000-000000000001', 'East Academy', 'east-academy-004'),
  ('10000000-0000-4000-8000-000000000002', 'West Academy', 'west-academy-004');

insert into public.academy_members (academy_id, user_id, role)
values
  ('10000000-0000-4000-8000-000000000001', tests.get_supabase_uid('ada'), 'admin'),
  ('10000000-0000-4000-8000-000000000001', tests.get_supabase_uid('tom'), 'teacher'),
  ('10000000-0000-4000-8000-000000000001', tests.get_supabase_uid('sue'), 'student'),
  ('10000000-0000-4000-8000-000000000002', tests.get_supabase_uid('will'), 'teacher'),
  ('10000000-0000-4000-8000-000000000002', tests.get_supabase_uid('bea'), 'student');

-- East has a published exam (one section, one question) and a draft; West has a published exam.
insert into public.exams (id, academy_id, title, published, duration_seconds)
values
  ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'East Algebra', true, 3600),
  ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', 'East Draft', false, 3600),
  ('20000000-0000-4000-8000-000000000003', '10000000-0000-4000-8000-000000000002', 'West Biology', true, 3600);

insert into public.exam_sections (id, exam_id, position, title)
values
  ('30000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', 0, 'Algebra'),
  ('30000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000002', 0, 'Draft section'),
  ('30000000-0000-4000-8000-000000000003', '20000000-0000-4000-8000-000000000003', 0, 'Cells');

insert into public.questions (id, exam_id, section_id, position, type, prompt, options)
values
  ('40000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
   '30000000-0000-4000-8000-000000000001', 0, 'single_choice', 'What is 2 + 2?',
   '[{"id": "a", "text": "3"}, {"id": "b", "text": "4"}]'),
  ('40000000-0000-4000-8000-000000000003', '20000000-0000-4000-8000-000000000003',
   '30000000-0000-4000-8000-000000000003', 0, 'true_false', 'Cells have membranes.', '[]');

insert into private.question_keys (question_id, correct)
values ('40000000-0000-4000-8000-000000000003', 'true');

-- ==========================================================================================
-- Teacher (Tom, teacher of East)
-- ==========================================================================================

select tests.authenticate_as('tom');

select lives_ok(
  $$
    insert into public.exams (id, academy_id, title, duration_seconds)
    values ('20000000-0000-4000-8000-000000000010', '10000000-0000-4000-8000-000000000001', 'Tom''s Quiz', 600)
  $$,
  'A teacher creates an exam in their academy'
);

select lives_ok(
  $$
    insert into public.exam_sections (id, exam_id, position, title, sub_skill)
    values ('30000000-0000-4000-8000-000000000010', '20000000-0000-4000-8000-000000000010', 0, 'Numbers', 'arithmetic')
  $$,
  'A teacher adds a section to their academy''s exam'
);

select lives_ok(
  $$
    insert into public.questions (id, exam_id, section_id, position, type, prompt)
    values ('40000000-0000-4000-8000-000000000010', '20000000-0000-4000-8000-000000000010',
      '30000000-0000-4000-8000-000000000010', 0, 'numeric', 'What is pi to two decimals?')
  $$,
  'A teacher adds a question to their academy''s exam'
);

select is(
  (select k.correct from public.set_question_key('40000000-0000-4000-8000-000000000010', '3.14', 0.005) as k),
  '3.14'::jsonb,
  'A teacher sets the answer key of their question and gets it back'
);

select is(
  (select k.correct from public.set_question_key('40000000-0000-4000-8000-000000000001', '"b"') as k),
  '"b"'::jsonb,
  'A teacher sets the answer key of a question of another teacher of their academy'
);

select throws_ok(
  $$ select public.set_question_key('40000000-0000-4000-8000-000000000010', '"three"') $$,
  '22023', null,
  'A teacher cannot set a key whose shape does not fit the question type'
);

select results_eq(
  $$ select k.question_id, k.correct, k.tolerance from public.get_question_keys('20000000-0000-4000-8000-000000000010') as k $$,
  $$ values ('40000000-0000-4000-8000-000000000010'::uuid, '3.14'::jsonb, 0.005::numeric) $$,
  'A teacher reads the answer keys of their academy''s exam'
);

select results_eq(
  $$ select title from public.exams order by title $$,
  $$ values ('East Algebra'), ('East Draft'), ('Tom''s Quiz') $$,
  'A teacher reads every exam of their academy, drafts included, and none of another academy'
);

select results_eq(
  $$ select id from public.questions order by id $$,
  $$ values ('40000000-0000-4000-8000-000000000001'::uuid), ('40000000-0000-4000-8000-000000000010'::uuid) $$,
  'A teacher reads the questions of their academy''s exams and none of another academy'
);

select throws_ok(
  $$
    insert into public.exams (academy_id, title, duration_seconds)
    values ('10000000-0000-4000-8000-000000000002', 'Planted in West', 600)
  $$,
  '42501', null,
  'A teacher cannot create an exam in an academy they do not belong to'
);

select throws_ok(
  $$ select * from private.question_keys $$,
  '42501', 'permission denied for table question_keys',
  'A teacher cannot read the answer key table directly either'
);

-- ==========================================================================================
-- Admin (Ada, admin of East)
-- ==========================================================================================

select tests.authenticate_as('ada');

select results_eq(
  $$
    with updated as (
      update public.exams set published = true where id = '20000000-0000-4000-8000-000000000002' returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (1) $$,
  'An admin publishes a draft exam of their academy'
);

select lives_ok(
  $$
    select public.set_question_key('40000000-0000-4000-8000-000000000010', '3.1416', 0.0001)
  $$,
  'An admin changes the answer key of a question of their academy'
);

select is(
  (select k.correct from public.get_question_keys('20000000-0000-4000-8000-000000000010') as k),
  '3.1416'::jsonb,
  'An admin reads the changed answer key'
);

select results_eq(
  $$
    with deleted as (
      delete from public.questions where id = '40000000-0000-4000-8000-000000000010' returning 1
    )
    select count(*)::integer from deleted
  $$,
  $$ values (1) $$,
  'An admin deletes a question of their academy''s exam'
);

-- Back to a draft, so the students below see the draft hidden.
update public.exams set published = false where id = '20000000-0000-4000-8000-000000000002';

-- ==========================================================================================
-- Student (Sue, student of East)
-- ==========================================================================================

select tests.authenticate_as('sue');

select results_eq(
  $$ select title from public.exams order by title $$,
  $$ values ('East Algebra') $$,
  'A student reads only the published exams of their own academy'
);

select results_eq(
  $$ select title from public.exam_sections order by title $$,
  $$ values ('Algebra') $$,
  'A student reads the sections of published exams of their academy only'
);

select is_empty(
  $$ select * from public.questions $$,
  'A student reads no row of the questions table, not even of a published exam'
);

select throws_ok(
  $$ select * from private.question_keys $$,
  '42501', 'permission denied for table question_keys',
  'A student cannot read the answer key table'
);

select is_empty(
  $$ select * from public.get_question_keys('20000000-0000-4000-8000-000000000001') $$,
  'A student gets no answer key from get_question_keys'
);

select is_empty(
  $$ select * from private.get_question_keys('20000000-0000-4000-8000-000000000001') $$,
  'A student gets no answer key from the private get_question_keys either'
);

select throws_ok(
  $$ select public.set_question_key('40000000-0000-4000-8000-000000000001', '"a"') $$,
  '42501', null,
  'A student cannot set an answer key'
);

select throws_ok(
  $$
    insert into public.exams (academy_id, title, duration_seconds)
    values ('10000000-0000-4000-8000-000000000001', 'Sue''s exam', 600)
  $$,
  '42501', null,
  'A student cannot create an exam'
);

select throws_ok(
  $$
    insert into public.questions (exam_id, section_id, position, type, prompt)
    values ('20000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001', 5, 'essay', 'Planted?')
  $$,
  '42501', null,
  'A student cannot add a question to a published exam'
);

select results_eq(
  $$
    with updated as (
      update public.exams set title = 'Hacked' where id = '20000000-0000-4000-8000-000000000001' returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (0) $$,
  'A student cannot edit a published exam'
);

-- ==========================================================================================
-- Teacher of another academy (Will, teacher of West)
-- ==========================================================================================

select tests.authenticate_as('will');

select results_eq(
  $$ select title from public.exams order by title $$,
  $$ values ('West Biology') $$,
  'A teacher of another academy reads none of East''s exams'
);

select results_eq(
  $$ select id from public.questions $$,
  $$ values ('40000000-0000-4000-8000-000000000003'::uuid) $$,
  'A teacher of another academy reads only their own academy''s questions'
);

select throws_ok(
  $$ select public.set_question_key('40000000-0000-4000-8000-000000000001', '"a"') $$,
  '42501', null,
  'A teacher of another academy cannot set the key of East''s question'
);

select is_empty(
  $$ select * from public.get_question_keys('20000000-0000-4000-8000-000000000001') $$,
  'A teacher of another academy gets no answer key of East''s exam'
);

select throws_ok(
  $$
    insert into public.questions (exam_id, section_id, position, type, prompt)
    values ('20000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001', 5, 'essay', 'Planted?')
  $$,
  '23514', null,
  'A teacher of another academy cannot add a question to East''s exam'
);

select results_eq(
  $$
    with deleted as (
      delete from public.exams where id = '20000000-0000-4000-8000-000000000001' returning 1
    )
    select count(*)::integer from deleted
  $$,
  $$ values (0) $$,
  'A teacher of another academy cannot delete East''s exam'
);

-- ==========================================================================================
-- Student of another academy (Bea, student of West)
-- ==========================================================================================

select tests.authenticate_as('bea');

select results_eq(
  $$ select title from public.exams $$,
  $$ values ('West Biology') $$,
  'A student of another academy reads only the published exams of their own academy'
);

-- ==========================================================================================
-- Anon
-- ==========================================================================================

select tests.clear_authentication();

select throws_ok(
  $$ select * from public.exams $$,
  '42501', 'permission denied for table exams',
  'Anon cannot read exams'
);

select throws_ok(
  $$ select * from public.questions $$,
  '42501', 'permission denied for table questions',
  'Anon cannot read questions'
);

select throws_ok(
  $$ select * from private.question_keys $$,
  '42501', 'permission denied for schema private',
  'Anon cannot reach the private schema'
);

select throws_ok(
  $$ select * from public.get_question_keys('20000000-0000-4000-8000-000000000001') $$,
  '42501', 'permission denied for function get_question_keys',
  'Anon cannot call get_question_keys'
);

-- ==========================================================================================
-- Owner: the schema itself
-- ==========================================================================================

select tests.act_as_owner();

select tests.rls_enabled('private');

select is(
  (
    select count(*)::integer
    from information_schema.role_table_grants
    where table_schema = 'private' and table_name = 'question_keys'
      and grantee in ('anon', 'authenticated', 'service_role', 'public')
  ),
  0,
  'No client role holds any privilege on the answer key table'
);

select * from finish();
rollback;
