/**
 * A Server-Sent Events reader over `fetch` (so it can send `Authorization` and
 * `Last-Event-ID`, which EventSource cannot), used for the `attempt-events` stream.
 *
 * @module
 */

import type { Fetch } from "./transport.ts";

/** One SSE message. */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/** Thrown when the stream cannot be opened; `status` 0 for no HTTP answer. */
export class SseOpenError extends Error {
  override name = "SseOpenError";
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * Opens `url` and calls `onOpen` once the answer is 200, then `onMessage` for each
 * message; resolves when the stream ends (closed by the server or by `signal`).
 *
 * @example
 * ```ts
 * await readSse(fetch, url, { signal, lastEventId: "41", onMessage: (m) => console.log(m.event) });
 * ```
 * @throws {SseOpenError} when the answer is not 200 or nothing answers.
 */
export async function readSse(
  fetch: Fetch,
  url: string,
  options: { signal: AbortSignal; lastEventId?: string; onOpen?: () => void; onMessage: (message: SseMessage) => void },
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      signal: options.signal,
      headers: {
        accept: "text/event-stream",
        ...(options.lastEventId === undefined ? {} : { "last-event-id": options.lastEventId }),
      },
    });
  } catch (error) {
    throw new SseOpenError(0, error instanceof Error ? error.message : String(error));
  }
  if (response.status !== 200 || response.body === null) {
    const text = await response.text().catch(() => "");
    throw new SseOpenError(response.status, `Cannot open event stream: ${response.status} ${text.slice(0, 200)}`);
  }
  options.onOpen?.();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, "\n");
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message: SseMessage = { event: "message", data: "" };
        let hasData = false;
        for (const line of block.split("\n")) {
          if (line === "" || line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "data") {
            message.data += (hasData ? "\n" : "") + text;
            hasData = true;
          } else if (field === "event") message.event = text;
          else if (field === "id") message.id = text;
        }
        if (hasData || message.id !== undefined) options.onMessage(message);
      }
    }
  } catch (error) {
    if (!options.signal.aborted) throw error;
  } finally {
    reader.releaseLock();
  }
}
