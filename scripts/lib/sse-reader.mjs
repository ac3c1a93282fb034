// A minimal Server-Sent Events reader over fetch, as a browser's EventSource reads.

/**
 * Opens an SSE stream and calls `onEvent` for each event; resolves once the response
 * headers arrived (rejects on a non-200), and keeps reading until `signal` aborts.
 * @param {string} url
 * @param {{ signal: AbortSignal, onEvent: (event: { id?: string, event: string, data: string }) => void,
 *   headers?: Record<string, string>, onClose?: () => void }} options
 */
export async function openEventStream(url, { signal, onEvent, headers = {}, onClose = () => {} }) {
  const response = await fetch(url, { signal, headers: { accept: 'text/event-stream', ...headers } });
  if (response.status !== 200) {
    throw new Error(`Cannot open stream: ${response.status} ${await response.text()}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = { event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'data') event.data += (event.data ? '\n' : '') + text;
            else if (field === 'event') event.event = text;
            else if (field === 'id') event.id = text;
          }
          if (event.data || event.id) onEvent(event);
        }
      }
    } catch {
      // aborted or closed: the caller decides what that means
    } finally {
      onClose();
    }
  })();
}

/**
 * Follows a stream as EventSource does: when it ends or cannot be opened, opens it
 * again after `retryMs` with `Last-Event-ID` set to the last id received, until
 * `signal` aborts. Counts the times it (re)opened in `opened`.
 * @param {string} url
 * @param {{ signal: AbortSignal, onEvent: (event: { id?: string, event: string, data: string }) => void,
 *   retryMs?: number }} options
 */
export function followEventStream(url, { signal, onEvent, retryMs = 250 }) {
  const state = { lastEventId: undefined, opened: 0, failures: 0 };
  const connect = () => {
    if (signal.aborted) return;
    const headers = state.lastEventId ? { 'last-event-id': state.lastEventId } : {};
    const again = () => setTimeout(connect, retryMs);
    openEventStream(url, {
      signal,
      headers,
      onEvent: (event) => {
        if (event.id) state.lastEventId = event.id;
        onEvent(event);
      },
      onClose: again,
    }).then(() => { state.opened += 1; }, () => { state.failures += 1; again(); });
  };
  connect();
  return state;
}
