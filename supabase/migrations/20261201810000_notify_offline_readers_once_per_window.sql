-- Offline room notifications that cost little in busy rooms. notify_offline_readers (from
-- 20261201520000) folded every message into every offline member's batched notification:
-- one write and one outbox event per member per message, so a 200-member study group
-- took 54 ms per send_message (18 TPS in the bench's direct chat phase). Now a member who
-- already has the room's notification unread in its 10-minute window is left alone; a
-- mention still folds in and raises it to high.

create or replace function private.notify_offline_readers(p_room public.chat_rooms, p_message public.chat_messages)
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
    -- Nothing for who already has this room's notification unread in the window: a busy
    -- room costs one notification per reader per 10 minutes, not a write per message per
    -- member. A mention still folds in (and raises the priority).
    having bool_or(r.mentioned) or not exists (
      select 1 from public.notifications as n
      where n.user_id = r.user_id and n.batch_key = 'room:' || p_room.id and n.read_at is null
        and n.created_at > pg_catalog.now() - interval '10 minutes')
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
  'After a message: a batched room_message notification (key room:<id>, 10 minutes) for each offline member of a mentor or study group room who has none unread in the window, and each offline reader it mentions (folded in, high priority).';
