-- Private study groups by actor: the owner, a moderator, the student who asks to join, an
-- invited student, a student outside, a teacher, an admin, another academy, an ex-member and
-- anon. Join requests (and their batched notification to the owner and moderators),
-- invitations, deleting a group, and the Realtime channel checks of group:<id> and
-- leaderboard:<academy_id> on realtime.messages.

begin;
select plan(35);

-- East: admin Ada, teacher Tom; students Sue (owner), Mo (moderator), Ria, Ian, Ned, Exa.
-- West: student Wes.
select tests.create_academies('061');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom');
select tests.add_members('east', 'student', 'sue', 'mo', 'ria', 'ian', 'ned', 'exa');
select tests.add_members('west', 'student', 'wes');

select tests.authenticate_as('sue');
select from set_config('test.group', (select g.id::text from public.create_study_group(
  '10000000-0000-4000-8000-000000000001', 'Quiet room', 'By invitation', null, false, 4) as g), true);
select from public.invite_to_study_group(current_setting('test.group')::uuid, tests.get_supabase_uid('mo'));
select tests.authenticate_as('mo');
select from public.join_study_group(current_setting('test.group')::uuid);
select tests.authenticate_as('sue');
select from public.set_study_group_role(current_setting('test.group')::uuid, tests.get_supabase_uid('mo'), 'moderator');

-- ==========================================================================================
-- A student who asks to join (Ria)
-- ==========================================================================================

select tests.authenticate_as('ria');

select is(
  tests.error_of($$ select public.join_study_group(current_setting('test.group')::uuid) $$),
  'PGRST join_request_required',
  'A private group cannot be joined without an invitation (403)'
);

select is(
  (select s.can_join::text || ' ' || s.can_request::text from public.list_study_groups() as s
   where s.group_id = current_setting('test.group')::uuid),
  'false true',
  'The list says she cannot join but may ask'
);

select from set_config('test.request', (select q.id::text from public.request_study_group_join(current_setting('test.group')::uuid) as q), true);

select is(
  (select q.id::text || ' ' || q.kind || ' ' || q.status from public.request_study_group_join(current_setting('test.group')::uuid) as q),
  current_setting('test.request') || ' request pending',
  'Asking again returns the pending request'
);

select is(
  (select s.pending_kind::text from public.list_study_groups() as s where s.group_id = current_setting('test.group')::uuid),
  'request',
  'The list shows her pending request'
);

select is(
  tests.error_of($$ select public.respond_to_study_group_request(current_setting('test.request')::uuid, true) $$),
  'PGRST moderator_required',
  'A student cannot approve her own request (403)'
);

select tests.act_as_owner();

select results_eq(
  $$ select n.user_id, n.type, n.batch_count from public.notifications as n
     where n.type = 'study_group_join_request' order by n.user_id $$,
  $$ select u, 'study_group_join_request'::text, 1 from unnest(array[tests.get_supabase_uid('sue'), tests.get_supabase_uid('mo')]) as u order by u $$,
  'The owner and the moderator each get one study_group_join_request notification'
);

-- Ian asks too: folded into the same notification of each moderator.
select tests.authenticate_as('ian');
select from set_config('test.request2', (select q.id::text from public.request_study_group_join(current_setting('test.group')::uuid) as q), true);
select tests.act_as_owner();

select is(
  (select array_agg(n.batch_count order by n.user_id) from public.notifications as n where n.type = 'study_group_join_request'),
  array[2, 2],
  'A second request within ten minutes folds into the same notifications'
);

-- ==========================================================================================
-- Moderator (Mo)
-- ==========================================================================================

select tests.authenticate_as('mo');

select is(
  (select count(*)::integer from public.study_group_requests as q where q.group_id = current_setting('test.group')::uuid),
  3,
  'A moderator reads every request and invitation of the group'
);

select from set_config('test.status', (select q.status::text
  from public.respond_to_study_group_request(current_setting('test.request')::uuid, true) as q), true);

select is(
  current_setting('test.status') || ' ' || (select m.role::text from public.study_group_members as m
    where m.group_id = current_setting('test.group')::uuid and m.user_id = tests.get_supabase_uid('ria') and m.left_at is null),
  'accepted member',
  'A moderator approves a request and the student is a member'
);

select is(
  tests.error_of($$ select public.respond_to_study_group_request(current_setting('test.request')::uuid, false) $$),
  'PGRST request_decided',
  'A decided request cannot be decided again (409)'
);

select is(
  (select q.status::text from public.respond_to_study_group_request(current_setting('test.request2')::uuid, false) as q),
  'declined',
  'A moderator declines a request'
);

select is(
  tests.error_of($$ select public.invite_to_study_group(current_setting('test.group')::uuid, tests.get_supabase_uid('wes')) $$),
  'PGRST student_not_found',
  'A moderator cannot invite a student of another academy (404)'
);

select from set_config('test.invite', (select q.id::text from public.invite_to_study_group(current_setting('test.group')::uuid,
  tests.get_supabase_uid('ned')) as q), true);

-- ==========================================================================================
-- Invited student (Ned)
-- ==========================================================================================

select tests.authenticate_as('ned');

select is(
  (select n.type || ' ' || n.action_url from public.notifications as n where n.user_id = auth.uid()),
  'study_group_invitation /groups/' || current_setting('test.group'),
  'The invited student gets a study_group_invitation notification'
);

select is(
  (select s.can_join::text || ' ' || s.pending_kind from public.list_study_groups() as s where s.group_id = current_setting('test.group')::uuid),
  'true invitation',
  'The list says the invited student can join'
);

select is(
  (select q.status::text from public.respond_to_study_group_request(current_setting('test.invite')::uuid, false) as q),
  'declined',
  'The invitee declines the invitation'
);

select tests.authenticate_as('mo');
select from set_config('test.invite', (select q.id::text from public.invite_to_study_group(current_setting('test.group')::uuid,
  tests.get_supabase_uid('ned')) as q), true);
select tests.authenticate_as('ria');

select is(
  tests.error_of($$ select public.respond_to_study_group_request(current_setting('test.invite')::uuid, true) $$),
  'PGRST request_not_found',
  'A member cannot see, let alone accept, someone else''s invitation (404)'
);

select tests.authenticate_as('ned');

select is(
  (select q.status::text from public.respond_to_study_group_request(current_setting('test.invite')::uuid, true) as q),
  'accepted',
  'The invitee accepts a new invitation and joins'
);

-- Full now: Sue, Mo, Ria, Ned.
select tests.authenticate_as('sue');

select is(
  tests.error_of($$ select public.invite_to_study_group(current_setting('test.group')::uuid, tests.get_supabase_uid('exa')) $$)
  || ' / ' || tests.error_of($$ select public.respond_to_study_group_request(current_setting('test.request2')::uuid, true) $$),
  'no error / PGRST request_decided',
  'Inviting into a full group is allowed (accepting is what needs a seat)'
);

select tests.authenticate_as('exa');

select is(
  tests.error_of($$ select public.join_study_group(current_setting('test.group')::uuid) $$),
  'PGRST group_full',
  'An invitation does not get past the member limit (409 group_full)'
);

-- ==========================================================================================
-- Student outside the group (Ian), another academy (Wes), anon
-- ==========================================================================================

select tests.authenticate_as('ian');

select is(
  array[(select count(*)::integer from public.study_group_requests as q where q.group_id = current_setting('test.group')::uuid),
    (select count(*)::integer from public.study_group_members as m where m.group_id = current_setting('test.group')::uuid)],
  array[1, 0],
  'A student outside the group reads only her own request, no members'
);

select tests.authenticate_as('wes');

select is(
  array[tests.error_of($$ select public.request_study_group_join(current_setting('test.group')::uuid) $$),
    (select count(*)::text from public.study_group_requests)],
  array['PGRST group_not_found', '0'],
  'A student of another academy cannot ask to join and reads no requests'
);

select tests.clear_authentication();

select throws_ok($$ select count(*) from public.study_group_requests $$, '42501', null, 'Anon cannot read join requests');

-- ==========================================================================================
-- Realtime channels: group:<id> and leaderboard:<academy_id> on realtime.messages
-- ==========================================================================================

select tests.act_as_owner();
select from set_config('test.topic', 'group:' || current_setting('test.group'), true);

select ok(
  (select count(*) from realtime.messages as m where m.topic = current_setting('test.topic')) > 0,
  'Group events land private broadcast rows in realtime.messages'
);

select from set_config('realtime.topic', current_setting('test.topic'), true);

select tests.authenticate_as('ria');
select ok((select count(*) from realtime.messages where topic = current_setting('test.topic')) > 0,
  'A member joins the group''s private channel and receives its broadcasts');

select tests.authenticate_as('tom');
select ok((select count(*) from realtime.messages where topic = current_setting('test.topic')) > 0,
  'A teacher of the academy receives the group''s broadcasts');

select tests.authenticate_as('ian');
select is((select count(*)::integer from realtime.messages where topic = current_setting('test.topic')), 0,
  'A student outside the group receives nothing on its channel');

select throws_ok(
  $$ insert into realtime.messages (topic, extension, event, payload, private)
     values (current_setting('test.topic'), 'presence', 'presence', '{}', true) $$,
  '42501', null,
  'A student outside the group cannot track presence on its channel'
);

select tests.authenticate_as('ria');
select lives_ok(
  $$ insert into realtime.messages (topic, extension, event, payload, private)
     values (current_setting('test.topic'), 'presence', 'presence', '{}', true) $$,
  'A member tracks presence on the group''s channel'
);

select tests.act_as_owner();
select from private.publish_event('leaderboard:10000000-0000-4000-8000-000000000001', 'leaderboard_updated', '{"period": "week"}');
select from set_config('realtime.topic', 'leaderboard:10000000-0000-4000-8000-000000000001', true);

select tests.authenticate_as('ian');
select is((select count(*)::integer from realtime.messages where topic = 'leaderboard:10000000-0000-4000-8000-000000000001'), 1,
  'A student of the academy receives its leaderboard channel');

select tests.authenticate_as('wes');
select is((select count(*)::integer from realtime.messages where topic = 'leaderboard:10000000-0000-4000-8000-000000000001'), 0,
  'A student of another academy receives nothing on East''s leaderboard channel');

select tests.clear_authentication();
select is((select count(*)::integer from realtime.messages), 0, 'Anon receives nothing on any channel');

-- ==========================================================================================
-- Deleting a group: the owner or staff; ex-members keep nothing
-- ==========================================================================================

select tests.authenticate_as('mo');

select is(
  tests.error_of($$ select public.delete_study_group(current_setting('test.group')::uuid) $$),
  'PGRST owner_or_staff_required',
  'A moderator cannot delete the group (403)'
);

select tests.authenticate_as('tom');

select from set_config('test.status', (select (g.archived_at is not null)::text
  from public.delete_study_group(current_setting('test.group')::uuid) as g), true);

select is(
  current_setting('test.status') || ' ' || (select count(*) from public.study_group_members as m where m.group_id = current_setting('test.group')::uuid and m.left_at is null)
  || ' ' || (select count(*) from public.study_group_requests as q where q.group_id = current_setting('test.group')::uuid and q.status = 'pending'),
  'true 0 0',
  'A teacher deletes a group: it is archived, every membership ends, pending invitations are declined'
);

select tests.act_as_owner();

select is(
  (select o.payload ->> 'reason' from public.outbox_events as o
   where o.topic = 'group:' || current_setting('test.group') and o.event = 'study_group_deleted'),
  'deleted',
  'Deleting emits study_group_deleted on the group topic'
);

select tests.authenticate_as('ria');

select is(
  array[(select count(*)::integer from public.study_groups as g where g.id = current_setting('test.group')::uuid),
    (select count(*)::integer from public.chat_messages as m join public.chat_rooms as r on r.id = m.room_id
      where r.study_group_id = current_setting('test.group')::uuid)],
  array[0, 0],
  'An ex-member of a deleted group reads neither it nor its room'
);

select * from finish();
rollback;
