-- Notifications by actor: the owner (the student it is for), another student of the
-- academy, a student of another academy, an ex-member, anon; the internal API
-- (notify_user, notify_user_batched with its 10-minute window), action URL validation,
-- events on user:<id>, and the 90-day pruning job.

begin;
select plan(36);

-- East: admin Ada, teacher Tom, students Sue and Sam; West: student Wes.
select tests.create_academies('040');
select tests.add_members('east', 'admin', 'ada');
select tests.add_members('east', 'teacher', 'tom');
select tests.add_members('east', 'student', 'sue', 'sam');
select tests.add_members('west', 'student', 'wes');

select tests.rls_enabled('public', 'notifications');
select tests.rls_enabled('public', 'notification_sends');

-- The system notifies Sue twice (one urgent) and Sam once.
select from private.notify_user(tests.get_supabase_uid('sue'), 'staff_message', 'First', 'Hello', 'normal', '/exams/1',
  '{"n": 1}', '10000000-0000-4000-8000-000000000001');
select from private.notify_user(tests.get_supabase_uid('sue'), 'staff_message', 'Second', '', 'urgent',
  'https://docs.example.com/a?b=1', '{}', '10000000-0000-4000-8000-000000000001');
select from set_config('test.sam_note', (select n.id::text from private.notify_user(tests.get_supabase_uid('sam'),
  'staff_message', 'For Sam', '', 'low', null, '{}', '10000000-0000-4000-8000-000000000001') as n), true);

-- Action URLs ------------------------------------------------------------------------------
select is(tests.error_of($$select private.notify_user(tests.get_supabase_uid('sue'), 'x', 'X', '', 'normal',
  'javascript:alert(1)', '{}')$$), '23514', 'A javascript: action URL is refused');
select is(tests.error_of($$select private.notify_user(tests.get_supabase_uid('sue'), 'x', 'X', '', 'normal',
  '//evil.example.com/x', '{}')$$), '23514', 'A protocol-relative action URL is refused');
select is(tests.error_of($$select private.notify_user(tests.get_supabase_uid('sue'), 'x', 'X', '', 'normal',
  'http://plain.example.com/', '{}')$$), '23514', 'A plain http action URL is refused');
select ok(private.is_valid_action_url('/sessions/abc?x=1') and private.is_valid_action_url('https://a.example.com')
  and private.is_valid_action_url(null), 'Relative paths, https URLs and no URL are valid action URLs');
select is(tests.error_of($$select private.notify_user(tests.get_supabase_uid('sue'), 'x', 'X', '', 'loud', null, '{}')$$),
  '22P02', 'A priority outside low, normal, high, urgent is refused');

-- ========== Sue, the owner ==========
select tests.authenticate_as('sue');
select is((select count(*)::integer from public.get_notifications()), 2, 'Sue lists her two notifications');
select is((select array_agg(n.title order by n.created_at desc, n.id desc) from public.get_notifications() as n),
  (select array_agg(n.title order by n.created_at desc, n.id desc) from public.notifications as n),
  'get_notifications lists them newest first, as the table reads');
select is((select count(*)::integer from public.notifications), 2, 'Sue reads only her own rows of the table');
select is((select row(c.total, c.urgent, c.normal, c.low)::text from public.get_unread_counts() as c), '(2,1,1,0)',
  'Her unread counts are 2 in total, 1 urgent and 1 normal');
select is(tests.error_of($$select * from public.get_notifications(p_limit => 0)$$), '22023 invalid_limit',
  'A limit of 0 is refused with invalid_limit');
select is((select count(*)::integer from public.get_notifications(p_before => now() + interval '1 day', p_limit => 1)), 1,
  'A page holds at most the limit');
select is(tests.error_of($$insert into public.notifications (user_id, type, title) values (auth.uid(), 'x', 'X')$$),
  '42501', 'Sue cannot create a notification directly');
select is(tests.error_of($$update public.notifications set read_at = now()$$), '42501',
  'Sue cannot update the table directly');
select is(tests.error_of($$select private.notify_user(auth.uid(), 'x', 'X', '', 'normal', null, '{}')$$), '42501',
  'Sue cannot call the internal notify_user');
select is((select count(*)::integer from public.mark_notifications_read(array[
    (select n.id from public.notifications as n where n.title = 'First'),
    current_setting('test.sam_note')::uuid
  ]) as m where m.read_at is not null), 1, 'Marking her notification and Sam''s read marks and returns only hers');
select is((select (o.payload ->> 'unread_count')::integer from public.outbox_events as o
    where o.topic = 'user:' || auth.uid() and o.event = 'notifications_read'), 1,
  'notifications_read on her topic tells every device one is still unread');
select is((select c.total from public.get_unread_counts() as c), 1, 'One unread notification is left');
select is(tests.error_of($$select * from public.mark_notifications_read(array_fill(gen_random_uuid(), array[1001]))$$),
  '22023 invalid_ids', 'Marking more than 1000 ids at once is refused');
select is((select row(m.marked, m.unread_total)::text from public.mark_all_notifications_read() as m), '(1,0)',
  'Marking all read marks the last one and leaves none unread');
select is((select count(*)::integer from public.get_notifications(p_unread_only => true)), 0,
  'No unread notification is listed afterwards');
select is((select o.payload ->> 'all' from public.outbox_events as o
    where o.topic = 'user:' || auth.uid() and o.event = 'notifications_read' order by o.id desc limit 1), 'true',
  'Marking all read tells her devices with all true');

-- ========== Sam, another student of the academy ==========
select tests.authenticate_as('sam');
select is((select array_agg(n.title)::text from public.get_notifications() as n), '{"For Sam"}',
  'Sam lists only his own notification');
select is((select c.total from public.get_unread_counts() as c), 1, 'Sue marking hers read left Sam''s unread');
select is((select count(*)::integer from public.outbox_events as o where o.topic like 'user:%' and o.topic <> 'user:' || auth.uid()), 0,
  'Sam reads no other user''s notification events');

-- ========== Wes, a student of another academy ==========
select tests.authenticate_as('wes');
select is((select count(*)::integer from public.notifications), 0, 'A student of another academy reads none of East''s notifications');

-- ========== anon ==========
select tests.clear_authentication();
select is(tests.error_of($$select * from public.get_notifications()$$), '42501', 'Anon cannot list notifications');
select is(tests.error_of($$select * from public.mark_all_notifications_read()$$), '42501', 'Anon cannot mark notifications read');

-- ========== Sam, after leaving the academy ==========
select tests.act_as_owner();
delete from public.academy_members where user_id = tests.get_supabase_uid('sam');
select tests.authenticate_as('sam');
select is((select count(*)::integer from public.get_notifications()), 0, 'An ex-member no longer reads the academy''s notifications');

-- ========== The internal API: batching ==========
select tests.act_as_owner();
select from generate_series(1, 3) as n
  cross join lateral private.notify_user_batched(tests.get_supabase_uid('sue'), 'room:r1', 'room_message',
    'New message ' || n, 'from Tom', 'normal', '/rooms/r1', jsonb_build_object('n', n),
    '10000000-0000-4000-8000-000000000001') as b;
select is((select row(count(*), max(n.batch_count), max(n.title))::text from public.notifications as n where n.batch_key = 'room:r1'),
  '(1,3,"New message 3")', 'Three messages of a room within ten minutes make one notification counting three, with the latest text');
select is((select array_agg(o.event order by o.id)::text from public.outbox_events as o
    where o.topic = 'user:' || tests.get_supabase_uid('sue') and o.payload #>> '{notification,batch_key}' = 'room:r1'),
  '{notification_created,notification_updated,notification_updated}', 'The first is announced as created, the others as updated');
select from private.notify_user_batched(tests.get_supabase_uid('sue'), 'room:r2', 'room_message', 'Other room', '', 'normal',
  null, '{}', '10000000-0000-4000-8000-000000000001');
update public.notifications set created_at = created_at - interval '11 minutes' where batch_key = 'room:r1';
select from private.notify_user_batched(tests.get_supabase_uid('sue'), 'room:r1', 'room_message', 'Later', '', 'normal',
  null, '{}', '10000000-0000-4000-8000-000000000001');
select is((select count(*)::integer from public.notifications as n where n.user_id = tests.get_supabase_uid('sue') and n.batch_key like 'room:%'), 3,
  'Another room gets its own notification, and a message after the window a new one');

-- ========== Pruning ==========
update public.notifications set read_at = now() - interval '91 days' where title = 'First';
update public.notifications set created_at = now() - interval '200 days' where title = 'Second';
select is(private.prune_notifications(), 1, 'Pruning deletes the notification read more than 90 days ago');
select ok(exists (select 1 from public.notifications where title = 'Second'), 'A notification read recently stays, however old');
select ok(exists (select 1 from cron.job where jobname = 'examsync-prune-notifications'), 'pg_cron prunes notifications daily');

select * from finish();
rollback;
