/**
 * The `ai-tutor` handler: `POST` a student's message, answered with the AI
 * SDK's UI message stream (SSE, `x-vercel-ai-ui-message-stream: v1`), so
 * `useChat` with a `DefaultChatTransport` works unchanged.
 *
 * Order: CORS preflight; method (405); token (401); a signed-in user (401 /
 * 403); requests per minute (429 `tutor_rate_limited`); the body (400); the
 * turn prepared in SQL as the student: conversation (404
 * `conversation_not_found` for another user's) and the integrity rule, which
 * answers a refusal (code `exam_in_progress`) without calling any provider;
 * the model (503 `tutor_not_configured`); the token budgets (429
 * `tutor_daily_tokens_exceeded` | `tutor_monthly_tokens_exceeded`); then the
 * streamed answer, stored with its usage whether or not the client stays.
 *
 * @module
 */

import { createUIMessageStreamResponse, type UIMessageChunk } from "ai";
import { type Db, getDb } from "../_shared/db.ts";
import { readJson, serveHandler } from "../_shared/http.ts";
import { authenticate, type JwtKeys, requireUser } from "../_shared/jwt.ts";
import { parseTutorRequest } from "./body.ts";
import { takeTutorRequest } from "./budget.ts";
import { getTutorSettings, type TutorSettings } from "./config.ts";
import { estimateTokens, windowHistory } from "./history.ts";
import { buildSystemPrompt, PROMPT_VERSION, refusalText } from "./prompt.ts";
import { chooseModel, type ModelFactory, providerModels } from "./providers.ts";
import { streamAnswer } from "./stream.ts";
import { beginAnswer, finishAnswer, type PreparedTurn, prepareTurn, storeRefusal } from "./turn.ts";

/** Options of {@linkcode createAiTutorHandler}; defaults come from the environment. */
export interface AiTutorOptions {
  db?: Db;
  keys?: JwtKeys;
  settings?: TutorSettings;
  /** Makes the model of a turn; default the provider packages. */
  models?: ModelFactory;
  /** Called with each answer's storage promise (tests wait on it). */
  onStored?: (stored: Promise<unknown>) => void;
}

/** The code of a refused turn, in the stream and the `x-tutor-code` header. */
export const EXAM_IN_PROGRESS = "exam_in_progress";

/**
 * Creates the `ai-tutor` handler.
 *
 * @example
 * ```ts
 * Deno.serve(createAiTutorHandler());
 * ```
 */
export function createAiTutorHandler(
  options: AiTutorOptions = {},
): (request: Request) => Promise<Response> {
  return serveHandler(async (request) => {
    const startedAt = performance.now();
    const settings = options.settings ?? getTutorSettings();
    const db = options.db ?? getDb();
    const claims = requireUser(await authenticate(request, { keys: options.keys }));
    await takeTutorRequest(db, claims.sub, settings.budgets.requestsPerMinute);
    const turn = parseTutorRequest(await readJson(request), settings.maxMessageChars);
    const prepared = await prepareTurn(db, claims, request, turn);
    const userMessage = {
      id: turn.messageId,
      conversation_id: prepared.conversationId,
      role: "user" as const,
      parts: [{ type: "text", text: turn.text }],
      metadata: turn.context.subSkill ? { subSkill: turn.context.subSkill } : {},
    };
    if (prepared.refused) return await refuse(db, prepared, userMessage, turn.text, startedAt);

    const choice = chooseModel(settings, { provider: prepared.provider, model: prepared.model });
    const model = (options.models ?? providerModels(settings))(choice);
    const system = buildSystemPrompt({
      academyName: prepared.academyName,
      specialty: prepared.specialty,
      weakSubSkills: prepared.weakSubSkills,
      question: prepared.question,
      subSkill: turn.context.subSkill,
    });
    const history = windowHistory(
      prepared.history,
      Math.max(0, settings.historyTokens - estimateTokens(turn.text)),
    );
    const reservation = estimateTokens(system) + history.tokens + estimateTokens(turn.text) +
      settings.maxOutputTokens;
    const reservationId = await beginAnswer(db, {
      userId: claims.sub,
      academyId: prepared.academyId,
      tokens: reservation,
      budgets: settings.budgets,
      userMessage,
    });

    const messageId = crypto.randomUUID();
    const metadata = {
      conversationId: prepared.conversationId,
      promptVersion: PROMPT_VERSION,
      provider: choice.provider,
      model: choice.model,
    };
    const answer = streamAnswer({
      model,
      system,
      messages: [...history.messages, { role: "user", content: turn.text }],
      messageId,
      metadata,
      maxOutputTokens: settings.maxOutputTokens,
      maxAnswerMs: settings.maxAnswerMs,
      retryBackoffMs: settings.retryBackoffMs,
      startedAt,
    });
    const stored = answer.done.then((outcome) => {
      const input = outcome.usage?.inputTokens;
      const output = outcome.usage?.outputTokens;
      const usedTokens = input !== undefined || output !== undefined
        ? (input ?? 0) + (output ?? 0)
        : outcome.status === "error" && outcome.text.length === 0
        ? 0
        : null;
      return finishAnswer(db, {
        reservationId,
        usedTokens,
        answer: {
          id: messageId,
          conversation_id: prepared.conversationId,
          role: "assistant",
          parts: outcome.text.length > 0 ? [{ type: "text", text: outcome.text }] : [],
          metadata: {
            ...metadata,
            ...(outcome.errorText ? { error: outcome.errorText } : {}),
            calls: outcome.calls,
            delivered: outcome.delivered,
          },
          status: outcome.status,
          finish_reason: outcome.finishReason,
          provider: choice.provider,
          model: choice.model,
          prompt_version: PROMPT_VERSION,
          input_tokens: input,
          cached_input_tokens: outcome.usage?.inputTokenDetails?.cacheReadTokens,
          output_tokens: output,
          latency_ms: Math.round(outcome.latencyMs),
          first_token_ms: outcome.firstTokenMs === undefined
            ? undefined
            : Math.round(outcome.firstTokenMs),
        },
      });
    }).catch((error) => {
      console.error("ai-tutor: could not store an answer:", error);
    });
    keepAlive(stored);
    options.onStored?.(stored);
    return createUIMessageStreamResponse({
      stream: answer.stream,
      keepAliveMs: settings.keepAliveMs,
      headers: { "x-conversation-id": prepared.conversationId },
    });
  }, { methods: ["POST"] });
}

async function refuse(
  db: Db,
  prepared: PreparedTurn,
  userMessage: Parameters<typeof storeRefusal>[1],
  studentText: string,
  startedAt: number,
): Promise<Response> {
  const text = refusalText(studentText);
  const messageId = crypto.randomUUID();
  const refusal = {
    code: EXAM_IN_PROGRESS,
    reason: prepared.refusalReason,
    similarity: prepared.similarity,
  };
  const metadata = {
    conversationId: prepared.conversationId,
    promptVersion: PROMPT_VERSION,
    ...refusal,
  };
  await storeRefusal(db, { ...userMessage, status: "refused" }, {
    id: messageId,
    conversation_id: prepared.conversationId,
    role: "assistant",
    parts: [{ type: "text", text }, { type: "data-refusal", data: refusal }],
    metadata,
    status: "refused",
    finish_reason: EXAM_IN_PROGRESS,
    prompt_version: PROMPT_VERSION,
    latency_ms: Math.round(performance.now() - startedAt),
  });
  const chunks: UIMessageChunk[] = [
    { type: "start", messageId, messageMetadata: metadata },
    { type: "data-refusal", data: refusal },
    { type: "text-start", id: "refusal" },
    { type: "text-delta", id: "refusal", delta: text },
    { type: "text-end", id: "refusal" },
    {
      type: "finish",
      finishReason: "stop",
      messageMetadata: { ...metadata, finishReason: EXAM_IN_PROGRESS },
    },
  ];
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return createUIMessageStreamResponse({
    stream,
    headers: { "x-conversation-id": prepared.conversationId, "x-tutor-code": EXAM_IN_PROGRESS },
  });
}

/** Keeps the instance alive until `promise` settles where the runtime allows (Supabase's `EdgeRuntime.waitUntil`). */
function keepAlive(promise: Promise<unknown>): void {
  const runtime =
    (globalThis as { EdgeRuntime?: { waitUntil?: (promise: Promise<unknown>) => void } })
      .EdgeRuntime;
  runtime?.waitUntil?.(promise);
}
