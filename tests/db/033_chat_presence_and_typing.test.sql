-- Online status and typing, by actor: a member of a mentor room, the teacher she chats
-- with, a student of the academy outside the room, a student of another academy, an
-- ex-member and anon; the expiry job as the owner. Typing stores nothing: it is a
-- notification, throttled to one per user per room per 2 s.

begin;
select plan(19);

-- East: teacher Tom, students Sue and Sam. West: student Bea.
select tests.create_academies('033');
select tests.add_members('east', 'teacher', 'tom');
select tests.add_members('east', 'student', 'sue', 'sam');
select tests.add_members('west', 'student', 'bea');

select tests.rls_enabled('public', 'user_presence');

select tests.authenticate_as('sue');
select from set_config('test.room', (select r.id::text from public.open_mentor_room(
  '10000000-0000-4000-8000-000000000001', tests.get_supabase_uid('tom')) as r), true);

-- ==========================================================================================
-- Member (Sue)
-- ==========================================================================================

select is(
  (select p.status::text from public.update_presence() as p),
  'online',
  'A heartbeat makes a member online'
);

select is(
  (select o.payload ->> 'status' from public.outbox_events as o
   where o.topic = 'room:' || current_setting('test.room') and o.event = 'user_status_changed'),
  'online',
  'Her rooms hear user_status_changed online'
);

select lives_ok($$ select public.update_presence('online') $$, 'A second heartbeat is accepted');

select is(
  (select count(*)::integer from public.outbox_events as o where o.event = 'user_status_changed'),
  1,
  'A heartbeat that changes nothing tells no room'
);

select is(
  (select p.status::text from public.update_presence('away') as p),
  'away',
  'A member sets herself away'
);

select is(
  (select count(*)::integer from public.outbox_events as o where o.event = 'user_status_changed'),
  2,
  'Going away tells her rooms'
);

select is(
  array[public.send_typing(current_setting('test.room')::uuid), public.send_typing(current_setting('test.room')::uuid)],
  array[true, false],
  'A typing signal goes out, and a second one within 2 s is dropped'
);

select is(
  (select count(*)::integer from public.outbox_events as o where o.event = 'typing')
    + (select count(*)::integer from realtime.messages as m where m.event = 'typing')
    + (select count(*)::integer from public.chat_messages),
  0,
  'Typing is stored nowhere: no outbox event, Realtime message nor chat message'
);

-- ==========================================================================================
-- Teacher she chats with (Tom)
-- ==========================================================================================

select tests.authenticate_as('tom');

select is(
  (select m.status::text from public.get_room_members(current_setting('test.room')::uuid) as m
   where m.user_id = tests.get_supabase_uid('sue')),
  'away',
  'The teacher sees the student away among the room''s members'
);

select is(
  (select m.status::text from public.get_room_members(current_setting('test.room')::uuid) as m
   where m.user_id = tests.get_supabase_uid('tom')),
  'offline',
  'A member who never sent a heartbeat is offline'
);

select tests.act_as_owner();
update public.user_presence set last_seen_at = now() - interval '61 seconds' where user_id = tests.get_supabase_uid('sue');
select tests.authenticate_as('tom');

select is(
  (select m.status::text from public.get_room_members(current_setting('test.room')::uuid) as m
   where m.user_id = tests.get_supabase_uid('sue')),
  'offline',
  'A member not seen for 60 s reads as offline at once'
);

-- ==========================================================================================
-- The expiry job (owner)
-- ==========================================================================================

select tests.act_as_owner();

select is(private.expire_presence(), 1, 'The expiry job turns the stale member offline');

select is(
  (select o.payload ->> 'status' from public.outbox_events as o where o.event = 'user_status_changed' order by o.id desc limit 1),
  'offline',
  'Her rooms hear that she went offline'
);

-- ==========================================================================================
-- Student of the academy outside the room (Sam)
-- ==========================================================================================

select tests.authenticate_as('sam');

select is(
  array[tests.error_of($$ select public.send_typing(current_setting('test.room')::uuid) $$),
    tests.error_of($$ select public.get_room_members(current_setting('test.room')::uuid) $$)],
  array['PGRST room_not_found', 'PGRST room_not_found'],
  'A student outside the room neither types in it nor lists its members (404)'
);

select is(
  (select count(*)::integer from public.user_presence as p where p.user_id = tests.get_supabase_uid('sue')),
  1,
  'A fellow member of the academy reads a user''s status'
);

-- ==========================================================================================
-- Student of another academy (Bea)
-- ==========================================================================================

select tests.authenticate_as('bea');

select is((select count(*)::integer from public.user_presence), 0, 'A student of another academy reads no one''s status');

-- ==========================================================================================
-- Ex-member (Sue, after leaving the academy) and anon
-- ==========================================================================================

select tests.act_as_owner();
delete from public.academy_members
where academy_id = '10000000-0000-4000-8000-000000000001' and user_id = tests.get_supabase_uid('sue');
select tests.authenticate_as('sue');

select is(
  tests.error_of($$ select public.send_typing(current_setting('test.room')::uuid) $$),
  'PGRST room_not_found',
  'A student who left the academy cannot type in her old room (404)'
);

select tests.clear_authentication();

select is(
  array[tests.error_of($$ select public.update_presence() $$),
    tests.error_of($$ select public.send_typing(current_setting('test.room')::uuid) $$),
    tests.error_of($$ select count(*) from public.user_presence $$)],
  array['42501', '42501', '42501'],
  'Anon sends no heartbeat, types nowhere and reads no status'
);

select * from finish();
rollback;
