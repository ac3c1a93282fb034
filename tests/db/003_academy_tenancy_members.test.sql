-- Academy tenancy, part 2: teachers, students, a student of another academy, a user in no
-- academy, anon writing, and the service role. Signup, admins and anon reading are in
-- 002_academy_tenancy.test.sql.

begin;
select plan(39);

-- Two academies: East (admin Ada, teacher Tom, student Sue) and West (admin Will,
-- student Bea); Nell has signed up but belongs to no academy yet.
select from tests.create_supabase_user('ada', 'ada@east-003.example', null, '{"display_name": "Ada Admin"}');
select from tests.create_supabase_user('tom', 'tom@east-003.example', null, '{"display_name": "Tom Teacher"}');
select from tests.create_supabase_user('sue', 'sue@east-003.example', null, '{"display_name": "Sue Student"}');
select from tests.create_supabase_user('will', 'will@west-003.example', null, '{"display_name": "Will Admin"}');
select from tests.create_supabase_user('bea', 'bea@west-003.example', null, '{"display_name": "Bea Student"}');
select from tests.create_supabase_user('nell', 'nell@nowhere-003.example', null, '{"display_name": "Nell Newcomer"}');

insert into public.academies (id, name, slug)
values
  ('00000000-0000-4000-8000-000000000031', 'East Academy', 'east-academy-003'),
  ('00000000-0000-4000-8000-000000000032', 'West Academy', 'west-academy-003');

insert into public.academy_members (academy_id, user_id, role)
values
  ('00000000-0000-4000-8000-000000000031', tests.get_supabase_uid('ada'), 'admin'),
  ('00000000-0000-4000-8000-000000000031', tests.get_supabase_uid('tom'), 'teacher'),
  ('00000000-0000-4000-8000-000000000031', tests.get_supabase_uid('sue'), 'student'),
  ('00000000-0000-4000-8000-000000000032', tests.get_supabase_uid('will'), 'admin'),
  ('00000000-0000-4000-8000-000000000032', tests.get_supabase_uid('bea'), 'student');

-- ==========================================================================================
-- Teacher (Tom, teacher of East)
-- ==========================================================================================

select tests.authenticate_as('tom');

select results_eq(
  $$ select slug from public.academies $$,
  $$ values ('east-academy-003') $$,
  'A teacher reads only the academy they belong to'
);

select results_eq(
  $$ select m.user_id, m.role::text from public.academy_members as m order by m.role $$,
  $$
    values
      (tests.get_supabase_uid('sue'), 'student'),
      (tests.get_supabase_uid('tom'), 'teacher'),
      (tests.get_supabase_uid('ada'), 'admin')
  $$,
  'A teacher reads the membership list of their academy and no other'
);

select results_eq(
  $$ select display_name from public.profiles order by display_name $$,
  $$ values ('Ada Admin'), ('Sue Student'), ('Tom Teacher') $$,
  'A teacher reads the profiles of their own academy''s members and no one else''s'
);

select throws_ok(
  $$
    insert into public.academy_members (academy_id, user_id, role)
    values ('00000000-0000-4000-8000-000000000031', tests.get_supabase_uid('nell'), 'student')
  $$,
  '42501',
  'new row violates row-level security policy for table "academy_members"',
  'A teacher cannot add a member to their academy'
);

select results_eq(
  $$
    with updated as (
      update public.academy_members set role = 'admin'
      where user_id = tests.get_supabase_uid('tom')
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (0) $$,
  'A teacher cannot promote themselves to admin'
);

select results_eq(
  $$
    with updated as (
      update public.academy_members set role = 'teacher'
      where user_id = tests.get_supabase_uid('sue')
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (0) $$,
  'A teacher cannot change the role of a student'
);

select results_eq(
  $$
    with deleted as (
      delete from public.academy_members
      where user_id = tests.get_supabase_uid('sue')
      returning 1
    )
    select count(*)::integer from deleted
  $$,
  $$ values (0) $$,
  'A teacher cannot remove a student from the academy'
);

select results_eq(
  $$
    with updated as (
      update public.academies set name = 'Tom''s Academy'
      where id = '00000000-0000-4000-8000-000000000031'
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (0) $$,
  'A teacher cannot rename their academy'
);

select results_eq(
  $$
    with updated as (
      update public.profiles set specialty = 'Physics'
      where id = tests.get_supabase_uid('tom')
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (1) $$,
  'A teacher edits their own profile'
);

select results_eq(
  $$
    with updated as (
      update public.profiles set display_name = 'Renamed by Tom'
      where id = tests.get_supabase_uid('sue')
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (0) $$,
  'A teacher cannot edit the profile of a student'
);

-- ==========================================================================================
-- Student (Sue, student of East)
-- ==========================================================================================

select tests.act_as_owner();
select tests.authenticate_as('sue');

select results_eq(
  $$ select slug from public.academies $$,
  $$ values ('east-academy-003') $$,
  'A student reads only the academy they belong to'
);

select is(
  (select count(*)::integer from public.academy_members),
  3,
  'A student reads the whole membership list of their academy'
);

select results_eq(
  $$ select display_name from public.profiles order by display_name $$,
  $$ values ('Ada Admin'), ('Sue Student'), ('Tom Teacher') $$,
  'A student reads the profiles of their own academy''s members and no one else''s'
);

select throws_ok(
  $$
    insert into public.academy_members (academy_id, user_id, role)
    values ('00000000-0000-4000-8000-000000000031', tests.get_supabase_uid('nell'), 'student')
  $$,
  '42501',
  'new row violates row-level security policy for table "academy_members"',
  'A student cannot add a member to their academy'
);

select throws_ok(
  $$
    insert into public.academy_members (academy_id, user_id, role)
    values ('00000000-0000-4000-8000-000000000032', tests.get_supabase_uid('sue'), 'student')
  $$,
  '42501',
  'new row violates row-level security policy for table "academy_members"',
  'A student cannot join another academy on their own'
);

select results_eq(
  $$
    with updated as (
      update public.academy_members set role = 'admin'
      where user_id = tests.get_supabase_uid('sue')
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (0) $$,
  'A student cannot promote themselves'
);

select results_eq(
  $$
    with deleted as (
      delete from public.academy_members
      where academy_id = '00000000-0000-4000-8000-000000000031'
      returning 1
    )
    select count(*)::integer from deleted
  $$,
  $$ values (0) $$,
  'A student cannot remove anyone from the academy, themselves included'
);

select results_eq(
  $$
    with updated as (
      update public.academies set name = 'Sue''s Academy'
      where id = '00000000-0000-4000-8000-000000000031'
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (0) $$,
  'A student cannot rename their academy'
);

select results_eq(
  $$
    with updated as (
      update public.profiles set display_name = 'Sue S.', avatar_url = 'https://example.com/sue.png'
      where id = tests.get_supabase_uid('sue')
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (1) $$,
  'A student edits their own profile'
);

select results_eq(
  $$
    with updated as (
      update public.profiles set display_name = 'Renamed by Sue'
      where id = tests.get_supabase_uid('tom')
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (0) $$,
  'A student cannot edit the profile of a teacher'
);

select throws_ok(
  $$ update public.profiles set updated_at = now() - interval '1 day' where id = tests.get_supabase_uid('sue') $$,
  '42501',
  'permission denied for table profiles',
  'A student cannot set when their profile was last updated'
);

-- ==========================================================================================
-- Student of another academy (Bea, student of West)
-- ==========================================================================================

select tests.act_as_owner();
select tests.authenticate_as('bea');

select is(
  (select count(*)::integer from public.academies where id = '00000000-0000-4000-8000-000000000031'),
  0,
  'A student of another academy does not see the academy'
);

select is(
  (select count(*)::integer from public.academy_members where academy_id = '00000000-0000-4000-8000-000000000031'),
  0,
  'A student of another academy sees none of its memberships'
);

select is(
  (
    select count(*)::integer
    from public.profiles
    where id in (tests.get_supabase_uid('ada'), tests.get_supabase_uid('tom'), tests.get_supabase_uid('sue'))
  ),
  0,
  'A student of another academy sees none of its members'' profiles'
);

select throws_ok(
  $$
    insert into public.academy_members (academy_id, user_id, role)
    values ('00000000-0000-4000-8000-000000000031', tests.get_supabase_uid('bea'), 'student')
  $$,
  '42501',
  'new row violates row-level security policy for table "academy_members"',
  'A student of another academy cannot join it'
);

-- ==========================================================================================
-- User in no academy (Nell)
-- ==========================================================================================

select tests.act_as_owner();
select tests.authenticate_as('nell');

select results_eq(
  $$ select id from public.profiles $$,
  $$ values (tests.get_supabase_uid('nell')) $$,
  'A user in no academy reads only their own profile'
);

select is(
  (select count(*)::integer from public.academies),
  0,
  'A user in no academy sees no academy'
);

select throws_ok(
  $$ insert into public.academies (name, slug) values ('Nell''s Academy', 'nell-academy-003') $$,
  '42501',
  'permission denied for table academies',
  'A signed-in user cannot create an academy directly'
);

-- ==========================================================================================
-- Anon
-- ==========================================================================================

select tests.act_as_owner();
select tests.clear_authentication();

select throws_ok(
  $$
    insert into public.academy_members (academy_id, user_id, role)
    values ('00000000-0000-4000-8000-000000000031', tests.get_supabase_uid('nell'), 'admin')
  $$,
  '42501',
  'permission denied for table academy_members',
  'Anon cannot add a member to an academy'
);

select throws_ok(
  $$ update public.profiles set display_name = 'Anonymous' $$,
  '42501',
  'permission denied for table profiles',
  'Anon cannot edit profiles'
);

select throws_ok(
  $$ delete from public.academy_members $$,
  '42501',
  'permission denied for table academy_members',
  'Anon cannot remove members'
);

-- ==========================================================================================
-- Service role
-- ==========================================================================================

select tests.act_as_owner();
select tests.authenticate_as_service_role();

select is(
  (
    select count(*)::integer
    from public.academies
    where id in ('00000000-0000-4000-8000-000000000031', '00000000-0000-4000-8000-000000000032')
  ),
  2,
  'The service role reads every academy'
);

select is(
  (
    select count(*)::integer
    from public.academy_members
    where academy_id in ('00000000-0000-4000-8000-000000000031', '00000000-0000-4000-8000-000000000032')
  ),
  5,
  'The service role reads the memberships of every academy'
);

select is(
  (
    select count(*)::integer
    from public.profiles
    where id in (
      tests.get_supabase_uid('ada'), tests.get_supabase_uid('tom'), tests.get_supabase_uid('sue'),
      tests.get_supabase_uid('will'), tests.get_supabase_uid('bea'), tests.get_supabase_uid('nell')
    )
  ),
  6,
  'The service role reads every profile'
);

select lives_ok(
  $$
    insert into public.academies (id, name, slug)
    values ('00000000-0000-4000-8000-000000000033', 'South Academy', 'south-academy-003')
  $$,
  'The service role creates an academy'
);

select lives_ok(
  $$
    insert into public.academy_members (academy_id, user_id, role)
    values ('00000000-0000-4000-8000-000000000033', tests.get_supabase_uid('nell'), 'admin')
  $$,
  'The service role adds the first admin of an academy'
);

select throws_ok(
  $$
    delete from public.academy_members
    where academy_id = '00000000-0000-4000-8000-000000000033' and user_id = tests.get_supabase_uid('nell')
  $$,
  '23514',
  'Cannot change member: the academy would have no admin left',
  'Even the service role cannot leave an academy without an admin'
);

select lives_ok(
  $$ delete from public.academies where id = '00000000-0000-4000-8000-000000000033' $$,
  'The service role deletes an academy together with its last admin'
);

select is(
  (select count(*)::integer from public.academy_members where academy_id = '00000000-0000-4000-8000-000000000033'),
  0,
  'Deleting an academy removes its memberships'
);

select * from finish();
rollback;
