/**
 * A stand-in for the parts of Supabase Auth (GoTrue) at `/auth/v1` that client apps
 * use, working on `auth.users` as GoTrue does, so supabase-js' `signInWithPassword`,
 * `refreshSession`, `getUser`, `updateUser`, `signOut` and `signUp` run unchanged
 * against the local stack:
 *
 * | route | does |
 * |---|---|
 * | `POST /token?grant_type=password` | email + password → session |
 * | `POST /token?grant_type=refresh_token` | rotates the refresh token; reuse revokes the session's family |
 * | `GET /user`, `PUT /user` | the user; metadata (`data`) and password changes |
 * | `POST /logout?scope=global\|local\|others` | ends sessions |
 * | `POST /signup` | email sign-up, confirmed at once (email confirmations off) |
 * | `GET /.well-known/jwks.json` | the public signing keys |
 *
 * Other GoTrue routes answer 400 `not_implemented` naming the feature (see errors.ts).
 *
 * @module
 */

import type { Db, TransactionSql } from "../../functions/_shared/db.ts";
import { HttpError } from "../../functions/_shared/errors.ts";
import { type JwtClaims, verifyJwt } from "../../functions/_shared/jwt.ts";
import { gatewayError, requireApiKey } from "../gateway/apikey.ts";
import { AuthError, authErrorResponse, notImplemented } from "./errors.ts";
import type { Signer } from "./keys.ts";
import {
  checkPassword,
  createUser,
  endSessions,
  findUser,
  type IssuedSession,
  rotateRefreshToken,
  sessionExists,
  startSession,
  type StoredUser,
  updateUser,
} from "./store.ts";

/** The path prefix of the Auth API. */
export const AUTH_PREFIX = "/auth/v1";

/** Seconds an access token lives, as GoTrue's default `jwt_expiry`. */
export const ACCESS_TOKEN_SECONDS = 3600;
const MIN_PASSWORD_LENGTH = 6;
/** Failed sign-ins of one email are counted in windows of this many seconds (in Postgres). */
const FAILURE_WINDOW_SECONDS = 5 * 60;

/** Options of {@linkcode createAuthHandler}. */
export interface AuthOptions {
  db: Db;
  signer: Signer;
  /** The legacy HS256 secret: API keys and legacy tokens are verified with it. */
  jwtSecret?: string;
  /** The `iss` claim, `<project url>/auth/v1`. */
  issuer: string;
  /** Failed password sign-ins of one email within 5 minutes before 429; default 10. */
  maxFailedSignIns?: number;
}

const UNSUPPORTED: ReadonlyArray<[RegExp, string]> = [
  [/^\/(otp|magiclink)$/, "one-time passwords and magic links"],
  [/^\/(recover|verify|resend|reauthenticate)$/, "email and phone verification flows"],
  [/^\/(authorize|callback|sso|sso\/.*|saml\/.*)$/, "OAuth and SSO sign-in"],
  [/^\/factors(\/.*)?$/, "multi-factor authentication"],
  [/^\/admin(\/.*)?$/, "the admin API"],
  [/^\/invite$/, "invitations"],
  [/^\/settings$/, "GET /settings"],
  [/^\/user\/identities(\/.*)?$/, "identity linking"],
];

/**
 * Creates the `/auth/v1/*` handler.
 *
 * @example
 * ```ts
 * const auth = createAuthHandler({ db: getDb(), signer, jwtSecret, issuer: "http://127.0.0.1:54321/auth/v1" });
 * ```
 */
export function createAuthHandler(options: AuthOptions): (request: Request) => Promise<Response> {
  const { db, signer } = options;
  const keys = {
    jwtSecret: options.jwtSecret,
    jwks: signer.jwks.keys.length > 0 ? signer.jwks : undefined,
  };
  const maxFailures = options.maxFailedSignIns ?? 10;

  async function issue(user: StoredUser, session: IssuedSession): Promise<Response> {
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = now + ACCESS_TOKEN_SECONDS;
    const accessToken = await signer.sign({
      iss: options.issuer,
      sub: user.id,
      aud: user.aud || "authenticated",
      exp: expiresAt,
      iat: now,
      email: user.email,
      phone: user.phone,
      app_metadata: user.app_metadata,
      user_metadata: user.user_metadata,
      role: user.role || "authenticated",
      aal: "aal1",
      amr: [{ method: "password", timestamp: session.authenticatedAt }],
      session_id: session.sessionId,
      is_anonymous: user.is_anonymous,
    });
    return json({
      access_token: accessToken,
      token_type: "bearer",
      expires_in: ACCESS_TOKEN_SECONDS,
      expires_at: expiresAt,
      refresh_token: session.refreshToken,
      user: user.json,
    });
  }

  // Failed sign-ins are counted in private.rate_limits, like every other limit, so any
  // number of server processes share them.
  const failureKey = (email: string) => `auth-sign-in:${email}`;

  /** Counts a failed sign-in, in a transaction of its own (the sign-in's rolls back). */
  async function recordFailure(email: string): Promise<void> {
    await db.withOwner((sql) =>
      sql`select from private.take_rate_limit(${failureKey(email)}, ${maxFailures}, ${FAILURE_WINDOW_SECONDS})`
    );
  }

  /** 429 once `maxFailures` sign-ins of this email failed in the current window. */
  async function checkRateLimit(email: string): Promise<void> {
    const [limited] = await db.withOwner((sql) =>
      sql<{ retry_after: number }[]>`
        select greatest(1, ceil(extract(epoch from r.resets_at - pg_catalog.clock_timestamp())))::int as retry_after
        from private.rate_limits as r
        where r.key = ${failureKey(email)} and r.resets_at > pg_catalog.clock_timestamp() and r.hits >= ${maxFailures}
      `, { readOnly: true });
    if (limited !== undefined) {
      throw new AuthError(429, "over_request_rate_limit", "Request rate limit reached", {
        headers: { "retry-after": String(limited.retry_after) },
      });
    }
  }

  async function passwordGrant(request: Request): Promise<Response> {
    const body = await readBody(request);
    if (typeof body.phone === "string" && body.phone !== "") {
      throw new AuthError(400, "phone_provider_disabled", "Phone logins are disabled");
    }
    const email = typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
    const password = typeof body.password === "string" ? body.password : "";
    if (!email || !password) {
      throw new AuthError(400, "validation_failed", "missing email or phone");
    }
    await checkRateLimit(email);
    const signedIn = await db.withOwner(async (sql) => {
      const user = await checkPassword(sql, email, password);
      if (user === null) return null;
      if (!user.confirmed) throw new AuthError(400, "email_not_confirmed", "Email not confirmed");
      if (user.banned) throw new AuthError(400, "user_banned", "User is banned");
      await sql`delete from private.rate_limits where key = ${failureKey(email)}`;
      const session = await startSessionFor(sql, user.id, request);
      return await issue((await findUser(sql, user.id))!, session);
    });
    if (signedIn === null) {
      await recordFailure(email);
      throw new AuthError(400, "invalid_credentials", "Invalid login credentials");
    }
    return signedIn;
  }

  async function refreshGrant(request: Request): Promise<Response> {
    const body = await readBody(request);
    const token = typeof body.refresh_token === "string" ? body.refresh_token : "";
    if (!token) throw new AuthError(400, "validation_failed", "Refresh Token is required");
    const outcome = await db.withOwner(async (sql) => {
      const rotation = await rotateRefreshToken(sql, token);
      if (!rotation.ok) return rotation;
      const user = await findUser(sql, rotation.userId);
      return { ...rotation, user };
    });
    if (!outcome.ok) {
      throw outcome.reason === "already_used"
        ? new AuthError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used")
        : new AuthError(
          400,
          "refresh_token_not_found",
          "Invalid Refresh Token: Refresh Token Not Found",
        );
    }
    if (outcome.user === null) throw new AuthError(403, "user_not_found", "User not found");
    if (outcome.user.banned) throw new AuthError(400, "user_banned", "User is banned");
    return await issue(outcome.user, outcome.session);
  }

  /** The caller's verified claims and user; GoTrue's 401/403 answers otherwise. */
  async function requireSignedIn(
    request: Request,
  ): Promise<{ claims: JwtClaims; user: StoredUser }> {
    const header = request.headers.get("authorization");
    const match = header ? /^bearer[ ]+([^ ]+)[ ]*$/i.exec(header) : null;
    if (!match?.[1]) {
      throw new AuthError(401, "no_authorization", "This endpoint requires a valid Bearer token");
    }
    let claims: JwtClaims;
    try {
      claims = await verifyJwt(match[1], { keys });
    } catch (error) {
      const reason = error instanceof HttpError && error.code === "token_expired"
        ? "token has invalid claims: token is expired"
        : "signature is invalid";
      throw new AuthError(
        403,
        "bad_jwt",
        `invalid JWT: unable to parse or verify signature, ${reason}`,
      );
    }
    if (claims.role !== "authenticated" || !claims.sub) {
      throw new AuthError(403, "bad_jwt", "invalid claim: missing sub claim");
    }
    const sub = claims.sub;
    const user = await db.withOwner(async (sql) => {
      if (claims.session_id && !(await sessionExists(sql, claims.session_id))) {
        throw new AuthError(
          403,
          "session_not_found",
          "Session from session_id claim in JWT does not exist",
        );
      }
      return await findUser(sql, sub);
    }, { readOnly: true });
    if (user === null) {
      throw new AuthError(403, "user_not_found", "User from sub claim in JWT does not exist");
    }
    return { claims, user };
  }

  async function putUser(request: Request): Promise<Response> {
    const { user } = await requireSignedIn(request);
    const body = await readBody(request);
    for (const field of ["email", "phone", "nonce", "code_challenge"]) {
      if (body[field] != null) throw notImplemented(`changing ${field} in PUT /user`);
    }
    const data = body.data;
    if (data !== undefined && (data === null || typeof data !== "object" || Array.isArray(data))) {
      throw new AuthError(400, "validation_failed", "data must be a JSON object");
    }
    const password = body.password;
    if (password != null) checkPasswordStrength(password);
    const updated = await db.withOwner(async (sql) => {
      const outcome = await updateUser(sql, user.id, {
        data: data as Record<string, unknown> | undefined,
        password: (password ?? undefined) as string | undefined,
      });
      if (outcome === "same_password") {
        throw new AuthError(
          422,
          "same_password",
          "New password should be different from the old password.",
        );
      }
      return await findUser(sql, user.id);
    });
    return json(updated!.json);
  }

  async function logout(request: Request): Promise<Response> {
    const { claims, user } = await requireSignedIn(request);
    const scope = new URL(request.url).searchParams.get("scope") ?? "global";
    if (scope !== "global" && scope !== "local" && scope !== "others") {
      throw new AuthError(400, "validation_failed", `Unsupported logout scope "${scope}"`);
    }
    await db.withOwner((sql) =>
      endSessions(sql, { userId: user.id, sessionId: claims.session_id, scope })
    );
    return new Response(null, { status: 204 });
  }

  async function signup(request: Request): Promise<Response> {
    const body = await readBody(request);
    if (typeof body.phone === "string" && body.phone !== "") {
      throw new AuthError(400, "phone_provider_disabled", "Phone signups are disabled");
    }
    if (body.email == null && body.phone == null) {
      throw new AuthError(422, "anonymous_provider_disabled", "Anonymous sign-ins are disabled");
    }
    const email = typeof body.email === "string" ? body.email.trim() : "";
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      throw new AuthError(
        400,
        "validation_failed",
        "Unable to validate email address: invalid format",
      );
    }
    if (body.password === undefined || body.password === "") {
      throw new AuthError(400, "validation_failed", "Signup requires a valid password");
    }
    checkPasswordStrength(body.password);
    const data = body.data ?? {};
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      throw new AuthError(400, "validation_failed", "data must be a JSON object");
    }
    if (body.code_challenge != null) throw notImplemented("PKCE sign-up (code_challenge)");
    return await db.withOwner(async (sql) => {
      const user = await createUser(sql, {
        email,
        password: body.password as string,
        data: data as Record<string, unknown>,
      });
      if (user === null) throw new AuthError(422, "user_already_exists", "User already registered");
      const session = await startSessionFor(sql, user.id, request);
      return await issue((await findUser(sql, user.id))!, session);
    });
  }

  async function route(request: Request, path: string): Promise<Response> {
    const method = request.method;
    if (path === "/.well-known/jwks.json" && (method === "GET" || method === "HEAD")) {
      return json(signer.jwks, { headers: { "cache-control": "public, max-age=600" } });
    }
    try {
      await requireApiKey(request, keys);
    } catch (error) {
      if (error instanceof HttpError) return gatewayError(error);
      throw error;
    }
    if (path === "/token" && method === "POST") {
      const grant = new URL(request.url).searchParams.get("grant_type");
      if (grant === "password") return await passwordGrant(request);
      if (grant === "refresh_token") return await refreshGrant(request);
      if (grant === "pkce" || grant === "id_token" || grant === "web3") {
        throw notImplemented(`grant_type=${grant}`);
      }
      throw new AuthError(400, "validation_failed", "unsupported_grant_type");
    }
    if (path === "/user" && method === "GET") {
      return json((await requireSignedIn(request)).user.json);
    }
    if (path === "/user" && method === "PUT") return await putUser(request);
    if (path === "/logout" && method === "POST") return await logout(request);
    if (path === "/signup" && method === "POST") return await signup(request);
    if (path === "/health" && method === "GET") {
      return json({
        version: "local-stand-in",
        name: "GoTrue",
        description: "examsync's local Auth stand-in",
      });
    }
    for (const [pattern, feature] of UNSUPPORTED) {
      if (pattern.test(path)) throw notImplemented(feature);
    }
    throw new AuthError(404, "not_found", `Cannot ${method} ${AUTH_PREFIX}${path}`);
  }

  return async function handleAuth(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname.slice(AUTH_PREFIX.length) || "/";
    try {
      return await route(request, path);
    } catch (error) {
      return authErrorResponse(error);
    }
  };
}

function startSessionFor(
  sql: TransactionSql,
  userId: string,
  request: Request,
): Promise<IssuedSession> {
  return startSession(sql, userId, { userAgent: request.headers.get("user-agent") });
}

function checkPasswordStrength(password: unknown): void {
  if (typeof password !== "string") {
    throw new AuthError(400, "validation_failed", "password must be a string");
  }
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new AuthError(
      422,
      "weak_password",
      `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`,
      { extra: { weak_password: { reasons: ["length"] } } },
    );
  }
}

async function readBody(request: Request): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    const text = await request.text();
    body = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new AuthError(400, "bad_json", "Could not parse request body as JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new AuthError(
      400,
      "bad_json",
      "Could not parse request body as JSON: expected an object",
    );
  }
  return body as Record<string, unknown>;
}

function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { ...init, headers });
}
