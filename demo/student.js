// The student's exam page: sign in, join a live session by code (or practise), then the
// attempt: every question type, flags, sections, the server's timer, the sync indicator,
// conflicts with both values, submission and the result. All of it through the SDK.
import { $, announce, call, connect, DEMO_EXAM_ID, formatMs, h, params, signIn } from './common.js';
import { describeValue, renderControls, showValue } from './questions.js';
import { upgrade } from './dist/sdk.js';
import { mountChat } from './chat.js';
import { mountTutor } from './tutor.js';

const { supabase, exam } = await connect();
const user = await signIn(supabase);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function chooseAttempt() {
  if (params.get('attempt')) return params.get('attempt');
  const start = $('#start');
  start.hidden = false;
  return new Promise((resolve) => {
    $('#practice').addEventListener('click', async () => {
      const attempt = await call(supabase, 'start_attempt', { p_exam_id: DEMO_EXAM_ID, p_mode: 'practice' });
      resolve(attempt.id);
    });
    $('#join').addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const joined = await exam.sessions.join(event.target.elements.code.value.trim());
        $('#lobby').hidden = false;
        announce('');
        resolve(await joined.waitForLaunch());
        joined.close();
      } catch (error) {
        announce(error.message, 'error');
      }
    });
  }).finally(() => {
    start.hidden = true;
  });
}

/** Questions kept on this device for `attemptId` (what an offline reload can still tell). */
async function storedPending(attemptId) {
  return upgrade(await exam.context.store.load(`examsync:attempt:${attemptId}`)).ops.length;
}

function setSync(text, kind) {
  const sync = $('#sync');
  sync.hidden = false;
  sync.textContent = text;
  sync.dataset.kind = kind;
}

/** Opens the attempt, retrying while the server cannot be reached (an offline reload). */
async function openAttempt(attemptId) {
  for (;;) {
    try {
      return await exam.open(attemptId);
    } catch (error) {
      if (error.code) throw error;
      const pending = await storedPending(attemptId);
      setSync(`Offline: ${pending} change${pending === 1 ? '' : 's'} queued`, 'offline');
      announce('Cannot reach the server: your answers are kept on this device and sent when it is back.', 'warning');
      await sleep(1000);
    }
  }
}

const attemptId = await chooseAttempt();
const url = new URL(location.href);
url.searchParams.set('attempt', attemptId);
url.searchParams.delete('password');
history.replaceState(null, '', url);

const session = await openAttempt(attemptId);
announce('');
const snapshot = session.snapshot;
const questionsById = new Map(snapshot.questions.map((question) => [question.id, question]));
$('#exam-title').textContent = snapshot.exam.title;
$('#exam').hidden = false;
$('#timer').hidden = false;
mountChat($('#chat'), { exam, supabase, user });
mountTutor($('#tutor'), { exam, supabase, attemptId });

let currentSection = null;
const rendered = new Map(); // question id → its <li>

function renderSections(state) {
  const nav = $('#sections');
  nav.replaceChildren(...snapshot.sections.map((section) => h('button', {
    type: 'button',
    'aria-current': section.id === currentSection ? 'step' : false,
    'data-section-id': section.id,
    onclick: () => {
      currentSection = section.id;
      void session.enterSection(section.id);
      renderQuestions();
      update(session.getState());
    },
  }, `${section.title}${state.sections[section.id] === 'completed' ? ' ✓' : ''}`)));
}

function renderQuestions() {
  const list = $('#questions');
  rendered.clear();
  const shown = snapshot.questions.filter((question) => currentSection === null || question.sectionId === currentSection);
  list.replaceChildren(...shown.map((question) => {
    const flag = h('button', {
      type: 'button', class: 'flag', 'aria-pressed': 'false',
      onclick: () => {
        const flagged = session.getState().flags.includes(question.id);
        void (flagged ? session.unflag(question.id) : session.flag(question.id));
      },
    }, 'Flag for review');
    const item = h('li', { class: 'question card', 'data-question-id': question.id, 'data-type': question.type },
      h('p', { class: 'prompt' }, h('span', { class: 'type' }, question.type.replace('_', ' ')), ' ', question.prompt),
      renderControls(question, (value) => {
        void session.goTo(question.id);
        void (value === null ? session.clearAnswer(question.id) : session.answer(question.id, value));
      }),
      flag);
    rendered.set(question.id, item);
    return item;
  }));
}

function syncStatus(state) {
  const n = state.pendingChanges;
  const changes = `${n} change${n === 1 ? '' : 's'}`;
  if (n === 0 && !state.syncing) return ['Saved', 'saved'];
  if (state.paused || state.error?.code === 'attempt_paused') return [`Paused: ${changes} kept on this device`, 'paused'];
  if (!navigator.onLine || state.error?.code === 'network') return [`Offline: ${changes} queued`, 'offline'];
  return ['Saving…', 'saving'];
}

function renderConflicts(state) {
  $('#conflicts').replaceChildren(...state.conflicts.map((conflict) => {
    const question = questionsById.get(conflict.questionId);
    return h('div', { class: 'conflict card', role: 'group', 'aria-label': 'Conflict' },
      h('p', {}, h('strong', {}, 'Changed on another device: '), question?.prompt ?? conflict.questionId),
      h('p', {}, `Yours: ${describeValue(question, conflict.localValue)} · Saved: ${describeValue(question, conflict.serverValue)}`),
      h('button', { type: 'button', onclick: () => session.resolveConflict(conflict.id, 'local') }, 'Keep mine'),
      ' ',
      h('button', { type: 'button', onclick: () => session.resolveConflict(conflict.id, 'server') }, 'Keep the saved one'));
  }));
}

function showResult() {
  const attempt = session.snapshot.attempt;
  $('#exam').hidden = true;
  const result = $('#result');
  result.hidden = false;
  result.replaceChildren(h('h2', {}, 'Submitted'),
    h('p', { id: 'score' }, attempt.score === null ? `Status: ${attempt.status}; the score comes after grading.`
      : `Score: ${attempt.score} / ${attempt.maxScore}`));
}

function update(state) {
  if (currentSection === null && snapshot.sections.length > 0) {
    currentSection = Object.entries(state.sections).find(([, status]) => status === 'in_progress')?.[0] ?? snapshot.sections[0].id;
    renderQuestions();
  }
  renderSections(state);
  for (const [questionId, item] of rendered) {
    showValue(questionsById.get(questionId), item, state.answers[questionId]);
    const flagged = state.flags.includes(questionId);
    item.classList.toggle('flagged', flagged);
    const button = item.querySelector('.flag');
    button.setAttribute('aria-pressed', String(flagged));
    button.textContent = flagged ? 'Flagged ⚑' : 'Flag for review';
  }
  const [text, kind] = syncStatus(state);
  setSync(text, kind);
  renderConflicts(state);
  if (state.paused || state.error?.code === 'attempt_paused') {
    announce('Your teacher has paused the exam: the timer is stopped and saving is refused until it resumes. Your changes are kept on this device.', 'warning');
  } else if (state.error && state.error.code !== 'network') {
    announce(`Not saved: ${state.error.message}`, 'error');
  } else if (document.getElementById('notice').dataset.kind !== 'info') {
    announce('');
  }
  if (['submitted', 'expired', 'abandoned'].includes(state.status)) showResult();
}

session.subscribe(update);
if (snapshot.sections.length === 0) renderQuestions();
update(session.getState());
addEventListener('online', () => update(session.getState()));
addEventListener('offline', () => update(session.getState()));

setInterval(() => {
  const timer = $('#timer');
  timer.textContent = formatMs(session.remainingMs());
  timer.dataset.paused = String(session.getState().paused);
}, 250);
// This device is online on the teacher's table while the page is open.
const beat = () => supabase.rpc('update_attempt_heartbeat', { p_attempt_id: attemptId, p_client_id: session.clientId }).then(() => {}, () => {});
void beat();
setInterval(beat, 15_000);

$('#submit').addEventListener('click', async () => {
  try {
    await session.flush();
    await call(supabase, 'submit_attempt', { p_attempt_id: attemptId });
    await session.refresh();
    showResult();
  } catch (error) {
    announce(`Cannot submit: ${error.message}`, 'error');
  }
});
window.examsync = { session, exam, supabase };
