/**
 * The language model of a turn: the environment's provider and model, or the
 * academy's override, through the provider packages of the AI SDK. Keys stay
 * in the environment; an academy only names provider and model.
 *
 * @module
 */

import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogle } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import { HttpError } from "../_shared/errors.ts";
import { DEFAULT_MODELS, parseProvider, type ProviderName, type TutorSettings } from "./config.ts";

/** Which model answers. */
export interface ModelChoice {
  provider: ProviderName;
  model: string;
}

/** Makes the model of a choice; tests pass their own (the AI SDK's mock model). */
export type ModelFactory = (choice: ModelChoice) => LanguageModel;

/**
 * The provider and model for an academy: its override where set, else the
 * environment's.
 *
 * @example
 * ```ts
 * chooseModel(settings, { provider: "anthropic", model: null }); // { provider: "anthropic", model: "claude-3-5-haiku-latest" }
 * ```
 * @throws {HttpError} 503 `tutor_not_configured` when no model is named for an OpenAI-compatible server.
 */
export function chooseModel(
  settings: TutorSettings,
  override: { provider?: string | null; model?: string | null } = {},
): ModelChoice {
  const provider = override.provider ? parseProviderOr503(override.provider) : settings.provider;
  const model = override.model ??
    (provider === settings.provider ? settings.model : undefined) ??
    DEFAULT_MODELS[provider];
  if (!model) {
    throw new HttpError(503, {
      code: "tutor_not_configured",
      message: `Cannot answer: no model is set for provider ${provider} (set AI_TUTOR_MODEL)`,
    });
  }
  return { provider, model };
}

/**
 * A {@linkcode ModelFactory} over the real provider packages.
 *
 * @example
 * ```ts
 * const model = providerModels(settings)({ provider: "openai", model: "gpt-4o-mini" });
 * ```
 * @throws {HttpError} 503 `tutor_not_configured` when the provider has no key (or base URL).
 */
export function providerModels(settings: TutorSettings): ModelFactory {
  return ({ provider, model }) => {
    const reach = settings.providers[provider];
    if (provider === "openai-compatible") {
      if (!reach.baseUrl) throw notConfigured(provider, "AI_TUTOR_COMPATIBLE_BASE_URL");
      return createOpenAICompatible({
        name: reach.name ?? "openai-compatible",
        baseURL: reach.baseUrl,
        apiKey: reach.apiKey,
        includeUsage: true,
      }).chatModel(model);
    }
    if (!reach.apiKey) throw notConfigured(provider, KEY_VARIABLES[provider]);
    switch (provider) {
      case "openai":
        return createOpenAI({ apiKey: reach.apiKey, baseURL: reach.baseUrl }).chat(model);
      case "anthropic":
        return createAnthropic({ apiKey: reach.apiKey, baseURL: reach.baseUrl })(model);
      case "google":
        return createGoogle({ apiKey: reach.apiKey, baseURL: reach.baseUrl })(model);
    }
  };
}

const KEY_VARIABLES: Record<Exclude<ProviderName, "openai-compatible">, string> = {
  openai: "OPENAI_API_KEY",
  anthropic: "ANTHROPIC_API_KEY",
  google: "GOOGLE_GENERATIVE_AI_API_KEY",
};

function notConfigured(provider: ProviderName, variable: string): HttpError {
  return new HttpError(503, {
    code: "tutor_not_configured",
    message: `Cannot answer: provider ${provider} is not configured (set ${variable})`,
  });
}

function parseProviderOr503(value: string): ProviderName {
  try {
    return parseProvider(value, "academy_tutor_settings.provider");
  } catch {
    throw new HttpError(503, {
      code: "tutor_not_configured",
      message: `Cannot answer: the academy names an unknown provider ${value}`,
    });
  }
}
