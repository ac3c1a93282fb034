// A small chat panel: the rooms the user belongs to, a room's messages live, sending
// (idempotent ids), who is typing and the read pointer, through the SDK's chat helper.
import { h } from './common.js';

/** Mounts the panel in `root`. */
export async function mountChat(root, { exam, supabase, user }) {
  const rooms = h('select', { 'aria-label': 'Room' });
  const log = h('ol', { class: 'messages', 'aria-live': 'polite' });
  const typing = h('p', { class: 'typing', 'aria-live': 'polite' });
  const input = h('input', { name: 'message', 'aria-label': 'Message', autocomplete: 'off', placeholder: 'Write a message' });
  const form = h('form', { class: 'send' }, input, h('button', { type: 'submit' }, 'Send'));
  root.replaceChildren(h('h2', {}, 'Chat'), rooms, log, typing, form);
  let room;

  const { data } = await supabase.rpc('get_my_rooms');
  const list = data ?? [];
  if (list.length === 0) {
    rooms.replaceWith(h('p', { class: 'muted' }, 'No rooms yet.'));
    form.hidden = true;
    return;
  }
  // A room's live stream opens only once the user picks it: over HTTP/1.1 (the local stack) a
  // browser keeps at most six connections per origin, and every open stream holds one.
  rooms.replaceChildren(h('option', { value: '' }, 'Choose a room'),
    ...list.map((r) => h('option', { value: r.room_id }, `${r.title ?? r.kind}${r.unread_count ? ` (${r.unread_count})` : ''}`)));

  const open = async (roomId) => {
    room?.close();
    room = await exam.chat.open(roomId);
    const show = (state) => {
      log.replaceChildren(...state.messages.map((m) => h('li', { class: m.author_id === user.id ? 'mine' : '' },
        h('span', { class: 'author' }, m.author_id === user.id ? 'You' : 'Them'), ' ', m.body ?? '(deleted)')));
      typing.textContent = state.typing.filter((id) => id !== user.id).length > 0 ? 'Someone is typing…' : '';
      void room.markRead().catch(() => {});
    };
    room.subscribe(show);
    show(room.getState());
  };
  rooms.addEventListener('change', () => {
    if (rooms.value) void open(rooms.value);
  });
  input.addEventListener('input', () => void room?.typing().catch(() => {}));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = input.value.trim();
    if (!body || !room) return;
    input.value = '';
    await room.send(body).catch((error) => typing.textContent = error.message);
  });
}
