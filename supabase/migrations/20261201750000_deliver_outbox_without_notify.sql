-- Outbox events reach the SSE hubs without NOTIFY.
--
-- In PostgreSQL 15 a transaction that ran NOTIFY takes one cluster-wide lock in
-- PreCommit_Notify and holds it through its commit record's flush, so every save (each
-- appends an outbox event) committed one at a time. The hubs now poll the outbox by id
-- from one connection per function instance (functions/attempt-events/feed.ts), which
-- costs the saving transaction nothing.
--
-- The feed moves its "every id up to here is final" mark by snapshots: it needs every
-- writer to hold a transaction id before it takes an outbox id, so publish_event takes
-- it first (an insert takes it only after the identity default has drawn the id).

-- functions ---------------------------------------------------------------------------------
create or replace function private.publish_event(p_topic text, p_event text, p_payload jsonb)
returns bigint
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  event_id bigint;
begin
  -- The transaction id before the outbox id: a reader that saw a snapshot's xmax pass this
  -- transaction knows no smaller outbox id can still appear (functions/attempt-events/feed.ts).
  perform pg_catalog.pg_current_xact_id();
  -- Serialise writers of one topic until commit, so ids of a topic grow in commit order
  -- and a reader resuming after an id can never miss a later-committed smaller id.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(p_topic, 0));
  insert into public.outbox_events (topic, event, payload)
  values (p_topic, p_event, coalesce(p_payload, '{}'::jsonb))
  returning id into event_id;
  return event_id;
end;
$$;
comment on function private.publish_event(text, text, jsonb) is
  'Appends an event to the outbox in the caller''s transaction (its transaction id taken first, then the topic''s lock until commit). Called by the security definer RPCs only.';

create or replace function private.broadcast_outbox_event()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.send(new.payload || jsonb_build_object('event_id', new.id), new.event, new.topic, true);
  return null;
end;
$$;
comment on function private.broadcast_outbox_event() is
  'Sends each outbox event to its private Realtime channel (the SSE hubs poll the outbox themselves). Security definer (owner postgres bypasses RLS): realtime.send swallows every error, including an RLS refusal, so it must never run as the client.';
