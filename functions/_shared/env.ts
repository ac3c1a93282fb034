/**
 * The edge functions' environment, read and validated once.
 *
 * | variable | required | meaning |
 * |---|---|---|
 * | `SUPABASE_DB_URL` | yes* | Postgres connection string (injected by Supabase) |
 * | `DATABASE_URL` | no | overrides `SUPABASE_DB_URL` (for example the pooler); secrets may not start with `SUPABASE_` |
 * | `SUPABASE_URL` | no | project URL; gives the default `JWKS_URL` |
 * | `JWT_SECRET` | no* | legacy HS256 secret (custom secrets may not start with `SUPABASE_`) |
 * | `SUPABASE_JWKS` | no* | JSON Web Key Set as JSON text (injected by hosted Supabase) |
 * | `JWKS_URL` | no* | where to fetch the JWKS; default `${SUPABASE_URL}/auth/v1/.well-known/jwks.json` |
 * | `DB_POOL_MAX` | no | connections of one function instance's pool; default 5 |
 *
 * (*) `SUPABASE_DB_URL` or `DATABASE_URL`. At least one way to verify tokens must
 * exist: `JWT_SECRET`, `SUPABASE_JWKS` or a JWKS URL.
 *
 * @module
 */

import type { JSONWebKeySet } from "jose";

/** The parsed environment. */
export interface Config {
  /** `DATABASE_URL`, else `SUPABASE_DB_URL`: Postgres connection string. */
  readonly dbUrl: string;
  /** `SUPABASE_URL` without a trailing slash, when set. */
  readonly supabaseUrl?: string;
  /** `JWT_SECRET`: HS256 shared secret, when set. */
  readonly jwtSecret?: string;
  /** `SUPABASE_JWKS` parsed, when set and holding at least one key. */
  readonly jwks?: JSONWebKeySet;
  /** `JWKS_URL`, or the project's default JWKS URL when `SUPABASE_URL` is set. */
  readonly jwksUrl?: string;
  /** `DB_POOL_MAX`: connections of this instance's pool (default 5). */
  readonly dbPoolMax: number;
}

/** Thrown when the environment is missing or holds an invalid variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** The variables read by {@linkcode parseConfig}; `Deno.env.toObject()` fits. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

const MIN_SECRET_LENGTH = 32;

/**
 * Parses and validates an environment, without caching.
 *
 * @example
 * ```ts
 * const config = parseConfig({
 *   SUPABASE_DB_URL: "postgresql://postgres:postgres@127.0.0.1:54322/postgres",
 *   JWT_SECRET: "super-secret-jwt-token-with-at-least-32-characters-long",
 * });
 * config.jwksUrl; // undefined
 * ```
 * @throws {ConfigError} when a variable is missing or invalid.
 */
export function parseConfig(env: EnvSource): Config {
  const dbUrlName = readText(env, "DATABASE_URL") === undefined ? "SUPABASE_DB_URL" : "DATABASE_URL";
  const dbUrl = readText(env, dbUrlName);
  if (dbUrl === undefined) {
    throw new ConfigError("Cannot read environment: SUPABASE_DB_URL is not set");
  }
  const db = parseUrl(dbUrlName, dbUrl);
  if (db.protocol !== "postgres:" && db.protocol !== "postgresql:") {
    throw new ConfigError(
      `Cannot read environment: ${dbUrlName} must start with postgres:// or postgresql://`,
    );
  }

  const rawSupabaseUrl = readText(env, "SUPABASE_URL");
  const supabaseUrl = rawSupabaseUrl === undefined
    ? undefined
    : httpUrl("SUPABASE_URL", rawSupabaseUrl).replace(/\/+$/, "");

  const jwtSecret = readText(env, "JWT_SECRET");
  if (jwtSecret !== undefined && jwtSecret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `Cannot read environment: JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`,
    );
  }

  const rawJwks = readText(env, "SUPABASE_JWKS");
  const jwks = rawJwks === undefined ? undefined : parseJwks(rawJwks);

  const rawJwksUrl = readText(env, "JWKS_URL");
  const jwksUrl = rawJwksUrl !== undefined
    ? httpUrl("JWKS_URL", rawJwksUrl)
    : supabaseUrl === undefined
    ? undefined
    : `${supabaseUrl}/auth/v1/.well-known/jwks.json`;

  if (jwtSecret === undefined && jwks === undefined && jwksUrl === undefined) {
    throw new ConfigError(
      "Cannot read environment: set JWT_SECRET, SUPABASE_JWKS, JWKS_URL or SUPABASE_URL to verify tokens",
    );
  }

  const dbPoolMax = readInteger(env, "DB_POOL_MAX", { fallback: 5, min: 1, max: 100 });
  return { dbUrl, supabaseUrl, jwtSecret, jwks, jwksUrl, dbPoolMax };
}

let cached: Config | undefined;

/**
 * The process environment parsed once and cached. Set variables before the
 * first call (tests may call {@linkcode resetConfig} to read them again).
 *
 * @example
 * ```ts
 * const { dbUrl } = getConfig();
 * ```
 * @throws {ConfigError} when a variable is missing or invalid.
 */
export function getConfig(): Config {
  cached ??= parseConfig(Deno.env.toObject());
  return cached;
}

/**
 * Forgets the cached configuration so the next {@linkcode getConfig} reads the
 * environment again.
 *
 * @example
 * ```ts
 * Deno.env.set("JWKS_URL", "http://127.0.0.1:9999/jwks.json");
 * resetConfig();
 * getConfig().jwksUrl; // "http://127.0.0.1:9999/jwks.json"
 * ```
 */
export function resetConfig(): void {
  cached = undefined;
}

/** Options of {@linkcode readInteger}. */
export interface ReadIntegerOptions {
  /** Value when the variable is not set (or blank). */
  fallback: number;
  /** Smallest accepted value; default 0. */
  min?: number;
  /** Largest accepted value; default `Number.MAX_SAFE_INTEGER`. */
  max?: number;
}

/**
 * Reads an optional integer variable of a function's own settings, such as
 * `ATTEMPT_SYNC_RATE_LIMIT`, falling back to a default when it is not set.
 *
 * @example
 * ```ts
 * readInteger({ ATTEMPT_SYNC_RATE_LIMIT: "50" }, "ATTEMPT_SYNC_RATE_LIMIT", { fallback: 20 }); // 50
 * readInteger({}, "ATTEMPT_SYNC_RATE_LIMIT", { fallback: 20 }); // 20
 * ```
 * @throws {ConfigError} when the variable is set but not an integer within bounds.
 */
export function readInteger(env: EnvSource, name: string, options: ReadIntegerOptions): number {
  const min = options.min ?? 0;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const text = readText(env, name);
  if (text === undefined) return options.fallback;
  const value = /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `Cannot read environment: ${name} must be an integer between ${min} and ${max}`,
    );
  }
  return value;
}

function readText(env: EnvSource, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function parseUrl(name: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new ConfigError(`Cannot read environment: ${name} is not a valid URL`);
  }
}

function httpUrl(name: string, value: string): string {
  const url = parseUrl(name, value);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`Cannot read environment: ${name} must be an http(s) URL`);
  }
  return value;
}

function parseJwks(value: string): JSONWebKeySet | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError("Cannot read environment: SUPABASE_JWKS is not valid JSON");
  }
  const keys = typeof parsed === "object" && parsed !== null
    ? (parsed as { keys?: unknown }).keys
    : undefined;
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === "object" && key !== null)) {
    throw new ConfigError(
      'Cannot read environment: SUPABASE_JWKS must be a JSON object like {"keys": [...]}',
    );
  }
  return keys.length === 0 ? undefined : (parsed as JSONWebKeySet);
}

/**
 * Reads an optional text variable of a function's own settings, trimmed;
 * `undefined` when it is not set or blank.
 *
 * @example
 * ```ts
 * readOptionalText({ AI_TUTOR_MODEL: " gpt-4o-mini " }, "AI_TUTOR_MODEL"); // "gpt-4o-mini"
 * readOptionalText({}, "AI_TUTOR_MODEL"); // undefined
 * ```
 */
export function readOptionalText(env: EnvSource, name: string): string | undefined {
  return readText(env, name);
}

/**
 * Reads an optional http(s) URL variable, without a trailing slash.
 *
 * @example
 * ```ts
 * readOptionalUrl({ OPENAI_BASE_URL: "http://127.0.0.1:8080/v1/" }, "OPENAI_BASE_URL"); // "http://127.0.0.1:8080/v1"
 * ```
 * @throws {ConfigError} when the variable is set but not an http(s) URL.
 */
export function readOptionalUrl(env: EnvSource, name: string): string | undefined {
  const value = readText(env, name);
  return value === undefined ? undefined : httpUrl(name, value).replace(/\/+$/, "");
}
