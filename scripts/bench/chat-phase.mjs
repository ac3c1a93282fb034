// Phase 5: a chat room of M members with S SSE streams open on its topic while members
// send R messages a second through send_message (the REST stand-in, as supabase.rpc does):
// send latency, send-to-delivery on every stream, and errors.
import { randomUUID } from 'node:crypto';
import { psql } from '../lib/database.mjs';
import { postRpc } from '../lib/rest-rpc.mjs';
import { sleep, watch } from './load.mjs';
import { latencySummary } from './stats.mjs';

const BENCH_ACADEMY_ID = '00000000-0000-4000-8000-0000000bec01';

/**
 * Creates the bench's study-group room (`bench.chat_room`, which the pgbench script reads)
 * with the teacher as moderator and the first `members` bench students; returns its id.
 * @param {string} url @param {{ teacherId: string, members: number }} options
 */
export function createBenchRoom(url, { teacherId, members }) {
  return psql(url, { sql: `
    create table bench.chat_room as select gen_random_uuid() as room_id;
    grant select on bench.chat_room to authenticated;
    insert into public.chat_rooms (id, academy_id, kind, title, created_by)
      select room_id, '${BENCH_ACADEMY_ID}', 'study_group', 'Bench room', '${teacherId}' from bench.chat_room;
    insert into public.chat_room_members (room_id, user_id, role)
      select r.room_id, '${teacherId}'::uuid, 'moderator'::public.chat_member_role from bench.chat_room as r
      union all
      select r.room_id, s.user_id, 'member' from bench.chat_room as r, bench.students as s where s.n <= ${members};
    select room_id from bench.chat_room;` }).split('\n').pop();
}

/**
 * @param {{ apiUrl: string, roomId: string, members: import('./load.mjs').Student[], streams: number,
 *   ratePerSecond: number, seconds: number }} options
 */
export async function runChatPhase({ apiUrl, roomId, members, streams, ratePerSecond, seconds }) {
  const abort = new AbortController();
  const sentAt = new Map(); // client_msg_id -> when the send started
  const deliveryMs = [];
  let delivered = 0;
  await watch(
    members.slice(0, streams).map((m) =>
      `${apiUrl}/functions/v1/attempt-events?topic=room:${roomId}&access_token=${m.token}`),
    abort.signal,
    (_index, event, at) => {
      if (event.event !== 'message_created') return;
      const sent = sentAt.get(JSON.parse(event.data).payload.client_msg_id);
      if (sent === undefined) return;
      delivered += 1;
      deliveryMs.push(at - sent);
    },
  );
  await sleep(2000); // the streams' members go online: let those events pass

  const sendMs = [];
  const errorCodes = {};
  let errors = 0;
  let sent = 0;
  const inFlight = new Set();
  const startedAt = performance.now();
  const total = Math.round(ratePerSecond * seconds);
  for (let i = 0; i < total; i++) {
    // Open loop: message i leaves at i / rate seconds whatever the previous ones do.
    await sleep(startedAt + (i * 1000) / ratePerSecond - performance.now());
    const member = members[i % members.length];
    const clientMsgId = randomUUID();
    const request = (async () => {
      const begun = performance.now();
      sentAt.set(clientMsgId, begun);
      try {
        const { status, body } = await postRpc(apiUrl, member.token, 'send_message',
          { p_room_id: roomId, p_body: `Message ${i} from ${member.n}`, p_client_msg_id: clientMsgId });
        sendMs.push(performance.now() - begun);
        sent += 1;
        if (status !== 200) {
          errors += 1;
          errorCodes[body.code] = (errorCodes[body.code] ?? 0) + 1;
        }
      } catch (error) {
        errors += 1;
        errorCodes[error.code ?? 'network'] = (errorCodes[error.code ?? 'network'] ?? 0) + 1;
      }
    })();
    inFlight.add(request);
    request.finally(() => inFlight.delete(request));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - startedAt) / 1000;
  await sleep(2000);
  abort.abort();
  return {
    members: members.length,
    streams,
    seconds,
    messagesPerSecond: Math.round((sent / elapsed) * 10) / 10,
    sendLatencyMs: latencySummary(sendMs),
    errors,
    errorCodes,
    deliveries: delivered,
    expectedDeliveries: (sent - errors) * streams,
    sendToStreamMs: latencySummary(deliveryMs),
  };
}
