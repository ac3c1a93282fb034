// The AI tutor panel: a question, the answer streamed as it is written (the AI SDK's UI
// message stream over SSE from functions/ai-tutor). While an exam question is open the
// tutor refuses to help with it: the refusal is shown as it comes.

import { h } from './common.js';

/** Reads the UI message stream of `response`, calling `onText` with each delta. */
async function readStream(response, onText) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of frame.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') continue;
        const chunk = JSON.parse(data);
        if (chunk.type === 'text-delta') onText(chunk.delta ?? '');
        if (chunk.type === 'error') throw new Error(chunk.errorText ?? 'The tutor failed');
      }
    }
  }
}

/** Mounts the panel in `root`. */
export function mountTutor(root, { exam, supabase, attemptId }) {
  const answer = h('div', { class: 'answer', 'aria-live': 'polite' });
  const input = h('textarea', { name: 'question', rows: 2, 'aria-label': 'Ask the tutor', placeholder: 'Ask about a topic you are studying' });
  const form = h('form', {}, input, h('button', { type: 'submit' }, 'Ask'));
  root.replaceChildren(h('h2', {}, 'AI tutor'), form, answer);
  const conversationId = `demo-${crypto.randomUUID()}`;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    answer.textContent = '';
    answer.dataset.kind = 'streaming';
    try {
      const { data } = await supabase.auth.getSession();
      const response = await exam.context.fetch(`${exam.context.functionsUrl}/ai-tutor`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${data.session?.access_token}` },
        body: JSON.stringify({
          id: conversationId,
          message: { id: crypto.randomUUID(), role: 'user', parts: [{ type: 'text', text }] },
          ...(attemptId ? { context: { attemptId } } : {}),
        }),
      });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        throw new Error(body.message ?? `The tutor answered ${response.status}`);
      }
      await readStream(response, (delta) => answer.append(delta));
      answer.dataset.kind = 'done';
    } catch (error) {
      answer.textContent = error.message;
      answer.dataset.kind = 'error';
    }
  });
}
