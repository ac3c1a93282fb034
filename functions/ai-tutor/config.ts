/**
 * Settings of `ai-tutor`, read from the environment once.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `AI_TUTOR_PROVIDER` | `openai` | `openai`, `anthropic`, `google` or `openai-compatible` |
 * | `AI_TUTOR_MODEL` | the provider's default | model id (an academy may override provider and model) |
 * | `OPENAI_API_KEY`, `OPENAI_BASE_URL` | — | OpenAI (chat completions) |
 * | `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL` | — | Anthropic (messages) |
 * | `GOOGLE_GENERATIVE_AI_API_KEY`, `GOOGLE_GENERATIVE_AI_BASE_URL` | — | Google (generateContent) |
 * | `AI_TUTOR_COMPATIBLE_BASE_URL`, `AI_TUTOR_COMPATIBLE_API_KEY`, `AI_TUTOR_COMPATIBLE_NAME` | — | any OpenAI-compatible server |
 * | `AI_TUTOR_MAX_OUTPUT_TOKENS` | `1024` | output cap of one answer (also what is reserved for it) |
 * | `AI_TUTOR_HISTORY_TOKENS` | `6000` | token window of the history sent to the model |
 * | `AI_TUTOR_MAX_MESSAGE_CHARS` | `8000` | longest message a student may send |
 * | `AI_TUTOR_MAX_ANSWER_MS` | `120000` | an answer is cut (finish reason `time_limit`) before the platform's 150 s idle limit |
 * | `AI_TUTOR_RETRY_BACKOFF_MS` | `500` | wait before the one retry of a failed provider call |
 * | `AI_TUTOR_KEEPALIVE_MS` | `15000` | SSE comment interval while waiting for tokens |
 * | `AI_TUTOR_REQUESTS_PER_MINUTE` | `60` | per student; `0` turns it off |
 * | `AI_TUTOR_USER_TOKENS_PER_DAY` | `200000` | per student and academy, UTC day; `0` turns it off |
 * | `AI_TUTOR_ACADEMY_TOKENS_PER_MONTH` | `5000000` | per academy, UTC month; `0` turns it off |
 *
 * @module
 */

import {
  ConfigError,
  type EnvSource,
  readInteger,
  readOptionalText,
  readOptionalUrl,
} from "../_shared/env.ts";

/** The providers the tutor speaks to. */
export const PROVIDERS = ["openai", "anthropic", "google", "openai-compatible"] as const;
/** One of {@linkcode PROVIDERS}. */
export type ProviderName = typeof PROVIDERS[number];

/** Default model of each provider, when `AI_TUTOR_MODEL` is not set. */
export const DEFAULT_MODELS: Readonly<Record<ProviderName, string | undefined>> = {
  openai: "gpt-4o-mini",
  anthropic: "claude-3-5-haiku-latest",
  google: "gemini-2.0-flash",
  "openai-compatible": undefined,
};

/** How to reach one provider. */
export interface ProviderSettings {
  apiKey?: string;
  baseUrl?: string;
  /** Name of an OpenAI-compatible provider (in usage metadata). */
  name?: string;
}

/** Budgets of the tutor; `0` turns a budget off. */
export interface TutorBudgets {
  requestsPerMinute: number;
  userTokensPerDay: number;
  academyTokensPerMonth: number;
}

/** The parsed settings. */
export interface TutorSettings {
  provider: ProviderName;
  /** `AI_TUTOR_MODEL`, if set. */
  model?: string;
  providers: Readonly<Record<ProviderName, ProviderSettings>>;
  maxOutputTokens: number;
  historyTokens: number;
  maxMessageChars: number;
  maxAnswerMs: number;
  retryBackoffMs: number;
  keepAliveMs: number;
  budgets: TutorBudgets;
}

/**
 * Parses the settings from an environment, without caching.
 *
 * @example
 * ```ts
 * const settings = parseTutorSettings({ AI_TUTOR_PROVIDER: "anthropic", ANTHROPIC_API_KEY: "sk-ant-..." });
 * settings.provider; // "anthropic"
 * ```
 * @throws {ConfigError} when a variable is set but invalid.
 */
export function parseTutorSettings(env: EnvSource): TutorSettings {
  const provider = parseProvider(
    readOptionalText(env, "AI_TUTOR_PROVIDER") ?? "openai",
    "AI_TUTOR_PROVIDER",
  );
  return {
    provider,
    model: readOptionalText(env, "AI_TUTOR_MODEL"),
    providers: {
      openai: {
        apiKey: readOptionalText(env, "OPENAI_API_KEY"),
        baseUrl: readOptionalUrl(env, "OPENAI_BASE_URL"),
      },
      anthropic: {
        apiKey: readOptionalText(env, "ANTHROPIC_API_KEY"),
        baseUrl: readOptionalUrl(env, "ANTHROPIC_BASE_URL"),
      },
      google: {
        apiKey: readOptionalText(env, "GOOGLE_GENERATIVE_AI_API_KEY"),
        baseUrl: readOptionalUrl(env, "GOOGLE_GENERATIVE_AI_BASE_URL"),
      },
      "openai-compatible": {
        apiKey: readOptionalText(env, "AI_TUTOR_COMPATIBLE_API_KEY"),
        baseUrl: readOptionalUrl(env, "AI_TUTOR_COMPATIBLE_BASE_URL"),
        name: readOptionalText(env, "AI_TUTOR_COMPATIBLE_NAME") ?? "openai-compatible",
      },
    },
    maxOutputTokens: readInteger(env, "AI_TUTOR_MAX_OUTPUT_TOKENS", {
      fallback: 1024,
      min: 16,
      max: 64_000,
    }),
    historyTokens: readInteger(env, "AI_TUTOR_HISTORY_TOKENS", {
      fallback: 6000,
      min: 100,
      max: 1_000_000,
    }),
    maxMessageChars: readInteger(env, "AI_TUTOR_MAX_MESSAGE_CHARS", {
      fallback: 8000,
      min: 1,
      max: 100_000,
    }),
    maxAnswerMs: readInteger(env, "AI_TUTOR_MAX_ANSWER_MS", {
      fallback: 120_000,
      min: 100,
      max: 145_000,
    }),
    retryBackoffMs: readInteger(env, "AI_TUTOR_RETRY_BACKOFF_MS", {
      fallback: 500,
      min: 0,
      max: 30_000,
    }),
    keepAliveMs: readInteger(env, "AI_TUTOR_KEEPALIVE_MS", {
      fallback: 15_000,
      min: 100,
      max: 60_000,
    }),
    budgets: {
      requestsPerMinute: readInteger(env, "AI_TUTOR_REQUESTS_PER_MINUTE", {
        fallback: 60,
        min: 0,
        max: 100_000,
      }),
      userTokensPerDay: readInteger(env, "AI_TUTOR_USER_TOKENS_PER_DAY", {
        fallback: 200_000,
        min: 0,
      }),
      academyTokensPerMonth: readInteger(env, "AI_TUTOR_ACADEMY_TOKENS_PER_MONTH", {
        fallback: 5_000_000,
        min: 0,
      }),
    },
  };
}

/**
 * Checks a provider name.
 *
 * @example
 * ```ts
 * parseProvider("google", "AI_TUTOR_PROVIDER"); // "google"
 * ```
 * @throws {ConfigError} for a name that is not one of {@linkcode PROVIDERS}.
 */
export function parseProvider(value: string, name: string): ProviderName {
  if ((PROVIDERS as readonly string[]).includes(value)) return value as ProviderName;
  throw new ConfigError(`Cannot read environment: ${name} must be one of ${PROVIDERS.join(", ")}`);
}

let cached: TutorSettings | undefined;

/**
 * The settings of the process environment, parsed once.
 *
 * @example
 * ```ts
 * const { budgets } = getTutorSettings();
 * ```
 * @throws {ConfigError} when a variable is set but invalid.
 */
export function getTutorSettings(): TutorSettings {
  cached ??= parseTutorSettings(Deno.env.toObject());
  return cached;
}
