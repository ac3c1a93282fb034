/**
 * The token window of a conversation's history: the newest stored messages
 * that fit, oldest first, as the AI SDK's model messages.
 *
 * @module
 */

import type { ModelMessage } from "ai";

/** A stored message as read from `public.tutor_messages`. */
export interface StoredMessage {
  id: string;
  role: "user" | "assistant";
  parts: unknown[];
  status?: string;
}

/**
 * A rough token count (four characters a token), used for the window and
 * the reservation; real usage reconciles it.
 *
 * @example
 * ```ts
 * estimateTokens("Hello there"); // 3
 * ```
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * The text of a message's parts (text parts only).
 *
 * @example
 * ```ts
 * textOf([{ type: "text", text: "Hi" }, { type: "step-start" }]); // "Hi"
 * ```
 */
export function textOf(parts: readonly unknown[]): string {
  return parts
    .filter((part): part is { type: "text"; text: string } =>
      typeof part === "object" && part !== null && (part as { type?: unknown }).type === "text" &&
      typeof (part as { text?: unknown }).text === "string"
    )
    .map((part) => part.text)
    .join("");
}

/**
 * The newest messages (given newest first) whose text fits `maxTokens`,
 * returned oldest first; refused turns and empty answers are left out.
 *
 * @example
 * ```ts
 * const { messages, tokens } = windowHistory(newestFirst, 6000);
 * ```
 */
export function windowHistory(
  newestFirst: readonly StoredMessage[],
  maxTokens: number,
): { messages: ModelMessage[]; tokens: number } {
  const kept: ModelMessage[] = [];
  let tokens = 0;
  for (const message of newestFirst) {
    if (message.status === "refused") continue;
    const text = textOf(message.parts);
    if (text.length === 0) continue;
    const cost = estimateTokens(text) + 4;
    if (tokens + cost > maxTokens) break;
    tokens += cost;
    kept.push({ role: message.role, content: text });
  }
  // A conversation sent to a model starts with the student.
  while (kept.length > 0 && kept[kept.length - 1]!.role === "assistant") kept.pop();
  return { messages: kept.reverse(), tokens };
}
