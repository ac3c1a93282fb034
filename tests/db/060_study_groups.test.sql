-- Public study groups by actor: the owner who creates one, a moderator, a member, a student
-- of the academy outside the group, an ex-member (left the group), a member who left the
-- academy, a teacher, an admin, a student and a teacher of another academy, and anon.
-- Tables, create / join / leave / remove / roles, the room that follows the group, the
-- group:<id> topic, the member limit, ownership handed on, and the archive.

begin;
select plan(42);

-- East: admin Ada, teacher Tom; students Sue (owner), Mia, Exa, Mo, Lea, Ned. West: teacher
-- Will, student Wes.
select tests.create_academies('060');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom');
select tests.add_members('east', 'student', 'sue', 'mia', 'exa', 'mo', 'lea', 'ned');
select tests.add_members('west', 'teacher', 'will');
select tests.add_members('west', 'student', 'wes');

-- Test-local helper: how many rows of the group in test.group the caller reads: the group,
-- its member rows, its room, and the group topic's outbox events.
create function pg_temp.rows_read() returns integer[]
language sql
set search_path = ''
as $$
  select array[
    (select count(*)::integer from public.study_groups as g where g.id = current_setting('test.group')::uuid),
    (select count(*)::integer from public.study_group_members as m where m.group_id = current_setting('test.group')::uuid),
    (select count(*)::integer from public.chat_rooms as r where r.study_group_id = current_setting('test.group')::uuid),
    (select count(*)::integer from public.outbox_events as o where o.topic = 'group:' || current_setting('test.group'))];
$$;
grant execute on function pg_temp.rows_read() to anon, authenticated;

select tests.rls_enabled('public', 'study_groups');
select tests.rls_enabled('public', 'study_group_members');
select tests.rls_enabled('public', 'study_group_requests');

-- ==========================================================================================
-- Owner (Sue)
-- ==========================================================================================

select tests.authenticate_as('sue');
select from set_config('test.group', (select g.id::text from public.create_study_group(
  '10000000-0000-4000-8000-000000000001', '  Cardio crew ', 'Heart and lungs', 'Cardio') as g), true);
select from set_config('test.room', (select r.id::text from public.chat_rooms as r
  where r.study_group_id = current_setting('test.group')::uuid), true);

select is(
  (select concat_ws(' ', g.name, g.specialty, g.is_public, g.member_limit, g.owner_id = auth.uid(), g.archived_at is null)
   from public.study_groups as g where g.id = current_setting('test.group')::uuid),
  'Cardio crew Cardio t 10 t t',
  'A student creates a public group of ten by default, trimmed, and owns it'
);

select is(
  (select concat_ws(' ', r.kind, r.title, m.role) from public.chat_rooms as r
   join public.chat_room_members as m on m.room_id = r.id and m.user_id = auth.uid()
   where r.id = current_setting('test.room')::uuid),
  'study_group Cardio crew moderator',
  'A study_group room comes with the group and its owner moderates it'
);

select is(
  array[tests.error_of($$ select public.create_study_group('10000000-0000-4000-8000-000000000001', 'Tiny', '', null, true, 1) $$),
    tests.error_of($$ select public.create_study_group('10000000-0000-4000-8000-000000000001', 'Huge', '', null, true, 501) $$),
    tests.error_of($$ select public.create_study_group('10000000-0000-4000-8000-000000000001', '   ') $$)],
  array['22023 invalid_member_limit', '22023 invalid_member_limit', '22023 invalid_name'],
  'A member limit outside 2 to 500 and a blank name are refused'
);

select is(
  tests.error_of($$ select public.create_study_group('10000000-0000-4000-8000-000000000002', 'Elsewhere') $$),
  'PGRST academy_not_found',
  'Nobody creates a group in an academy they do not belong to (404)'
);

-- Mia, Exa, Mo and Lea join in that order; Exa leaves again; Sue makes Mo a moderator.
select tests.authenticate_as('mia');
select from public.join_study_group(current_setting('test.group')::uuid);
select tests.authenticate_as('exa');
select from public.join_study_group(current_setting('test.group')::uuid);
select tests.authenticate_as('mo');
select from public.join_study_group(current_setting('test.group')::uuid);
select tests.authenticate_as('lea');
select from public.join_study_group(current_setting('test.group')::uuid);
select tests.authenticate_as('exa');
select from public.leave_study_group(current_setting('test.group')::uuid);
select tests.authenticate_as('sue');

select is(
  (select m.role::text from public.set_study_group_role(current_setting('test.group')::uuid, tests.get_supabase_uid('mo'), 'moderator') as m),
  'moderator',
  'The owner makes a member a moderator'
);

select is(
  (select m.role::text from public.chat_room_members as m
   where m.room_id = current_setting('test.room')::uuid and m.user_id = tests.get_supabase_uid('mo')),
  'moderator',
  'A moderator of the group moderates its room'
);

-- ==========================================================================================
-- Moderator (Mo)
-- ==========================================================================================

select tests.authenticate_as('mo');

select is(pg_temp.rows_read(), array[1, 5, 1, 7],
  'A moderator reads the group, every member row (who left too), the room and the group''s events');

select is(
  tests.error_of($$ select public.set_study_group_role(current_setting('test.group')::uuid, tests.get_supabase_uid('mia'), 'moderator') $$),
  'PGRST owner_or_staff_required',
  'A moderator cannot make moderators (403)'
);

-- ==========================================================================================
-- Member (Mia)
-- ==========================================================================================

select tests.authenticate_as('mia');

select is(pg_temp.rows_read(), array[1, 4, 1, 7],
  'A member reads the group, its current members, the room and the group''s events');

select is(
  tests.error_of($$ select public.remove_study_group_member(current_setting('test.group')::uuid, tests.get_supabase_uid('mo')) $$),
  'PGRST moderator_required',
  'A member cannot remove members (403)'
);

select is(
  array[tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, 'Hi crew', gen_random_uuid()) $$),
    tests.error_of($$ select public.leave_room(current_setting('test.room')::uuid) $$),
    tests.error_of($$ select public.add_room_members(current_setting('test.room')::uuid, array[tests.get_supabase_uid('ned')]) $$)],
  array['no error', 'PGRST room_membership_managed', 'PGRST room_membership_managed'],
  'A member posts in the room, whose membership follows the group (409 to leave or add there)'
);

select is(private.can_read_topic('group:' || current_setting('test.group')), true, 'A member may read the group topic');

-- ==========================================================================================
-- Student of the academy outside the group (Ned)
-- ==========================================================================================

select tests.authenticate_as('ned');

select is(pg_temp.rows_read(), array[1, 0, 0, 0],
  'A student outside the group reads the group itself only: no members, room or events');

select is(
  (select concat_ws(' ', s.member_count, s.my_role is null, s.can_join, s.can_request, s.can_moderate, s.room_id is not null)
   from public.list_study_groups() as s where s.group_id = current_setting('test.group')::uuid),
  '4 t t f f t',
  'The list gives a student outside the group its member count and that she can join'
);

select is(private.can_read_topic('group:' || current_setting('test.group')), false, 'A student outside the group may not read its topic');

-- ==========================================================================================
-- Ex-member (Exa, who left the group)
-- ==========================================================================================

select tests.authenticate_as('exa');

select is(pg_temp.rows_read() || array[(select count(*)::integer from public.chat_messages as m
    where m.room_id = current_setting('test.room')::uuid)],
  array[1, 0, 0, 0, 0],
  'An ex-member reads nothing of the group any more but the group itself: no members, room, messages or events');

select is(private.can_read_topic('group:' || current_setting('test.group')), false, 'An ex-member may not read the group topic');

-- ==========================================================================================
-- Member who left the academy (Lea)
-- ==========================================================================================

select tests.act_as_owner();
delete from public.academy_members where user_id = tests.get_supabase_uid('lea');
select tests.authenticate_as('lea');

select is(pg_temp.rows_read(), array[0, 0, 0, 0],
  'A member who left the academy reads nothing of the group, whatever rows still name her');

select is(
  tests.error_of($$ select public.leave_study_group(current_setting('test.group')::uuid) $$),
  'PGRST group_not_found',
  'A member who left the academy has no rights in the group (404)'
);

select tests.authenticate_as('ned');

select is(
  (select s.member_count from public.list_study_groups() as s where s.group_id = current_setting('test.group')::uuid),
  3,
  'A member who left the academy no longer counts as a member'
);

-- ==========================================================================================
-- Teacher of the academy (Tom)
-- ==========================================================================================

select tests.authenticate_as('tom');

select is(
  (select concat_ws(' ', s.can_moderate, s.can_join, s.my_role is null)
   from public.list_study_groups() as s where s.group_id = current_setting('test.group')::uuid)
  || ' ' || (select r.is_moderator::text from public.get_my_rooms() as r where r.room_id = current_setting('test.room')::uuid),
  't f t true',
  'A teacher moderates every group of the academy and its room without joining'
);

select is(pg_temp.rows_read(), array[1, 5, 1, 7],
  'A teacher reads the group, every member row, the room and the events');

select is(
  (select m.left_at is not null from public.remove_study_group_member(current_setting('test.group')::uuid, tests.get_supabase_uid('mia')) as m),
  true,
  'A teacher removes a member'
);

-- ==========================================================================================
-- Admin of the academy (Ada)
-- ==========================================================================================

select tests.authenticate_as('ada');

select is(
  (select m.role::text from public.set_study_group_role(current_setting('test.group')::uuid, tests.get_supabase_uid('mo'), 'member') as m)
  || ' ' || private.can_read_topic('group:' || current_setting('test.group'))::text,
  'member true',
  'An admin changes roles in any group and reads its topic'
);

select tests.authenticate_as('mo');
select from public.leave_study_group(current_setting('test.group')::uuid);
select tests.authenticate_as('mia');
select from public.join_study_group(current_setting('test.group')::uuid);
select tests.authenticate_as('mo');
select from public.join_study_group(current_setting('test.group')::uuid);
select tests.authenticate_as('ada');
select from public.set_study_group_role(current_setting('test.group')::uuid, tests.get_supabase_uid('mo'), 'moderator');

-- ==========================================================================================
-- Another academy (Wes, Will) and anon
-- ==========================================================================================

select tests.authenticate_as('wes');

select is(
  array[pg_temp.rows_read()::text, (select count(*) from public.list_study_groups())::text,
    tests.error_of($$ select public.join_study_group(current_setting('test.group')::uuid) $$)],
  array['{0,0,0,0}', '0', 'PGRST group_not_found'],
  'A student of another academy sees no group of East and cannot join one (404)'
);

select tests.authenticate_as('will');

select is(
  array[tests.error_of($$ select public.remove_study_group_member(current_setting('test.group')::uuid, tests.get_supabase_uid('mia')) $$),
    private.can_read_topic('group:' || current_setting('test.group'))::text],
  array['PGRST group_not_found', 'false'],
  'A teacher of another academy neither moderates East''s groups nor reads their topics'
);

select tests.clear_authentication();

select throws_ok($$ select count(*) from public.study_groups $$, '42501', null, 'Anon cannot read study groups');
select throws_ok($$ select public.join_study_group(current_setting('test.group')::uuid) $$, '42501', null,
  'Anon cannot join a study group');

-- ==========================================================================================
-- Events, ownership handed on, the archive
-- ==========================================================================================

select tests.act_as_owner();

select is(
  (select array_agg(o.event || ':' || (o.payload ->> 'member_count') order by o.id) from public.outbox_events as o
   where o.topic = 'room:' || current_setting('test.room') and o.event like 'study_group_%' and o.payload ->> 'user_id' = tests.get_supabase_uid('mia')::text),
  array['study_group_member_joined:2', 'study_group_member_left:2', 'study_group_member_joined:2'],
  'The room hears study_group_member_joined and _left with the member count'
);

-- Now: Sue (owner, since the start), Mia (member, rejoined), Mo (moderator, rejoined last).
select tests.authenticate_as('sue');
select from public.leave_study_group(current_setting('test.group')::uuid);
select tests.act_as_owner();

select is(
  (select g.owner_id from public.study_groups as g where g.id = current_setting('test.group')::uuid),
  tests.get_supabase_uid('mo'),
  'The owner''s leaving hands the group to the longest-standing moderator, before an older member'
);

select is(
  (select o.payload ->> 'owner_id' from public.outbox_events as o
   where o.topic = 'group:' || current_setting('test.group') and o.event = 'study_group_member_left'
   order by o.id desc limit 1),
  tests.get_supabase_uid('mo')::text,
  'study_group_member_left names the new owner'
);

select tests.authenticate_as('mo');
select from public.leave_study_group(current_setting('test.group')::uuid);
select tests.act_as_owner();

select is(
  (select m.role::text from public.study_group_members as m
   where m.group_id = current_setting('test.group')::uuid and m.user_id = tests.get_supabase_uid('mia'))
  || ' ' || (select m.role::text from public.chat_room_members as m
   where m.room_id = current_setting('test.room')::uuid and m.user_id = tests.get_supabase_uid('mia')),
  'owner moderator',
  'Without a moderator the longest-standing member owns the group and moderates its room'
);

select tests.authenticate_as('mia');
select from public.leave_study_group(current_setting('test.group')::uuid);
select tests.act_as_owner();

select is(
  (select concat_ws(' ', g.archived_at is not null, g.owner_id is null) from public.study_groups as g
   where g.id = current_setting('test.group')::uuid)
  || ' ' || (select o.payload ->> 'reason' from public.outbox_events as o
   where o.topic = 'group:' || current_setting('test.group') and o.event = 'study_group_deleted'),
  't t last_member_left',
  'The last member''s leaving archives the group with study_group_deleted'
);

select tests.authenticate_as('tom');

select is(
  tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, 'Anyone?', gen_random_uuid()) $$),
  'PGRST room_read_only',
  'An archived group''s room is read-only, for teachers too'
);

select is(pg_temp.rows_read()::text, '{1,5,1,17}', 'A teacher still reads the archived group and its history');

select tests.authenticate_as('ned');

select is(
  array[pg_temp.rows_read()::text, tests.error_of($$ select public.join_study_group(current_setting('test.group')::uuid) $$)],
  array['{0,0,0,0}', 'PGRST group_not_found'],
  'Students no longer see an archived group or join it'
);

-- ==========================================================================================
-- The member limit, and the list
-- ==========================================================================================

select tests.authenticate_as('ned');
select from set_config('test.pair', (select g.id::text from public.create_study_group(
  '10000000-0000-4000-8000-000000000001', 'Neuro pair', 'Two of us revise synapses', 'neuro', true, 2) as g), true);
select tests.authenticate_as('mia');
select from public.join_study_group(current_setting('test.pair')::uuid);
select tests.authenticate_as('exa');

select is(
  array[tests.error_of($$ select public.join_study_group(current_setting('test.pair')::uuid) $$),
    (select s.can_join::text from public.list_study_groups() as s where s.group_id = current_setting('test.pair')::uuid)],
  array['PGRST group_full', 'false'],
  'A full group refuses one more member (409 group_full) and the list says she cannot join'
);

select tests.authenticate_as('mia');

select is(
  (select array_agg(s.name || ':' || s.member_count order by s.name) from public.list_study_groups(null, 'NEURO', 'synapses') as s),
  array['Neuro pair:2'],
  'The list filters by specialty in any case and searches names and descriptions'
);

select is(
  array[(select count(*)::integer from public.list_study_groups(null, 'cardio')),
    (select count(*)::integer from public.list_study_groups(null, null, 'nothing like it'))],
  array[0, 0],
  'No group matches another specialty or an unmatched search (the archived one is hidden)'
);

select * from finish();
rollback;
