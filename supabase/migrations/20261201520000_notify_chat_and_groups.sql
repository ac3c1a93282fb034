-- Notification hooks of chat and study groups (issue 12), and the study group audience.
--
-- A message in a room notifies who is offline (`public.user_presence`, offline once not
-- seen for 60 s): every other member of a mentor or study group room, and anyone the
-- message mentions (`<@user id>` in the body, at most 20) who may read it, in any kind of
-- room. Through private.notify_user_batched with the key room:<id>, so a user gets one
-- `room_message` notification per room per 10 minutes however many messages arrive
-- (batch_count says how many; a mention raises it to high priority). Join requests
-- (20261201500000) notify the group's owner and moderators the same way. send_notification
-- learns the study_group audience (20261201510000 added the value).
--
-- Redefined, each the latest body with only the hook or branch added:
-- private.send_message (20261201200000) and private.send_notification (20261201400000).

-- functions -----------------------------------------------------------------------------
create function private.mentioned_user_ids(p_body text)
returns uuid[]
language sql
immutable
security invoker
set search_path = ''
as $$
  select coalesce(array_agg(distinct x.id), '{}') from (
    select lower(t.m[1])::uuid as id
    from pg_catalog.regexp_matches(coalesce(p_body, ''),
      '<@([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})>', 'g') as t (m)
    limit 20
  ) as x;
$$;
comment on function private.mentioned_user_ids(text) is 'The users a message mentions: <@user id> tokens in its body, the first 20.';

create function private.notify_offline_readers(p_room public.chat_rooms, p_message public.chat_messages)
returns void
language sql
volatile
security invoker
set search_path = ''
as $$
  with mentioned as (
    select u as user_id from unnest(private.mentioned_user_ids(p_message.body)) as u
    where u is distinct from p_message.author_id
      and exists (
        select 1 from private.room_access(u) as a
        where a.room_id = p_room.id
          and (a.kind <> 'proctoring' or a.is_moderator or p_message.thread_user_id is null or p_message.thread_user_id = u))
  ),
  members as (
    select m.user_id from public.chat_room_members as m
    join public.academy_members as am on am.academy_id = p_room.academy_id and am.user_id = m.user_id
    where p_room.kind in ('mentor', 'study_group') and m.room_id = p_room.id and m.left_at is null
      and m.user_id is distinct from p_message.author_id
  ),
  recipients as (
    select r.user_id, bool_or(r.mentioned) as mentioned
    from (select user_id, true as mentioned from mentioned union all select user_id, false from members) as r
    left join public.user_presence as up on up.user_id = r.user_id
    where private.effective_status(up) = 'offline'
    group by r.user_id
  ),
  author as (
    select coalesce((select p.display_name from public.profiles as p where p.id = p_message.author_id), 'Someone') as name
  )
  select count(private.notify_user_batched(r.user_id, 'room:' || p_room.id, 'room_message',
    case when r.mentioned then format('%s mentioned you in %s', author.name, p_room.title)
      else format('New messages in %s', p_room.title) end,
    left(coalesce(p_message.body, ''), 200),
    case when r.mentioned then 'high' else 'normal' end::public.notification_priority,
    '/rooms/' || p_room.id,
    jsonb_build_object('room_id', p_room.id, 'message_id', p_message.id, 'author_id', p_message.author_id,
      'mentioned', r.mentioned),
    p_room.academy_id))
  from (select * from recipients order by user_id) as r cross join author;
$$;
comment on function private.notify_offline_readers(public.chat_rooms, public.chat_messages) is
  'After a message: a batched room_message notification (key room:<id>, 10 minutes) for each offline member of a mentor or study group room and each offline reader it mentions; high priority for a mention.';

-- The body of 20261201200000 (not redefined since) with the offline hook added after the
-- message_created event.
create or replace function private.send_message(
  p_room_id uuid, p_body text, p_client_msg_id uuid, p_reply_to_id bigint, p_attachment public.chat_attachment
) returns public.chat_messages
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  rights record;
  message public.chat_messages;
  reply public.chat_messages;
  thread uuid;
  limited record;
begin
  perform private.assert_message_body(p_body);
  if p_client_msg_id is null then
    raise exception 'Cannot send message: client_msg_id is required' using errcode = '22023', hint = 'invalid_client_msg_id';
  end if;
  select * into rights from private.my_room(p_room_id);

  -- A client id seen before returns the first message and writes nothing (an offline
  -- client resends safely, and a resend never counts against the rate limit).
  select * into message from public.chat_messages as m
  where m.room_id = p_room_id and m.author_id = caller and m.client_msg_id = p_client_msg_id;
  if found then
    return message;
  end if;
  if not rights.can_post then
    perform private.raise_http_error(403, 'room_read_only', 'Cannot send message: you may not post in this room');
  end if;
  select * into limited from private.take_rate_limit('chat-send:' || caller, 60, 60);
  if not limited.allowed then
    raise sqlstate 'PGRST' using
      message = json_build_object('code', 'rate_limited',
        'message', 'Cannot send message: more than 60 messages in a minute',
        'details', format('Retry after %s seconds', limited.retry_after_seconds),
        'hint', limited.retry_after_seconds::text)::text,
      detail = json_build_object('status', 429,
        'headers', json_build_object('Retry-After', limited.retry_after_seconds::text))::text;
  end if;

  if p_reply_to_id is not null then
    select * into reply from public.chat_messages as m
    where m.id = p_reply_to_id and m.room_id = p_room_id
      and (rights.is_moderator or m.thread_user_id is null or m.thread_user_id = caller);
    if not found then
      perform private.raise_http_error(404, 'reply_not_found', format('Cannot find message %s in the room', p_reply_to_id));
    end if;
  end if;
  if (rights.room).kind = 'proctoring' then
    -- A student's message is their own thread; a proctor's reply joins the thread of the
    -- message it answers, and a proctor's message that answers nothing goes to everyone.
    thread := case when rights.is_moderator then reply.thread_user_id else caller end;
  end if;

  if p_attachment is not null then
    if p_attachment.object_path is null
      or p_attachment.object_path !~ ('^rooms/' || p_room_id || '/' || caller || '/[^/]+$')
      or p_attachment.name is null or char_length(p_attachment.name) not between 1 and 255
      or p_attachment.name ~ '[[:cntrl:]/\\]'
      or p_attachment.mime_type is null or p_attachment.mime_type !~ '^[a-z0-9][a-z0-9.+-]*/[a-zA-Z0-9][a-zA-Z0-9.+-]*$'
      or p_attachment.size_bytes is null or p_attachment.size_bytes < 0
    then
      raise exception 'Cannot send message: an attachment needs object_path rooms/<room id>/<your id>/<file>, a name of 1 to 255 characters, a mime type and a size'
        using errcode = '22023', hint = 'invalid_attachment';
    end if;
    if p_attachment.size_bytes > 26214400 then
      raise exception 'Cannot send message: attachments are at most 25 MB' using errcode = '22023', hint = 'attachment_too_large';
    end if;
    if not exists (
      select 1 from storage.objects as o
      where o.bucket_id = 'chat-attachments' and o.name = p_attachment.object_path and o.owner_id = caller::text
    ) then
      perform private.raise_http_error(404, 'attachment_not_found',
        format('Cannot send message: upload %s to bucket chat-attachments first', p_attachment.object_path));
    end if;
  end if;

  insert into public.chat_messages (room_id, author_id, client_msg_id, body, reply_to_id, thread_user_id,
    attachment_path, attachment_name, attachment_size, attachment_mime)
  values (p_room_id, caller, p_client_msg_id, p_body, p_reply_to_id, thread,
    p_attachment.object_path, p_attachment.name, p_attachment.size_bytes, p_attachment.mime_type)
  on conflict (room_id, author_id, client_msg_id) do nothing
  returning * into message;
  if message.id is null then
    -- The same client id committed by a concurrent send: its first result.
    select * into message from public.chat_messages as m
    where m.room_id = p_room_id and m.author_id = caller and m.client_msg_id = p_client_msg_id;
    return message;
  end if;

  -- Posting counts as reading.
  insert into public.chat_room_members as m (room_id, user_id, role, last_read_message_id)
  values (p_room_id, caller, case when rights.is_moderator then 'moderator' else 'member' end::public.chat_member_role, message.id)
  on conflict (room_id, user_id) do update set last_read_message_id = greatest(m.last_read_message_id, excluded.last_read_message_id);

  perform private.publish_room_event(rights.room, 'message_created', to_jsonb(message), thread, thread is null);
  perform private.notify_offline_readers(rights.room, message);
  return message;
end;
$$;
comment on function private.send_message(uuid, text, uuid, bigint, public.chat_attachment) is
  'Posts a message (see public.send_message) and notifies offline readers. Security definer: it writes messages, members, the outbox, the rate-limit counter and others'' notifications.';

comment on function public.send_message(uuid, text, uuid, bigint, public.chat_attachment) is
  'Posts plain text (1 to 4000 characters; no control characters but newline and tab) to a room, idempotent by p_client_msg_id (a resend returns the first message); emits message_created; offline members of mentor and study group rooms, and offline readers mentioned as <@user id>, get one room_message notification per room per 10 minutes. 400 invalid_message_length, invalid_message_characters, invalid_attachment, attachment_too_large; 403 room_read_only; 404 room_not_found, reply_not_found, attachment_not_found; 429 rate_limited (60 a minute; hint and Retry-After: seconds to wait).';

-- The body of 20261201400000 (not redefined since) with the study_group branch added.
create or replace function private.send_notification(
  p_audience public.notification_audience, p_target_id uuid, p_title text, p_body text,
  p_priority public.notification_priority, p_action_url text, p_data jsonb
) returns public.notification_sends
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  academy uuid;
  recipients uuid[];
  limited record;
  sent public.notification_sends;
begin
  perform private.assert_argument(coalesce(char_length(btrim(p_title)), 0) between 1 and 200,
    'Cannot send notification: the title must have 1 to 200 characters', 'invalid_title');
  perform private.assert_argument(coalesce(char_length(p_body), 0) <= 2000,
    'Cannot send notification: the body may have at most 2000 characters', 'invalid_body');
  perform private.assert_argument(private.is_valid_action_url(p_action_url),
    'Cannot send notification: the action URL must be a relative path or an https URL', 'invalid_action_url');
  perform private.assert_argument(jsonb_typeof(coalesce(p_data, '{}')) = 'object' and pg_column_size(p_data) <= 16384,
    'Cannot send notification: data must be a JSON object of at most 16 kB', 'invalid_data');
  if p_audience is null or p_target_id is null then
    raise exception 'Cannot send notification: give an audience and its target' using errcode = '22023', hint = 'invalid_audience';
  end if;

  -- The academy and the recipients, from the caller's current membership only.
  case p_audience
    when 'student' then
      select m.academy_id into academy from public.academy_members as m
      where m.user_id = p_target_id and m.role = 'student'
        and m.academy_id in (select private.member_academy_ids('{teacher,admin}'))
      order by m.academy_id
      limit 1;
      recipients := array[p_target_id];
    when 'session' then
      select s.academy_id into academy from public.exam_sessions as s
      where s.id = p_target_id and s.id in (select private.taught_session_ids());
      select coalesce(array_agg(p.user_id order by p.user_id), '{}') into recipients
      from public.exam_session_participants as p
      join public.academy_members as m on m.academy_id = academy and m.user_id = p.user_id
      where p.session_id = p_target_id and p.status not in ('removed', 'banned');
    when 'academy' then
      select a.id into academy from public.academies as a
      where a.id = p_target_id and a.id in (select private.member_academy_ids('{teacher,admin}'));
      select coalesce(array_agg(m.user_id order by m.user_id), '{}') into recipients
      from public.academy_members as m where m.academy_id = academy and m.user_id <> caller;
    when 'study_group' then
      -- The academy's teachers and admins reach a group that is not archived: its
      -- current members who are still members of the academy.
      select g.academy_id into academy from public.study_groups as g
      where g.id = p_target_id and g.archived_at is null
        and g.academy_id in (select private.member_academy_ids('{teacher,admin}'));
      select coalesce(array_agg(m.user_id order by m.user_id), '{}') into recipients
      from public.study_group_members as m
      join public.academy_members as am on am.academy_id = academy and am.user_id = m.user_id
      where m.group_id = p_target_id and m.left_at is null and m.user_id <> caller;
    else
      raise exception 'Cannot send notification: unknown audience' using errcode = '22023', hint = 'invalid_audience';
  end case;
  if academy is null then
    perform private.raise_http_error(404, 'audience_not_found',
      format('Cannot send notification: no %s %s you may reach', p_audience, p_target_id));
  end if;

  select * into limited from private.take_rate_limit(
    case when p_audience = 'academy' then 'notify-send-academy:' else 'notify-send:' end || caller,
    case when p_audience = 'academy' then 5 else 30 end, 3600);
  if not limited.allowed then
    perform private.raise_http_error(429, 'rate_limited',
      format('Cannot send notification: too many sends, retry in %s seconds', limited.retry_after_seconds));
  end if;

  insert into public.notification_sends (academy_id, sender_id, audience, target_id, title, priority, recipient_count)
  values (academy, caller, p_audience, p_target_id, btrim(p_title), coalesce(p_priority, 'normal'), cardinality(recipients))
  returning * into sent;

  perform private.notify_user(r, 'staff_message', p_title, p_body, p_priority, p_action_url,
    coalesce(p_data, '{}'::jsonb) || jsonb_build_object('send_id', sent.id, 'sender_id', caller,
      'audience', p_audience, 'target_id', p_target_id), academy)
  from unnest(recipients) as r;
  return sent;
end;
$$;
comment on function private.send_notification(public.notification_audience, uuid, text, text, public.notification_priority, text, jsonb) is
  'A teacher or admin sends a notification to one student of their academy, the participants of a session they run, the members of a study group of their academy, or every member of an academy they teach or administer; rate-limited per sender (30 an hour to students, sessions and groups, 5 an hour academy-wide) and logged. Security definer: it writes other users'' notifications.';

comment on function public.send_notification(public.notification_audience, uuid, text, text, public.notification_priority, text, jsonb) is
  'Teachers and admins: a staff_message notification to one student of their academy (audience student, target the user id), the participants of a session they run (session, the session id), the current members of a study group of their academy that is not archived (study_group, the group id) or every other member of their academy (academy, the academy id); returns the logged send. 400 invalid_title, invalid_body, invalid_action_url, invalid_data, invalid_audience; 404 audience_not_found; 429 rate_limited (30 sends an hour to students, sessions and groups, 5 academy-wide).';
