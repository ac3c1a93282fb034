/**
 * One answer of the tutor as a stream of the AI SDK's UI message chunks,
 * generated independently of who reads it: a client that goes away stops
 * receiving, never the generation, so the whole answer is stored. A provider
 * error before the first token is retried once after a backoff; after that
 * (or mid-answer) it becomes an `error` chunk, never a dropped connection.
 * The answer is cut at a time limit below the platform's idle limit.
 *
 * @module
 */

import {
  type LanguageModel,
  type LanguageModelUsage,
  type ModelMessage,
  streamText,
  type UIMessageChunk,
} from "ai";

/** How an answer ended. */
export interface AnswerOutcome {
  text: string;
  status: "complete" | "aborted" | "error";
  /** The model's finish reason, `time_limit`, or `error`. */
  finishReason: string;
  usage?: LanguageModelUsage;
  /** Milliseconds from `startedAt` to the first token. */
  firstTokenMs?: number;
  /** Milliseconds from `startedAt` to the end. */
  latencyMs: number;
  /** Provider calls made (2 after a retry). */
  calls: number;
  errorText?: string;
  /** Whether the client was still reading at the end. */
  delivered: boolean;
}

/** Options of {@linkcode streamAnswer}. */
export interface StreamAnswerOptions {
  model: LanguageModel;
  system: string;
  messages: ModelMessage[];
  /** Id of the assistant message (the `start` chunk's `messageId`). */
  messageId: string;
  /** Metadata of the `start` and `finish` chunks. */
  metadata: Record<string, unknown>;
  maxOutputTokens: number;
  maxAnswerMs: number;
  retryBackoffMs: number;
  /** `performance.now()` when the request arrived. */
  startedAt: number;
}

/** A running answer. */
export interface RunningAnswer {
  /** The chunks for the response; cancelling it does not stop the generation. */
  stream: ReadableStream<UIMessageChunk>;
  /** Settles when the generation has ended (never rejects). */
  done: Promise<AnswerOutcome>;
}

class TimeLimit extends Error {
  override name = "TimeLimit";
}

/**
 * Starts an answer.
 *
 * @example
 * ```ts
 * const answer = streamAnswer({ model, system, messages, messageId, metadata: {}, maxOutputTokens: 1024,
 *   maxAnswerMs: 120_000, retryBackoffMs: 500, startedAt: performance.now() });
 * return createUIMessageStreamResponse({ stream: answer.stream });
 * ```
 */
export function streamAnswer(options: StreamAnswerOptions): RunningAnswer {
  let controller!: ReadableStreamDefaultController<UIMessageChunk>;
  let clientGone = false;
  const stream = new ReadableStream<UIMessageChunk>({
    start(c) {
      controller = c;
    },
    cancel() {
      clientGone = true;
    },
  });
  const write = (chunk: UIMessageChunk) => {
    if (clientGone) return;
    try {
      controller.enqueue(chunk);
    } catch {
      clientGone = true;
    }
  };
  const done = generate(options, write).then((outcome) => {
    if (!clientGone) {
      try {
        controller.close();
      } catch { /* already closed by a cancel */ }
    }
    return { ...outcome, delivered: !clientGone };
  });
  return { stream, done };
}

async function generate(
  options: StreamAnswerOptions,
  write: (chunk: UIMessageChunk) => void,
): Promise<Omit<AnswerOutcome, "delivered">> {
  write({ type: "start", messageId: options.messageId, messageMetadata: options.metadata });
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new TimeLimit("The answer reached its time limit")),
    options.maxAnswerMs,
  );
  let text = "";
  let firstTokenMs: number | undefined;
  let usage: LanguageModelUsage | undefined;
  let finishReason = "stop";
  let errorText: string | undefined;
  let calls = 0;
  const open = new Set<string>();
  try {
    for (let call = 1; call <= 2; call++) {
      calls = call;
      let failure: unknown;
      let emitted = false;
      const result = streamText({
        model: options.model,
        system: options.system,
        messages: options.messages,
        maxOutputTokens: options.maxOutputTokens,
        abortSignal: abort.signal,
        maxRetries: 0,
        onError: () => {},
      });
      try {
        for await (const part of result.stream) {
          switch (part.type) {
            case "text-start":
              open.add(part.id);
              write({ type: "text-start", id: part.id });
              break;
            case "text-delta":
              if (part.text.length === 0) break;
              firstTokenMs ??= performance.now() - options.startedAt;
              emitted = true;
              text += part.text;
              write({ type: "text-delta", id: part.id, delta: part.text });
              break;
            case "text-end":
              open.delete(part.id);
              write({ type: "text-end", id: part.id });
              break;
            case "finish":
              usage = part.totalUsage;
              finishReason = part.finishReason;
              break;
            case "error":
              failure = part.error;
              break;
          }
        }
      } catch (error) {
        failure = error;
      }
      if (abort.signal.aborted) break;
      if (failure === undefined) break;
      if (!emitted && call === 1) {
        closeOpen(open, write);
        await sleep(options.retryBackoffMs);
        continue;
      }
      errorText = describeFailure(failure);
      break;
    }
  } finally {
    clearTimeout(timer);
  }
  closeOpen(open, write);
  let status: AnswerOutcome["status"] = "complete";
  if (abort.signal.aborted) {
    status = "aborted";
    finishReason = "time_limit";
  } else if (errorText !== undefined) {
    status = "error";
    finishReason = "error";
    write({ type: "error", errorText });
  }
  const latencyMs = performance.now() - options.startedAt;
  write({
    type: "finish",
    finishReason: status === "aborted"
      ? "length"
      : status === "error"
      ? "error"
      : uiFinishReason(finishReason),
    messageMetadata: {
      ...options.metadata,
      finishReason,
      ...(usage
        ? { usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens } }
        : {}),
    },
  });
  return { text, status, finishReason, usage, firstTokenMs, latencyMs, calls, errorText };
}

function closeOpen(open: Set<string>, write: (chunk: UIMessageChunk) => void): void {
  for (const id of open) write({ type: "text-end", id });
  open.clear();
}

const UI_FINISH_REASONS = new Set([
  "stop",
  "length",
  "content-filter",
  "tool-calls",
  "error",
  "other",
]);

function uiFinishReason(
  reason: string,
): "stop" | "length" | "content-filter" | "tool-calls" | "error" | "other" {
  return (UI_FINISH_REASONS.has(reason) ? reason : "other") as "stop";
}

/**
 * A failure as text a student may see: the provider's HTTP status, never its
 * body or a stack.
 */
function describeFailure(error: unknown): string {
  const status = typeof error === "object" && error !== null
    ? (error as { statusCode?: unknown }).statusCode
    : undefined;
  return typeof status === "number"
    ? `The tutor could not answer: the AI provider failed (HTTP ${status}). Please try again.`
    : "The tutor could not answer: the AI provider failed. Please try again.";
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
