/**
 * Local stand-ins of the providers' streaming APIs, speaking each one's real
 * wire format over HTTP on 127.0.0.1 (a free port), so the real provider
 * packages of the AI SDK talk to them unchanged:
 *
 * - OpenAI chat completions: `POST /v1/chat/completions`, `data: {chat.completion.chunk}` lines, `data: [DONE]`
 * - Anthropic messages: `POST /v1/messages`, `event: message_start | content_block_start |
 *   content_block_delta | content_block_stop | message_delta | message_stop`
 * - Google generateContent: `POST /v1beta/models/<model>:streamGenerateContent?alt=sse`,
 *   `data: {candidates, usageMetadata}` lines
 *
 * @module
 */

import { listen } from "./helpers.ts";

/** How a stub answers one request. */
export interface StubScript {
  /** Text pieces streamed one by one. */
  tokens: string[];
  /** Milliseconds before the first piece (time to first token). */
  firstTokenDelayMs?: number;
  /** Milliseconds between pieces. */
  tokenDelayMs?: number;
  /** Answer HTTP 500 (before streaming) instead. */
  failWithStatus?: number;
  /** Break the connection after this many pieces. */
  breakAfter?: number;
  inputTokens?: number;
  cachedInputTokens?: number;
  outputTokens?: number;
}

/** A running stub. */
export interface ProviderStub {
  /** Base URL to give the provider package (`.../v1` or `.../v1beta`). */
  baseUrl: string;
  /** Request bodies received, in order. */
  requests: Record<string, unknown>[];
  /** The scripts of the next requests (the last one repeats). */
  script(...scripts: StubScript[]): void;
  close(): Promise<void>;
}

/** The wire formats spoken. */
export type StubFormat = "openai" | "anthropic" | "google";

const encoder = new TextEncoder();

/**
 * Starts a stub of a provider.
 *
 * @example
 * ```ts
 * const stub = startProviderStub("anthropic");
 * stub.script({ tokens: ["Hel", "lo"] });
 * createAnthropic({ baseURL: stub.baseUrl, apiKey: "test" })("claude-test");
 * ```
 */
export function startProviderStub(format: StubFormat): ProviderStub {
  const requests: Record<string, unknown>[] = [];
  let scripts: StubScript[] = [{ tokens: ["Hello", "!"] }];
  let served = 0;
  const server = listen(async (request) => {
    const body = await request.json().catch(() => ({}));
    requests.push(body);
    const script = scripts[Math.min(served, scripts.length - 1)]!;
    served++;
    if (script.failWithStatus) {
      return Response.json(errorBody(format, script.failWithStatus), {
        status: script.failWithStatus,
      });
    }
    const model = String(
      (body as { model?: unknown }).model ?? new URL(request.url).pathname.split("/").pop(),
    );
    const events = eventsOf(format, script, model);
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        try {
          for (const [index, event] of events.entries()) {
            const delay = event.token === 0
              ? script.firstTokenDelayMs ?? 0
              : event.token !== undefined
              ? script.tokenDelayMs ?? 0
              : 0;
            if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
            if (script.breakAfter !== undefined && event.token === script.breakAfter) {
              // Let what was sent reach the client first: error() drops queued chunks.
              await new Promise((resolve) => setTimeout(resolve, 50));
              controller.error(new Error("stub: connection broken"));
              return;
            }
            controller.enqueue(encoder.encode(event.text));
            if (index === events.length - 1) controller.close();
          }
        } catch {
          // The client went away.
        }
      },
    });
    return new Response(stream, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    });
  });
  const path = format === "google" ? "/v1beta" : "/v1";
  return {
    baseUrl: `${server.url}${path}`,
    requests,
    script(...next) {
      scripts = next;
      served = 0;
    },
    close: () => server.close(),
  };
}

interface WireEvent {
  text: string;
  /** Index of the text piece this event carries. */
  token?: number;
}

function eventsOf(format: StubFormat, script: StubScript, model: string): WireEvent[] {
  const input = script.inputTokens ?? 42;
  const cached = script.cachedInputTokens ?? 0;
  const output = script.outputTokens ?? script.tokens.length;
  const events: WireEvent[] = [];
  if (format === "openai") {
    const base = {
      id: "chatcmpl-stub",
      object: "chat.completion.chunk",
      created: 1_764_000_000,
      model,
    };
    const data = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
    events.push({
      text: data({
        ...base,
        choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
      }),
    });
    script.tokens.forEach((token, index) =>
      events.push({
        token: index,
        text: data({
          ...base,
          choices: [{ index: 0, delta: { content: token }, finish_reason: null }],
        }),
      })
    );
    events.push({
      text: data({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }),
    });
    events.push({
      text: data({
        ...base,
        choices: [],
        usage: {
          prompt_tokens: input,
          completion_tokens: output,
          total_tokens: input + output,
          prompt_tokens_details: { cached_tokens: cached },
        },
      }),
    });
    events.push({ text: "data: [DONE]\n\n" });
  } else if (format === "anthropic") {
    const event = (name: string, value: unknown) =>
      `event: ${name}\ndata: ${JSON.stringify(value)}\n\n`;
    events.push({
      text: event("message_start", {
        type: "message_start",
        message: {
          id: "msg_stub",
          type: "message",
          role: "assistant",
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: input,
            output_tokens: 1,
            cache_read_input_tokens: cached,
            cache_creation_input_tokens: 0,
          },
        },
      }),
    });
    events.push({
      text: event("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "text", text: "" },
      }),
    });
    script.tokens.forEach((token, index) =>
      events.push({
        token: index,
        text: event("content_block_delta", {
          type: "content_block_delta",
          index: 0,
          delta: { type: "text_delta", text: token },
        }),
      })
    );
    events.push({ text: event("content_block_stop", { type: "content_block_stop", index: 0 }) });
    events.push({
      text: event("message_delta", {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { output_tokens: output },
      }),
    });
    events.push({ text: event("message_stop", { type: "message_stop" }) });
  } else {
    const data = (value: unknown) => `data: ${JSON.stringify(value)}\r\n\r\n`;
    script.tokens.forEach((token, index) => {
      const last = index === script.tokens.length - 1;
      events.push({
        token: index,
        text: data({
          candidates: [{
            content: { parts: [{ text: token }], role: "model" },
            index: 0,
            ...(last ? { finishReason: "STOP" } : {}),
          }],
          usageMetadata: {
            promptTokenCount: input,
            ...(last ? { candidatesTokenCount: output, totalTokenCount: input + output } : {}),
            cachedContentTokenCount: cached,
          },
          modelVersion: model,
        }),
      });
    });
  }
  return events;
}

function errorBody(format: StubFormat, status: number): unknown {
  if (format === "anthropic") {
    return { type: "error", error: { type: "api_error", message: `stub failure ${status}` } };
  }
  if (format === "google") {
    return { error: { code: status, message: `stub failure ${status}`, status: "INTERNAL" } };
  }
  return { error: { message: `stub failure ${status}`, type: "server_error", code: null } };
}
