-- Academy rooms, study group rooms, attachments in Storage and the send rate limit, by
-- actor: the admin who creates an academy room, a teacher, students, a study group's
-- moderator and members, a student of another academy, an ex-member and anon.

begin;
select plan(30);

-- East: admin Ada, teacher Tom, students Sue, Sam and Kim. West: student Bea.
select tests.create_academies('032');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom');
select tests.add_members('east', 'student', 'sue', 'sam', 'kim');
select tests.add_members('west', 'student', 'bea');

-- Test-local helper: uploads an object to the chat bucket as the caller, as the Storage
-- API does (an insert under the caller's role and RLS, owner_id from the JWT).
create function pg_temp.upload(p_name text) returns text
language sql
set search_path = ''
as $$
  select tests.error_of(pg_catalog.format(
    'insert into storage.objects (bucket_id, name, owner, owner_id, metadata) values (%L, %L, %L, %L, %L)',
    'chat-attachments', p_name, (select auth.uid()), (select auth.uid())::text, '{"size": 1024, "mimetype": "image/png"}'));
$$;
grant execute on function pg_temp.upload(text) to anon, authenticated;

-- Test-local helper: whether the caller reads the object.
create function pg_temp.can_download(p_name text) returns boolean
language sql
set search_path = ''
as $$
  select exists (select 1 from storage.objects as o where o.bucket_id = 'chat-attachments' and o.name = p_name);
$$;
grant execute on function pg_temp.can_download(text) to anon, authenticated;

select ok(
  (select not b.public and b.file_size_limit = 26214400 from storage.buckets as b where b.id = 'chat-attachments'),
  'The chat-attachments bucket is private and takes files up to 25 MB'
);

-- ==========================================================================================
-- Admin (Ada): creates an academy room
-- ==========================================================================================

select tests.authenticate_as('ada');
select from set_config('test.room', (select r.id::text from public.create_academy_room(
  '10000000-0000-4000-8000-000000000001', 'Announcements') as r), true);

select is(
  tests.error_of($$ select public.create_academy_room('10000000-0000-4000-8000-000000000002', 'Not mine') $$),
  'PGRST admin_required',
  'An admin cannot create a room in an academy she does not administer (403)'
);

select is(
  tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, 'Welcome back', gen_random_uuid()) $$),
  'no error',
  'The admin posts in the academy room'
);

select is(
  tests.error_of($$ select public.leave_room(current_setting('test.room')::uuid) $$),
  'PGRST room_membership_managed',
  'Nobody leaves an academy room: it follows the academy (409)'
);

-- ==========================================================================================
-- Teacher (Tom)
-- ==========================================================================================

select tests.authenticate_as('tom');

select is(
  tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, 'Exams on Friday', gen_random_uuid()) $$),
  'no error',
  'A teacher posts in the academy room'
);

select is(
  tests.error_of($$ select public.delete_message((select min(m.id) from public.chat_messages as m)) $$),
  'PGRST not_message_author',
  'A teacher does not moderate the academy room: he cannot delete the admin''s message (403)'
);

-- ==========================================================================================
-- Student (Sue)
-- ==========================================================================================

select tests.authenticate_as('sue');

select is(
  (select r.unread_count::text || ' ' || r.can_post from public.get_my_rooms() as r where r.room_id = current_setting('test.room')::uuid),
  '2 false',
  'Every student of the academy has the academy room with its two messages unread, and may not post'
);

select is(
  tests.error_of($$ select public.send_message(current_setting('test.room')::uuid, 'Can I post?', gen_random_uuid()) $$),
  'PGRST room_read_only',
  'A student cannot post in the academy room (403)'
);

select is(
  (select m.role::text || ' ' || m.last_read_message_id from public.mark_room_read(current_setting('test.room')::uuid,
    (select max(m.id) from public.chat_messages as m)) as m),
  'member ' || (select max(m.id) from public.chat_messages as m),
  'Marking the academy room read gives the student her member row and pointer'
);

select is(
  (select r.unread_count from public.get_my_rooms() as r where r.room_id = current_setting('test.room')::uuid),
  0,
  'After marking read, nothing is unread'
);

select is(
  (select m.event from public.outbox_events as m where m.topic = 'room:' || current_setting('test.room') order by m.id desc limit 1),
  'message_read',
  'Members hear the student''s read receipt'
);

-- ==========================================================================================
-- Study group room: moderator (Sam), member (Sue), not a member (Kim)
-- ==========================================================================================

select tests.act_as_owner();
insert into public.chat_rooms (id, academy_id, kind, title, created_by)
values ('60000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'study_group', 'Biology group',
  tests.get_supabase_uid('sam'));
insert into public.chat_room_members (room_id, user_id, role)
values ('60000000-0000-4000-8000-000000000001', tests.get_supabase_uid('sam'), 'moderator');
select from set_config('test.group', '60000000-0000-4000-8000-000000000001', true);

select tests.authenticate_as('sam');

select is(
  (select array_agg(m.role::text) from public.add_room_members(current_setting('test.group')::uuid,
    array[tests.get_supabase_uid('sue')]) as m),
  array['member'],
  'A study group''s moderator adds a student of the academy as a member'
);

select is(
  tests.error_of($$ select public.add_room_members(current_setting('test.group')::uuid, array[tests.get_supabase_uid('bea')]) $$),
  'PGRST member_not_found',
  'A study group''s moderator cannot add a student of another academy (404)'
);

select tests.authenticate_as('sue');

select is(
  tests.error_of($$ select public.add_room_members(current_setting('test.group')::uuid, array[tests.get_supabase_uid('kim')]) $$),
  'PGRST moderator_required',
  'A member of the study group cannot add members (403)'
);

select is(
  tests.error_of($$ select public.send_message(current_setting('test.group')::uuid, 'Hi group', gen_random_uuid()) $$),
  'no error',
  'A member of the study group posts in it'
);

select tests.authenticate_as('kim');

select is(
  (select count(*)::integer from public.chat_messages as m where m.room_id = current_setting('test.group')::uuid),
  0,
  'A student of the academy outside the study group reads none of its messages'
);

select tests.authenticate_as('sam');

select is(
  (select m.left_at is not null from public.remove_room_member(current_setting('test.group')::uuid, tests.get_supabase_uid('sue')) as m),
  true,
  'The study group''s moderator removes a member'
);

select tests.authenticate_as('sue');

select is(
  (select count(*)::integer from public.chat_messages as m where m.room_id = current_setting('test.group')::uuid),
  0,
  'A removed member reads nothing of the study group any more'
);

-- ==========================================================================================
-- Attachments: a member who posts (Sam in the group), a member who reads (Kim added),
-- a student outside (Sue, removed), another academy (Bea)
-- ==========================================================================================

select tests.authenticate_as('sam');
select from public.add_room_members(current_setting('test.group')::uuid, array[tests.get_supabase_uid('kim')]);
select from set_config('test.file', 'rooms/' || current_setting('test.group') || '/' || tests.get_supabase_uid('sam') || '/cells.png', true);

select is(
  array[pg_temp.upload(current_setting('test.file')),
    pg_temp.upload('rooms/' || current_setting('test.group') || '/' || tests.get_supabase_uid('kim') || '/forged.png'),
    pg_temp.upload('rooms/' || current_setting('test.room') || '/' || tests.get_supabase_uid('sam') || '/notice.png')],
  array['no error', '42501', '42501'],
  'A member uploads under rooms/<room>/<her own id>/ only, and only in rooms where she may post'
);

select is(
  tests.error_of($$ select public.send_message(current_setting('test.group')::uuid, 'See the picture', gen_random_uuid(), null,
    row(current_setting('test.file'), 'cells.png', 26214401, 'image/png')::public.chat_attachment) $$),
  '22023 attachment_too_large',
  'An attachment over 25 MB is refused'
);

select is(
  array[tests.error_of($$ select public.send_message(current_setting('test.group')::uuid, 'Missing', gen_random_uuid(), null,
      row('rooms/' || current_setting('test.group') || '/' || tests.get_supabase_uid('sam') || '/none.png', 'none.png', 10, 'image/png')::public.chat_attachment) $$),
    tests.error_of($$ select public.send_message(current_setting('test.group')::uuid, 'Elsewhere', gen_random_uuid(), null,
      row('rooms/' || current_setting('test.room') || '/' || tests.get_supabase_uid('sam') || '/x.png', 'x.png', 10, 'image/png')::public.chat_attachment) $$)],
  array['PGRST attachment_not_found', '22023 invalid_attachment'],
  'An attachment must be uploaded first, under the room''s own folder'
);

select is(
  (select m.attachment_path || ' ' || m.attachment_size from public.send_message(current_setting('test.group')::uuid,
    'See the picture', gen_random_uuid(), null,
    row(current_setting('test.file'), 'cells.png', 1024, 'image/png')::public.chat_attachment) as m),
  current_setting('test.file') || ' 1024',
  'A message carries the uploaded attachment''s metadata'
);

select tests.authenticate_as('kim');

select is(pg_temp.can_download(current_setting('test.file')), true,
  'A member of the room reads an attachment of a message there');

select tests.authenticate_as('sue');

select is(pg_temp.can_download(current_setting('test.file')), false,
  'A student outside the room cannot read its attachments');

select tests.authenticate_as('bea');

select is(pg_temp.can_download(current_setting('test.file')), false,
  'A student of another academy cannot read the room''s attachments');

select tests.authenticate_as('sam');
select from public.delete_message((select max(m.id) from public.chat_messages as m where m.room_id = current_setting('test.group')::uuid));
select tests.authenticate_as('kim');

select is(pg_temp.can_download(current_setting('test.file')), false,
  'Once the message is deleted its attachment is no longer readable by the room');

-- ==========================================================================================
-- Rate limit (Sam): 60 messages a minute
-- ==========================================================================================

select tests.authenticate_as('sam');
select tests.act_as_owner();
delete from private.rate_limits where key = 'chat-send:' || tests.get_supabase_uid('sam');
select tests.authenticate_as('sam');
select from generate_series(1, 60) as n,
  lateral public.send_message(current_setting('test.group')::uuid, 'Message ' || n, gen_random_uuid()) as m;

select is(
  tests.error_of($$ select public.send_message(current_setting('test.group')::uuid, 'One too many', gen_random_uuid()) $$),
  'PGRST rate_limited',
  'The 61st message in a minute is refused with 429 rate_limited'
);

select is(
  tests.error_of($$ select public.send_message(current_setting('test.group')::uuid, 'Resent',
    (select m.client_msg_id from public.chat_messages as m where m.body = 'Message 60')) $$),
  'no error',
  'Resending a message already sent is not rate limited: it returns the first one'
);

-- ==========================================================================================
-- Ex-member and anon
-- ==========================================================================================

select tests.act_as_owner();
delete from public.academy_members
where academy_id = '10000000-0000-4000-8000-000000000001' and user_id = tests.get_supabase_uid('kim');
select tests.authenticate_as('kim');

select is(
  array[(select count(*)::integer from public.chat_rooms), (select count(*)::integer from public.chat_messages)],
  array[0, 0],
  'A student who left the academy reads neither the academy room nor her study group'
);

select tests.clear_authentication();

select is(
  array[pg_temp.upload('rooms/' || current_setting('test.group') || '/x/y.png'),
    tests.error_of($$ select count(*) from storage.objects where bucket_id = 'chat-attachments' $$)],
  array['42501', 'no error'],
  'Anon uploads nothing to the chat bucket'
);

select * from finish();
rollback;
