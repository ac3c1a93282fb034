/**
 * The request of `ai-tutor`: what `useChat`'s `DefaultChatTransport` sends
 * (`{ id, messages, trigger, messageId }`, plus the `body` option's fields),
 * or just the new message (`{ id, message }`). Only the last user message is
 * taken: the history comes from the database, never from the client.
 *
 * @module
 */

import { z } from "zod";
import { HttpError } from "../_shared/errors.ts";
import { textOf } from "./history.ts";

const ID = /^[A-Za-z0-9_-]{1,100}$/;

const UiMessageSchema = z.object({
  id: z.string().max(200).optional(),
  role: z.enum(["user", "assistant", "system"]),
  parts: z.array(z.object({ type: z.string().max(100), text: z.string().optional() })).max(100),
});

/** The context a client may give: what the student is looking at. */
export const TutorContextSchema = z.object({
  academyId: z.uuid().optional(),
  examId: z.uuid().optional(),
  sectionId: z.uuid().optional(),
  questionId: z.uuid().optional(),
  attemptId: z.uuid().optional(),
  subSkill: z.string().max(120).optional(),
});
/** See {@linkcode TutorContextSchema}. */
export type TutorContext = z.infer<typeof TutorContextSchema>;

/** The request body. */
export const TutorRequestSchema = z.object({
  id: z.string().regex(ID, "Conversation ids are 1 to 100 letters, digits, _ or -").optional(),
  messages: z.array(UiMessageSchema).max(1000).optional(),
  message: UiMessageSchema.optional(),
  trigger: z.string().max(100).optional(),
  messageId: z.string().max(200).optional(),
  context: TutorContextSchema.optional(),
});

/** A parsed turn. */
export interface TutorTurn {
  conversationId: string;
  /** The client's id of the new user message, when usable. */
  messageId?: string;
  text: string;
  context: TutorContext;
}

/**
 * Parses a request body into a turn.
 *
 * @example
 * ```ts
 * parseTutorRequest({ id: "chat-1", messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "Hi" }] }] }, 8000);
 * // { conversationId: "chat-1", messageId: "m1", text: "Hi", context: {} }
 * ```
 * @throws {HttpError} 400 `no_user_message`, `empty_message` or `message_too_long`; a `ZodError` for another shape.
 */
export function parseTutorRequest(body: unknown, maxMessageChars: number): TutorTurn {
  const request = TutorRequestSchema.parse(body);
  const message = request.message ?? request.messages?.at(-1);
  if (message === undefined || message.role !== "user") {
    throw new HttpError(400, {
      code: "no_user_message",
      message:
        "Cannot answer: the request holds no new user message (send message, or messages ending with one)",
    });
  }
  const text = textOf(message.parts).trim();
  if (text.length === 0) {
    throw new HttpError(400, {
      code: "empty_message",
      message: "Cannot answer: the message has no text",
    });
  }
  if (text.length > maxMessageChars) {
    throw new HttpError(400, {
      code: "message_too_long",
      message: `Cannot answer: the message is longer than ${maxMessageChars} characters`,
      details: { maxMessageChars, length: text.length },
    });
  }
  return {
    conversationId: request.id ?? crypto.randomUUID(),
    messageId: message.id !== undefined && ID.test(message.id) ? message.id : undefined,
    text,
    context: request.context ?? {},
  };
}
