// What every demo page shares: the config, the supabase-js client, the SDK client and
// sign-in. The pages are plain ES modules over demo/dist/sdk.js.
import { createClient, createExamClient, indexedDbStore } from './dist/sdk.js';

export const DEMO_EXAM_ID = '00000000-0000-4000-8000-0000000e0001';
export const DEMO_ACADEMY_ID = '00000000-0000-4000-8000-00000000a001';
export const params = new URLSearchParams(location.search);

/** `document.querySelector`, or throws. */
export function $(selector, root = document) {
  const found = root.querySelector(selector);
  if (!found) throw new Error(`Cannot find ${selector}`);
  return found;
}

/** An element with attributes and children. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === undefined || value === null) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined));
  return element;
}

/** Minutes and seconds of a duration. */
export function formatMs(ms) {
  if (ms === null || ms === undefined) return '–';
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  return `${minutes}:${String(total % 60).padStart(2, '0')}`;
}

/** Shows a message in the page's status region. */
export function announce(text, kind = 'info') {
  const region = document.getElementById('notice');
  if (!region) return;
  region.textContent = text;
  region.dataset.kind = kind;
  region.hidden = text === '';
}

/** The supabase-js client and the SDK's, from /demo/config.json. */
export async function connect() {
  const config = await (await fetch('./config.json')).json();
  // One storage key per API, so two demo stacks in one browser do not share a session.
  const supabase = createClient(config.url, config.anonKey, { auth: { storageKey: `examsync-demo-${new URL(config.url).port}` } });
  const exam = createExamClient({
    supabase,
    functionsUrl: `${config.url}/functions/v1`,
    store: indexedDbStore(),
    events: 'sse',
    autoSaveIntervalMs: Number(params.get('autosave') ?? 1000),
    backoff: { baseMs: 250, maxMs: 2000 },
  });
  return { config, supabase, exam };
}

/**
 * Signs in with the form in `#signin` (or `?email=&password=` at once); resolves with
 * the user once signed in. A session kept from before is used as is.
 */
export async function signIn(supabase) {
  const { data } = await supabase.auth.getSession();
  const form = $('#signin');
  const wanted = params.get('email');
  if (data.session && (!wanted || data.session.user.email === wanted)) {
    form.hidden = true;
    return data.session.user;
  }
  form.hidden = false;
  if (wanted) form.elements.email.value = wanted;
  return new Promise((resolve) => {
    const attempt = async () => {
      const { data: signedIn, error } = await supabase.auth.signInWithPassword({
        email: form.elements.email.value, password: form.elements.password.value,
      });
      if (error) {
        announce(`Cannot sign in: ${error.message}`, 'error');
        return;
      }
      announce('');
      form.hidden = true;
      resolve(signedIn.user);
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void attempt();
    });
    if (wanted && params.get('password')) {
      form.elements.password.value = params.get('password');
      void attempt();
    }
  });
}

/** Throws an RPC's error; returns its data. */
export async function call(supabase, fn, args = {}) {
  const { data, error } = await supabase.rpc(fn, args);
  if (error) throw Object.assign(new Error(error.message), { code: error.code, hint: error.hint });
  return data;
}
