/**
 * `ai-tutor`: `POST` a student's message; the answer streams in the AI SDK's
 * UI message stream protocol (for `useChat`), from OpenAI, Anthropic, Google
 * or an OpenAI-compatible server, after the integrity rule and the budgets
 * are checked in Postgres. Logic in `./handler.ts`.
 *
 * @module
 */

import { getConfig } from "../_shared/env.ts";
import { getTutorSettings } from "./config.ts";
import { createAiTutorHandler } from "./handler.ts";

const aiTutor = createAiTutorHandler();

/**
 * Answers `POST /ai-tutor`.
 *
 * @example
 * ```ts
 * const response = await handler(new Request("http://localhost/ai-tutor", {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
 *   body: JSON.stringify({ id: "chat-1", messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "Hi" }] }] }),
 * }));
 * response.headers.get("x-vercel-ai-ui-message-stream"); // "v1"
 * ```
 */
export function handler(request: Request): Promise<Response> {
  return aiTutor(request);
}

if (import.meta.main) {
  getConfig(); // fail fast on a bad environment
  getTutorSettings();
  Deno.serve(handler);
}
