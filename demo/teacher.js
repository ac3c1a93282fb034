// The teacher's live session page: the lobby with the join code, admit, launch, pause and
// resume, five more minutes for one student, end; the participant table kept live by the
// session's events (the SDK's liveQuery loads the dashboard again after each).
import { $, announce, call, connect, DEMO_EXAM_ID, formatMs, h, params, signIn } from './common.js';
import { toDashboard } from './dashboard.js';
import { liveQuery } from './dist/sdk.js';
import { mountChat } from './chat.js';
import { mountTutor } from './tutor.js';

const { supabase, exam } = await connect();
const user = await signIn(supabase);
mountChat($('#chat'), { exam, supabase, user });
mountTutor($('#tutor'), { exam, supabase });

async function chooseSession() {
  if (params.get('session')) return params.get('session');
  $('#create').hidden = false;
  return new Promise((resolve) => {
    $('#create-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const form = event.target.elements;
      try {
        const created = await call(supabase, 'create_exam_session', {
          p_exam_id: DEMO_EXAM_ID, p_title: form.title.value, p_duration_seconds: Number(form.minutes.value) * 60,
        });
        $('#create').hidden = true;
        resolve(created.id);
      } catch (error) {
        announce(error.message, 'error');
      }
    });
  });
}

const sessionId = await chooseSession();
const url = new URL(location.href);
url.searchParams.set('session', sessionId);
url.searchParams.delete('password');
history.replaceState(null, '', url);
$('#live').hidden = false;

let view;
let loadedAt = Date.now();
const dashboard = await liveQuery(exam.context, {
  topics: [`session:${sessionId}`],
  events: 'sse',
  debounceMs: 50,
  load: async () => toDashboard(await call(supabase, 'get_session_dashboard', { p_session_id: sessionId })),
});

const act = (fn, args) => async () => {
  try {
    await call(supabase, fn, args);
    await dashboard.refetch();
  } catch (error) {
    announce(`${fn}: ${error.message}`, 'error');
  }
};
$('#admit').addEventListener('click', act('admit_session_participants', { p_session_id: sessionId }));
$('#launch').addEventListener('click', act('launch_exam_session', { p_session_id: sessionId }));
$('#end').addEventListener('click', act('end_exam_session', { p_session_id: sessionId }));
$('#pause').addEventListener('click', () =>
  act(view?.session.status === 'paused' ? 'resume_exam_session' : 'pause_exam_session', { p_session_id: sessionId })());

function timeLeft(participant) {
  if (participant.remainingMs === null) return '–';
  const frozen = view.session.status === 'paused' || ['submitted', 'expired'].includes(participant.attemptStatus);
  return formatMs(frozen ? participant.remainingMs : participant.remainingMs - (Date.now() - loadedAt));
}

function render() {
  if (!view) return;
  const { session, participants, totals } = view;
  $('#session-title').textContent = session.title ?? 'Live session';
  $('#join-code').textContent = session.joinCode ?? '';
  const status = $('#session-status');
  status.hidden = false;
  status.textContent = `Session ${session.status}`;
  status.dataset.kind = session.status === 'paused' ? 'paused' : session.status === 'active' ? 'saved' : 'saving';
  $('#pause').textContent = session.status === 'paused' ? 'Resume' : 'Pause';
  $('#launch').disabled = !['draft', 'lobby', 'scheduled'].includes(session.status);
  $('#totals').textContent = ['joined', 'waiting', 'active', 'submitted', 'disconnected']
    .map((key) => `${totals[key] ?? 0} ${key}`).join(' · ');
  $('#participants').replaceChildren(...participants.map((p) => h('tr', { 'data-user-id': p.userId },
    h('th', { scope: 'row' }, p.name),
    h('td', { class: 'status' }, p.attemptStatus ? `${p.status} · ${p.attemptStatus.replace('_', ' ')}` : p.status),
    h('td', { class: 'progress' },
      h('progress', { max: p.total || 1, value: p.answered, 'aria-label': `${p.answered} of ${p.total} answered` }),
      h('span', { class: 'answered' }, ` ${p.answered}/${p.total}`)),
    h('td', { class: 'flagged' }, String(p.flagged)),
    h('td', { class: 'devices' }, String(p.devices)),
    h('td', { class: 'time-left' }, timeLeft(p)),
    h('td', {},
      p.status === 'waiting' ? h('button', { type: 'button', onclick: act('admit_session_participants', { p_session_id: sessionId, p_user_ids: [p.userId] }) }, 'Admit') : null,
      p.attemptStatus === 'in_progress' ? h('button', { type: 'button', class: 'extend', onclick: act('extend_participant_time', {
        p_session_id: sessionId, p_user_id: p.userId, p_seconds: 300, p_reason: 'Extra time from the live page',
      }) }, '+5 min') : null))));
}

dashboard.subscribe((state) => {
  if (state.error) announce(state.error.message, 'error');
  if (state.data) {
    view = state.data;
    loadedAt = Date.now();
    render();
  }
});
view = dashboard.getState().data;
render();
setInterval(render, 1000);
window.examsync = { dashboard, exam, supabase };
