import assert from "node:assert/strict";
import { simulateReadableStream } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { parseTutorRequest } from "../../functions/ai-tutor/body.ts";
import { parseTutorSettings } from "../../functions/ai-tutor/config.ts";
import { windowHistory } from "../../functions/ai-tutor/history.ts";
import {
  buildSystemPrompt,
  guessLanguage,
  PROMPT_VERSION,
  refusalText,
} from "../../functions/ai-tutor/prompt.ts";
import { chooseModel } from "../../functions/ai-tutor/providers.ts";
import { type AnswerOutcome, streamAnswer } from "../../functions/ai-tutor/stream.ts";
import { ConfigError } from "../../functions/_shared/env.ts";

type Chunk = Record<string, unknown> & { type: string };

function usage(input: number, output: number) {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

function textModel(tokens: string[], options: { delayMs?: number } = {}) {
  return new MockLanguageModelV4({
    doStream: () =>
      Promise.resolve({
        stream: simulateReadableStream({
          chunkDelayInMs: options.delayMs ?? 0,
          chunks: [
            { type: "text-start", id: "t1" },
            ...tokens.map((delta) => ({ type: "text-delta" as const, id: "t1", delta })),
            { type: "text-end", id: "t1" },
            {
              type: "finish",
              finishReason: { unified: "stop", raw: "stop" },
              usage: usage(11, tokens.length),
            },
          ],
        }),
      }),
  });
}

async function run(model: MockLanguageModelV4, overrides: { maxAnswerMs?: number } = {}) {
  const answer = streamAnswer({
    model,
    system: "system",
    messages: [{ role: "user", content: "Hi" }],
    messageId: "m-1",
    metadata: { promptVersion: PROMPT_VERSION },
    maxOutputTokens: 100,
    maxAnswerMs: overrides.maxAnswerMs ?? 10_000,
    retryBackoffMs: 5,
    startedAt: performance.now(),
  });
  const chunks: Chunk[] = [];
  for await (const chunk of answer.stream) chunks.push(chunk as Chunk);
  const outcome: AnswerOutcome = await answer.done;
  return { chunks, outcome };
}

Deno.test("streamAnswer() streams a mock model's text as UI message chunks with usage", async () => {
  const { chunks, outcome } = await run(textModel(["Hel", "lo", "!"]));
  assert.deepEqual(chunks.map((chunk) => chunk.type), [
    "start",
    "text-start",
    "text-delta",
    "text-delta",
    "text-delta",
    "text-end",
    "finish",
  ]);
  assert.equal(chunks[0]!.messageId, "m-1");
  assert.equal(outcome.text, "Hello!");
  assert.equal(outcome.status, "complete");
  assert.equal(outcome.finishReason, "stop");
  assert.equal(outcome.usage?.inputTokens, 11);
  assert.equal(outcome.usage?.outputTokens, 3);
  assert.ok(outcome.firstTokenMs !== undefined && outcome.firstTokenMs <= outcome.latencyMs);
});

Deno.test("streamAnswer() retries a provider error before the first token once", async () => {
  let calls = 0;
  const ok = textModel(["Fine"]);
  const model = new MockLanguageModelV4({
    doStream: (options) => {
      calls++;
      if (calls === 1) {
        return Promise.reject(Object.assign(new Error("overloaded"), { statusCode: 529 }));
      }
      return ok.doStream(options);
    },
  });
  const { chunks, outcome } = await run(model);
  assert.equal(calls, 2);
  assert.equal(outcome.calls, 2);
  assert.equal(outcome.text, "Fine");
  assert.ok(!chunks.some((chunk) => chunk.type === "error"));
});

Deno.test("streamAnswer() turns a second failure into an error chunk, never a dropped stream", async () => {
  const model = new MockLanguageModelV4({
    doStream: () =>
      Promise.reject(Object.assign(new Error("secret upstream detail"), { statusCode: 500 })),
  });
  const { chunks, outcome } = await run(model);
  assert.equal(outcome.status, "error");
  const error = chunks.find((chunk) => chunk.type === "error");
  assert.match(String(error?.errorText), /HTTP 500/);
  assert.doesNotMatch(String(error?.errorText), /secret/);
  assert.equal(chunks.at(-1)!.type, "finish");
});

Deno.test("streamAnswer() cuts an answer at its time limit with finish reason time_limit", async () => {
  const { chunks, outcome } = await run(
    textModel(["a", "b", "c", "d", "e", "f"], { delayMs: 40 }),
    {
      maxAnswerMs: 100,
    },
  );
  assert.equal(outcome.status, "aborted");
  assert.equal(outcome.finishReason, "time_limit");
  const finish = chunks.at(-1)!;
  assert.equal(finish.type, "finish");
  assert.equal((finish.messageMetadata as { finishReason: string }).finishReason, "time_limit");
  assert.ok(chunks.some((chunk) => chunk.type === "text-end"), "the open text part is closed");
});

Deno.test("streamAnswer() keeps generating after the reader cancels", async () => {
  const answer = streamAnswer({
    model: textModel(["one ", "two ", "three"], { delayMs: 20 }),
    system: "s",
    messages: [{ role: "user", content: "Hi" }],
    messageId: "m-2",
    metadata: {},
    maxOutputTokens: 100,
    maxAnswerMs: 10_000,
    retryBackoffMs: 5,
    startedAt: performance.now(),
  });
  const reader = answer.stream.getReader();
  await reader.read();
  await reader.cancel();
  const outcome = await answer.done;
  assert.equal(outcome.text, "one two three");
  assert.equal(outcome.delivered, false);
});

Deno.test("buildSystemPrompt() names academy, specialty, weak sub-skills and a closed question", () => {
  const prompt = buildSystemPrompt({
    academyName: "East Academy",
    specialty: "Medicine",
    weakSubSkills: [{ sub_skill: "algebra", accuracy: 0.25, answered: 8 }],
    question: {
      prompt: "What is 2 + 2?",
      type: "single_choice",
      options: [{ id: "a", text: "3" }, { id: "b", text: "4" }],
      explanation: "Count on your fingers.",
      answer: "a",
      is_correct: false,
    },
  });
  assert.match(prompt, /East Academy/);
  assert.match(prompt, /Medicine/);
  assert.match(prompt, /algebra \(25% correct of 8\)/);
  assert.match(prompt, /Socratic/);
  assert.match(prompt, /language the student writes in/);
  assert.match(prompt, /Their answer: "a" \(incorrect\)/);
  assert.match(prompt, /Count on your fingers/);
});

Deno.test("windowHistory() keeps the newest messages that fit, oldest first, without refusals", () => {
  const text = (value: string) => [{ type: "text", text: value }];
  const newestFirst = [
    { id: "4", role: "assistant" as const, parts: text("x".repeat(40)) },
    { id: "3", role: "user" as const, parts: text("y".repeat(40)) },
    { id: "2r", role: "assistant" as const, parts: text("refused"), status: "refused" },
    { id: "2", role: "assistant" as const, parts: text("z".repeat(400)) },
    { id: "1", role: "user" as const, parts: text("w".repeat(40)) },
  ];
  const { messages, tokens } = windowHistory(newestFirst, 40);
  assert.deepEqual(messages.map((message) => message.role), ["user", "assistant"]);
  assert.ok(tokens <= 40);
});

Deno.test("guessLanguage() and refusalText() answer in the student's language", () => {
  assert.equal(guessLanguage("¿Cómo se resuelve la pregunta 3 del examen?"), "es");
  assert.equal(guessLanguage("Was ist die Lösung für die Aufgabe?"), "de");
  assert.equal(guessLanguage("What is the answer to this question?"), "en");
  assert.match(refusalText("Pourquoi la réponse est-ce celle-ci ?"), /examen/);
});

Deno.test("parseTutorRequest() takes useChat's last user message and ignores the client's history", () => {
  const turn = parseTutorRequest({
    id: "chat_1",
    trigger: "submit-message",
    messages: [
      { id: "a1", role: "assistant", parts: [{ type: "text", text: "forged history" }] },
      { id: "u2", role: "user", parts: [{ type: "text", text: "Help me" }] },
    ],
    context: { subSkill: "algebra" },
  }, 100);
  assert.deepEqual(turn, {
    conversationId: "chat_1",
    messageId: "u2",
    text: "Help me",
    context: { subSkill: "algebra" },
  });
  assert.throws(() => parseTutorRequest({ id: "c", messages: [] }, 100), /no new user message/);
  assert.throws(
    () =>
      parseTutorRequest({
        message: { role: "user", parts: [{ type: "text", text: "x".repeat(5) }] },
      }, 4),
    /longer than 4/,
  );
});

Deno.test("parseTutorSettings() reads providers and budgets, failing fast on a bad value", () => {
  const settings = parseTutorSettings({});
  assert.equal(settings.provider, "openai");
  assert.equal(settings.budgets.requestsPerMinute, 60);
  assert.throws(() => parseTutorSettings({ AI_TUTOR_PROVIDER: "cohere" }), ConfigError);
  assert.throws(
    () => parseTutorSettings({ AI_TUTOR_MAX_ANSWER_MS: "200000" }),
    /AI_TUTOR_MAX_ANSWER_MS/,
  );
  assert.deepEqual(chooseModel(settings, { provider: "google" }), {
    provider: "google",
    model: "gemini-2.0-flash",
  });
  assert.deepEqual(chooseModel(parseTutorSettings({ AI_TUTOR_MODEL: "gpt-x" })), {
    provider: "openai",
    model: "gpt-x",
  });
});
