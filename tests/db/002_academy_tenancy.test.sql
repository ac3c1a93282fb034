-- Academy tenancy, part 1: signup, academy admins, the admin of another academy and anon.
-- Teachers, students, users without an academy and the service role are in
-- 003_academy_tenancy_members.test.sql.

begin;
select plan(36);

-- Two academies: North (admin Alice, teacher Tom, student Sue) and South (admin Bob,
-- student Bea); Nell has signed up but belongs to no academy yet.
select from tests.create_supabase_user('alice', 'alice@north-002.example', null, '{"display_name": "Alice Admin"}');
select from tests.create_supabase_user('tom', 'tom@north-002.example', null, '{"full_name": "Tom Teacher"}');
select from tests.create_supabase_user('sue', 'sue.student@north-002.example');
select from tests.create_supabase_user('bob', 'bob@south-002.example', null, '{"display_name": "Bob Admin"}');
select from tests.create_supabase_user('bea', 'bea@south-002.example', null, '{"display_name": "Bea Student"}');
select from tests.create_supabase_user('nell', 'nell@nowhere-002.example', null, '{"display_name": "Nell Newcomer"}');

insert into public.academies (id, name, slug)
values
  ('00000000-0000-4000-8000-000000000021', 'North Academy', 'north-academy-002'),
  ('00000000-0000-4000-8000-000000000022', 'South Academy', 'south-academy-002');

insert into public.academy_members (academy_id, user_id, role)
values
  ('00000000-0000-4000-8000-000000000021', tests.get_supabase_uid('alice'), 'admin'),
  ('00000000-0000-4000-8000-000000000021', tests.get_supabase_uid('tom'), 'teacher'),
  ('00000000-0000-4000-8000-000000000021', tests.get_supabase_uid('sue'), 'student'),
  ('00000000-0000-4000-8000-000000000022', tests.get_supabase_uid('bob'), 'admin'),
  ('00000000-0000-4000-8000-000000000022', tests.get_supabase_uid('bea'), 'student');

-- ==========================================================================================
-- Signup (as GoTrue inserts into auth.users)
-- ==========================================================================================

select is(
  (
    select count(*)::integer
    from public.profiles
    where id in (
      tests.get_supabase_uid('alice'), tests.get_supabase_uid('tom'), tests.get_supabase_uid('sue'),
      tests.get_supabase_uid('bob'), tests.get_supabase_uid('bea'), tests.get_supabase_uid('nell')
    )
  ),
  6,
  'Signing up creates exactly one profile per user'
);

select is(
  (select display_name from public.profiles where id = tests.get_supabase_uid('alice')),
  'Alice Admin',
  'A new profile takes its display name from the display_name metadata'
);

select is(
  (select display_name from public.profiles where id = tests.get_supabase_uid('tom')),
  'Tom Teacher',
  'A new profile falls back to the full_name metadata for its display name'
);

select is(
  (select display_name from public.profiles where id = tests.get_supabase_uid('sue')),
  'sue.student',
  'A new profile without a name in its metadata is named after the local part of the email'
);

-- ==========================================================================================
-- Academy admin (Alice, admin of North)
-- ==========================================================================================

select tests.authenticate_as('alice');

select results_eq(
  $$ select slug from public.academies $$,
  $$ values ('north-academy-002') $$,
  'An admin reads only the academy they belong to'
);

select results_eq(
  $$ select m.user_id, m.role::text from public.academy_members as m order by m.role $$,
  $$
    values
      (tests.get_supabase_uid('sue'), 'student'),
      (tests.get_supabase_uid('tom'), 'teacher'),
      (tests.get_supabase_uid('alice'), 'admin')
  $$,
  'An admin reads the membership list of their academy and no other'
);

select results_eq(
  $$ select display_name from public.profiles order by display_name $$,
  $$ values ('Alice Admin'), ('Tom Teacher'), ('sue.student') $$,
  'An admin reads the profiles of their own academy''s members and no one else''s'
);

select lives_ok(
  $$
    insert into public.academy_members (academy_id, user_id, role)
    values ('00000000-0000-4000-8000-000000000021', tests.get_supabase_uid('nell'), 'student')
  $$,
  'An admin adds a member to their academy'
);

select results_eq(
  $$
    with updated as (
      update public.academy_members set role = 'teacher'
      where academy_id = '00000000-0000-4000-8000-000000000021' and user_id = tests.get_supabase_uid('nell')
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (1) $$,
  'An admin changes the role of a member of their academy'
);

select results_eq(
  $$
    with deleted as (
      delete from public.academy_members
      where academy_id = '00000000-0000-4000-8000-000000000021' and user_id = tests.get_supabase_uid('nell')
      returning 1
    )
    select count(*)::integer from deleted
  $$,
  $$ values (1) $$,
  'An admin removes a member from their academy'
);

select throws_ok(
  $$
    insert into public.academy_members (academy_id, user_id, role)
    values ('00000000-0000-4000-8000-000000000022', tests.get_supabase_uid('nell'), 'student')
  $$,
  '42501',
  'new row violates row-level security policy for table "academy_members"',
  'An admin cannot add a member to another academy'
);

select results_eq(
  $$
    with updated as (
      update public.academy_members set role = 'admin'
      where academy_id = '00000000-0000-4000-8000-000000000022'
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (0) $$,
  'An admin cannot change roles in another academy'
);

select results_eq(
  $$
    with deleted as (
      delete from public.academy_members
      where academy_id = '00000000-0000-4000-8000-000000000022'
      returning 1
    )
    select count(*)::integer from deleted
  $$,
  $$ values (0) $$,
  'An admin cannot remove members of another academy'
);

select throws_ok(
  $$
    update public.academy_members set academy_id = '00000000-0000-4000-8000-000000000022'
    where user_id = tests.get_supabase_uid('sue')
  $$,
  '42501',
  'permission denied for table academy_members',
  'An admin cannot move a member to another academy'
);

select results_eq(
  $$
    with updated as (
      update public.academies set name = 'North Academy of Music'
      where id = '00000000-0000-4000-8000-000000000021'
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (1) $$,
  'An admin renames their academy'
);

select results_eq(
  $$
    with updated as (
      update public.academies set name = 'Taken Over'
      where id = '00000000-0000-4000-8000-000000000022'
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (0) $$,
  'An admin cannot rename another academy'
);

select throws_ok(
  $$ update public.academies set slug = 'north-renamed' where id = '00000000-0000-4000-8000-000000000021' $$,
  '42501',
  'permission denied for table academies',
  'An admin cannot change the slug of their academy'
);

select results_eq(
  $$
    with updated as (
      update public.profiles set display_name = 'Alice A.', specialty = 'Mathematics'
      where id = tests.get_supabase_uid('alice')
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (1) $$,
  'A user edits their own profile'
);

select results_eq(
  $$
    with updated as (
      update public.profiles set display_name = 'Renamed by Alice'
      where id = tests.get_supabase_uid('tom')
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (0) $$,
  'Even an admin cannot edit the profile of a member of their academy'
);

select throws_ok(
  $$ update public.profiles set id = gen_random_uuid() where id = tests.get_supabase_uid('alice') $$,
  '42501',
  'permission denied for table profiles',
  'A user cannot change the id of their profile'
);

select throws_ok(
  $$ update public.profiles set created_at = now() - interval '1 year' where id = tests.get_supabase_uid('alice') $$,
  '42501',
  'permission denied for table profiles',
  'A user cannot change when their profile was created'
);

select throws_ok(
  $$
    delete from public.academy_members
    where academy_id = '00000000-0000-4000-8000-000000000021' and user_id = tests.get_supabase_uid('alice')
  $$,
  '23514',
  'Cannot change member: the academy would have no admin left',
  'The last admin cannot remove themselves from the academy'
);

select throws_ok(
  $$
    update public.academy_members set role = 'teacher'
    where academy_id = '00000000-0000-4000-8000-000000000021' and user_id = tests.get_supabase_uid('alice')
  $$,
  '23514',
  'Cannot change member: the academy would have no admin left',
  'The last admin cannot demote themselves'
);

select results_eq(
  $$
    with updated as (
      update public.academy_members set role = 'admin'
      where academy_id = '00000000-0000-4000-8000-000000000021' and user_id = tests.get_supabase_uid('tom')
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (1) $$,
  'An admin promotes a teacher of their academy to admin'
);

select results_eq(
  $$
    with updated as (
      update public.academy_members set role = 'teacher'
      where academy_id = '00000000-0000-4000-8000-000000000021' and user_id = tests.get_supabase_uid('alice')
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (1) $$,
  'An admin steps down once another admin remains'
);

-- ==========================================================================================
-- Admin of another academy (Bob, admin of South)
-- ==========================================================================================

select tests.act_as_owner();
select tests.authenticate_as('bob');

select results_eq(
  $$ select slug from public.academies $$,
  $$ values ('south-academy-002') $$,
  'An admin of another academy reads only their own academy'
);

select is(
  (select count(*)::integer from public.academy_members where academy_id = '00000000-0000-4000-8000-000000000021'),
  0,
  'An admin of another academy sees none of its memberships'
);

select is(
  (
    select count(*)::integer
    from public.profiles
    where id in (tests.get_supabase_uid('alice'), tests.get_supabase_uid('tom'), tests.get_supabase_uid('sue'))
  ),
  0,
  'An admin of another academy sees none of its members'' profiles'
);

select throws_ok(
  $$
    insert into public.academy_members (academy_id, user_id, role)
    values ('00000000-0000-4000-8000-000000000021', tests.get_supabase_uid('bob'), 'admin')
  $$,
  '42501',
  'new row violates row-level security policy for table "academy_members"',
  'An admin of another academy cannot make themselves its admin'
);

select results_eq(
  $$
    with updated as (
      update public.academy_members set role = 'admin'
      where academy_id = '00000000-0000-4000-8000-000000000021'
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (0) $$,
  'An admin of another academy cannot change its roles'
);

select results_eq(
  $$
    with deleted as (
      delete from public.academy_members
      where academy_id = '00000000-0000-4000-8000-000000000021'
      returning 1
    )
    select count(*)::integer from deleted
  $$,
  $$ values (0) $$,
  'An admin of another academy cannot remove its members'
);

select results_eq(
  $$
    with updated as (
      update public.academies set name = 'Taken Over'
      where id = '00000000-0000-4000-8000-000000000021'
      returning 1
    )
    select count(*)::integer from updated
  $$,
  $$ values (0) $$,
  'An admin of another academy cannot rename it'
);

-- ==========================================================================================
-- Anon
-- ==========================================================================================

select tests.act_as_owner();
select tests.clear_authentication();

select throws_ok(
  $$ select * from public.academies $$,
  '42501',
  'permission denied for table academies',
  'Anon cannot read academies'
);

select throws_ok(
  $$ select * from public.academy_members $$,
  '42501',
  'permission denied for table academy_members',
  'Anon cannot read academy memberships'
);

select throws_ok(
  $$ select * from public.profiles $$,
  '42501',
  'permission denied for table profiles',
  'Anon cannot read profiles'
);

-- ==========================================================================================
-- Row level security
-- ==========================================================================================

select tests.act_as_owner();

select tests.rls_enabled('public');

select * from finish();
rollback;
