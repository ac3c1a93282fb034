import assert from "node:assert/strict";
import { ConfigError, getConfig, parseConfig, resetConfig } from "../../functions/_shared/env.ts";

const dbUrl = "postgresql://postgres:postgres@127.0.0.1:54322/postgres";
const secret = "super-secret-jwt-token-with-at-least-32-characters-long";

Deno.test("parseConfig() requires SUPABASE_DB_URL", () => {
  assert.throws(() => parseConfig({ JWT_SECRET: secret }), {
    name: "ConfigError",
    message: "Cannot read environment: SUPABASE_DB_URL is not set",
  });
  assert.throws(
    () => parseConfig({ SUPABASE_DB_URL: "mysql://x", JWT_SECRET: secret }),
    ConfigError,
  );
});

Deno.test("parseConfig() takes DATABASE_URL over SUPABASE_DB_URL", () => {
  const pooler = "postgresql://postgres.abc:pw@pooler.example.com:5432/postgres";
  assert.equal(parseConfig({ SUPABASE_DB_URL: dbUrl, DATABASE_URL: pooler, JWT_SECRET: secret }).dbUrl, pooler);
  assert.equal(parseConfig({ DATABASE_URL: pooler, JWT_SECRET: secret }).dbUrl, pooler);
  assert.throws(() => parseConfig({ SUPABASE_DB_URL: dbUrl, DATABASE_URL: "mysql://x", JWT_SECRET: secret }), {
    name: "ConfigError",
    message: "Cannot read environment: DATABASE_URL must start with postgres:// or postgresql://",
  });
});

Deno.test("parseConfig() requires a way to verify tokens", () => {
  assert.throws(
    () => parseConfig({ SUPABASE_DB_URL: dbUrl }),
    /set JWT_SECRET, SUPABASE_JWKS, JWKS_URL or SUPABASE_URL/,
  );
  assert.throws(
    () => parseConfig({ SUPABASE_DB_URL: dbUrl, SUPABASE_JWKS: '{"keys":[]}' }),
    ConfigError,
  );
});

Deno.test("parseConfig() derives the JWKS URL from SUPABASE_URL unless JWKS_URL is set", () => {
  const derived = parseConfig({ SUPABASE_DB_URL: dbUrl, SUPABASE_URL: "https://abc.supabase.co/" });
  assert.equal(derived.supabaseUrl, "https://abc.supabase.co");
  assert.equal(derived.jwksUrl, "https://abc.supabase.co/auth/v1/.well-known/jwks.json");
  const explicit = parseConfig({
    SUPABASE_DB_URL: dbUrl,
    SUPABASE_URL: "https://abc.supabase.co",
    JWKS_URL: "http://127.0.0.1:9999/keys",
  });
  assert.equal(explicit.jwksUrl, "http://127.0.0.1:9999/keys");
});

Deno.test("parseConfig() rejects a short JWT_SECRET and a SUPABASE_JWKS that is not a key set", () => {
  assert.throws(
    () => parseConfig({ SUPABASE_DB_URL: dbUrl, JWT_SECRET: "short" }),
    /at least 32 characters/,
  );
  assert.throws(
    () => parseConfig({ SUPABASE_DB_URL: dbUrl, SUPABASE_JWKS: "{" }),
    /not valid JSON/,
  );
  assert.throws(
    () => parseConfig({ SUPABASE_DB_URL: dbUrl, SUPABASE_JWKS: "[]" }),
    /\{"keys": \[\.\.\.\]\}/,
  );
});

Deno.test("getConfig() reads the environment once until resetConfig()", () => {
  const before = Deno.env.get("JWKS_URL");
  try {
    Deno.env.set("JWKS_URL", "http://127.0.0.1:1/one");
    resetConfig();
    assert.equal(getConfig().jwksUrl, "http://127.0.0.1:1/one");
    Deno.env.set("JWKS_URL", "http://127.0.0.1:1/two");
    assert.equal(getConfig().jwksUrl, "http://127.0.0.1:1/one");
    resetConfig();
    assert.equal(getConfig().jwksUrl, "http://127.0.0.1:1/two");
  } finally {
    if (before === undefined) Deno.env.delete("JWKS_URL");
    else Deno.env.set("JWKS_URL", before);
    resetConfig();
  }
});
