// The local Auth stand-in's ES256 signing key (a P-256 private JWK), as a new Supabase
// project has one: a fresh key for each `npm test`, a kept one for `npm run dev` (so
// sessions survive a restart). The functions server gets it as AUTH_SIGNING_KEY.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * A new P-256 private key as a JWK with a `kid`.
 * @returns {import('node:crypto').JsonWebKey & { kid: string }}
 */
export function generateSigningKey() {
  const { privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { ...privateKey.export({ format: "jwk" }), kid: crypto.randomUUID() };
}

/**
 * The key kept in `file`, created there on first use.
 * @param {string} file
 * @example loadSigningKey(path.join(LOCAL_DIR, 'auth-signing-key.json'))
 */
export function loadSigningKey(file) {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8"));
  const key = generateSigningKey();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
  return key;
}

/**
 * Signs claims with the key (ES256), as the Auth stand-in signs access tokens.
 * @param {object} claims @param {import('node:crypto').JsonWebKey & { kid: string }} jwk
 */
export function signEs256(claims, jwk) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "ES256", kid: jwk.kid, typ: "JWT" })}.${encode(claims)}`;
  const key = crypto.createPrivateKey({ key: jwk, format: "jwk" });
  const signature = crypto.sign("sha256", Buffer.from(unsigned), {
    key,
    dsaEncoding: "ieee-p1363",
  });
  return `${unsigned}.${signature.toString("base64url")}`;
}
