/**
 * The Auth stand-in's state in the `auth` schema, kept as GoTrue keeps it: users
 * (`auth.users`, bcrypt passwords checked with pgcrypto's `crypt`), identities,
 * sessions and rotating refresh tokens whose reuse revokes the session's family.
 *
 * @module
 */

import type { TransactionSql } from "../../functions/_shared/db.ts";

/** A user as the stand-in needs it: GoTrue's user JSON and what tokens carry. */
export interface StoredUser {
  id: string;
  aud: string;
  role: string;
  email: string;
  phone: string;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  is_anonymous: boolean;
  banned: boolean;
  confirmed: boolean;
  /** GoTrue's user object, as `GET /user` answers it. */
  json: Record<string, unknown>;
}

/** A session with its current refresh token. */
export interface IssuedSession {
  sessionId: string;
  refreshToken: string;
  /** Seconds since the epoch the session was created (the `amr` timestamp). */
  authenticatedAt: number;
}

const USER_COLUMNS = (sql: TransactionSql) =>
  sql`
  u.id, coalesce(u.aud, '') as aud, coalesce(u.role, '') as role, coalesce(u.email, '') as email,
  coalesce(u.phone, '') as phone,
  coalesce(u.raw_app_meta_data, '{}') as app_metadata,
  coalesce(u.raw_user_meta_data, '{}') as user_metadata,
  u.is_anonymous,
  coalesce(u.banned_until > now(), false) as banned,
  u.email_confirmed_at is not null or u.phone_confirmed_at is not null as confirmed,
  jsonb_strip_nulls(jsonb_build_object(
    'id', u.id, 'aud', coalesce(u.aud, ''), 'role', coalesce(u.role, ''),
    'email', coalesce(u.email, ''), 'email_confirmed_at', u.email_confirmed_at,
    'phone', coalesce(u.phone, ''), 'phone_confirmed_at', u.phone_confirmed_at,
    'confirmed_at', u.confirmed_at, 'last_sign_in_at', u.last_sign_in_at,
    'banned_until', u.banned_until,
    'created_at', u.created_at, 'updated_at', u.updated_at, 'is_anonymous', u.is_anonymous
  )) || jsonb_build_object(
    'app_metadata', coalesce(u.raw_app_meta_data, '{}'),
    'user_metadata', coalesce(u.raw_user_meta_data, '{}'),
    'identities', coalesce((
      select jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
        'identity_id', i.id, 'id', i.provider_id, 'user_id', i.user_id,
        'identity_data', i.identity_data, 'provider', i.provider,
        'last_sign_in_at', i.last_sign_in_at, 'created_at', i.created_at,
        'updated_at', i.updated_at, 'email', i.email)) order by i.created_at)
      from auth.identities as i where i.user_id = u.id
    ), '[]')
  ) as json`;

/**
 * The user with this email whose password matches, `null` for no user or a wrong
 * password (the caller cannot tell which, as with GoTrue).
 *
 * @example
 * ```ts
 * const user = await checkPassword(sql, "student1@northwind.test", "password");
 * ```
 */
export async function checkPassword(
  sql: TransactionSql,
  email: string,
  password: string,
): Promise<StoredUser | null> {
  const [user] = await sql<StoredUser[]>`
    select ${USER_COLUMNS(sql)}
    from auth.users as u
    where lower(u.email) = lower(${email}) and u.is_sso_user = false and u.deleted_at is null
      and u.encrypted_password is not null and u.encrypted_password <> ''
      and u.encrypted_password = extensions.crypt(${password}, u.encrypted_password)
  `;
  return user ?? null;
}

/**
 * The user with this id, `null` when there is none.
 *
 * @example
 * ```ts
 * const user = await findUser(sql, claims.sub);
 * ```
 */
export async function findUser(sql: TransactionSql, id: string): Promise<StoredUser | null> {
  const [user] = await sql<StoredUser[]>`
    select ${USER_COLUMNS(sql)} from auth.users as u where u.id = ${id} and u.deleted_at is null
  `;
  return user ?? null;
}

/** Whether a session exists (it is deleted at sign-out). */
export async function sessionExists(sql: TransactionSql, sessionId: string): Promise<boolean> {
  const [row] = await sql`select 1 from auth.sessions where id = ${sessionId}`;
  return row !== undefined;
}

/**
 * Starts a session for a user who just signed in (or up) and gives it its first
 * refresh token; stamps `last_sign_in_at`.
 *
 * @example
 * ```ts
 * const session = await startSession(sql, user.id, { userAgent: request.headers.get("user-agent") });
 * ```
 */
export async function startSession(
  sql: TransactionSql,
  userId: string,
  options: { userAgent?: string | null } = {},
): Promise<IssuedSession> {
  const sessionId = crypto.randomUUID();
  const refreshToken = newRefreshToken();
  const [row] = await sql<{ authenticated_at: number }[]>`
    with s as (
      insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent)
      values (${sessionId}, ${userId}, now(), now(), 'aal1', ${options.userAgent ?? null})
      returning created_at
    ), t as (
      insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, session_id)
      values ('00000000-0000-0000-0000-000000000000', ${refreshToken}, ${userId}, false, now(), now(), ${sessionId})
    ), u as (
      update auth.users set last_sign_in_at = now(), updated_at = now() where id = ${userId}
    ), i as (
      update auth.identities set last_sign_in_at = now(), updated_at = now() where user_id = ${userId}
    )
    select extract(epoch from created_at)::int8::int as authenticated_at from s
  `;
  return { sessionId, refreshToken, authenticatedAt: row!.authenticated_at };
}

/** The outcome of {@linkcode rotateRefreshToken}. */
export type Rotation =
  | { ok: true; userId: string; session: IssuedSession }
  | { ok: false; reason: "not_found" | "already_used" };

/** Seconds within which a just-rotated token still answers with its successor (GoTrue's reuse interval). */
export const REUSE_INTERVAL_SECONDS = 10;

/**
 * Exchanges a refresh token for its successor. A token used a second time within
 * the reuse interval answers with the successor it already has (two tabs refreshing
 * at once); later, reuse of a revoked token revokes every token of its session and
 * fails, as GoTrue does. The caller commits in both cases.
 *
 * @example
 * ```ts
 * const rotation = await rotateRefreshToken(sql, token);
 * if (!rotation.ok) throw refreshError(rotation.reason);
 * ```
 */
export async function rotateRefreshToken(sql: TransactionSql, token: string): Promise<Rotation> {
  const [current] = await sql<
    {
      id: string;
      user_id: string;
      session_id: string | null;
      revoked: boolean;
      recent: boolean;
      authenticated_at: number | null;
    }[]
  >`
    select t.id, t.user_id, t.session_id, coalesce(t.revoked, false) as revoked,
      t.updated_at > now() - make_interval(secs => ${REUSE_INTERVAL_SECONDS}) as recent,
      extract(epoch from s.created_at)::int8::int as authenticated_at
    from auth.refresh_tokens as t
    left join auth.sessions as s on s.id = t.session_id
    where t.token = ${token}
    for update of t
  `;
  if (current === undefined || current.session_id === null || current.authenticated_at === null) {
    return { ok: false, reason: "not_found" };
  }
  const base = { sessionId: current.session_id, authenticatedAt: current.authenticated_at };
  if (current.revoked) {
    const [child] = await sql<{ token: string }[]>`
      select token from auth.refresh_tokens
      where parent = ${token} and session_id = ${current.session_id} and not coalesce(revoked, false)
      order by id desc limit 1
    `;
    if (current.recent && child !== undefined) {
      return { ok: true, userId: current.user_id, session: { ...base, refreshToken: child.token } };
    }
    await sql`
      update auth.refresh_tokens set revoked = true, updated_at = now()
      where session_id = ${current.session_id} and not coalesce(revoked, false)
    `;
    return { ok: false, reason: "already_used" };
  }
  const refreshToken = newRefreshToken();
  await sql`
    with revoked as (
      update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${current.id}
    ), s as (
      update auth.sessions set refreshed_at = now() at time zone 'utc', updated_at = now()
      where id = ${current.session_id}
    )
    insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
    values ('00000000-0000-0000-0000-000000000000', ${refreshToken}, ${current.user_id}, false, now(), now(),
      ${token}, ${current.session_id})
  `;
  return { ok: true, userId: current.user_id, session: { ...base, refreshToken } };
}

/**
 * Ends sessions at sign-out: `global` every session of the user, `local` the
 * token's own, `others` every other one.
 *
 * @example
 * ```ts
 * await endSessions(sql, { userId, sessionId, scope: "global" });
 * ```
 */
export async function endSessions(
  sql: TransactionSql,
  options: { userId: string; sessionId?: string; scope: "global" | "local" | "others" },
): Promise<void> {
  const { userId, sessionId, scope } = options;
  if (scope === "global" || sessionId === undefined) {
    await sql`delete from auth.sessions where user_id = ${userId}`;
  } else if (scope === "local") {
    await sql`delete from auth.sessions where id = ${sessionId}`;
  } else {
    await sql`delete from auth.sessions where user_id = ${userId} and id <> ${sessionId}`;
  }
}

/**
 * Creates a confirmed email user with an email identity (sign-up with email
 * confirmations off, as `supabase start` has them); `null` when the email is taken.
 *
 * @example
 * ```ts
 * const user = await createUser(sql, { email, password, data: { display_name: "Ada" } });
 * ```
 */
export async function createUser(
  sql: TransactionSql,
  options: { email: string; password: string; data: Record<string, unknown> },
): Promise<StoredUser | null> {
  const id = crypto.randomUUID();
  const email = options.email.toLowerCase();
  const identity = { sub: id, email, email_verified: true, phone_verified: false };
  const inserted = await sql`
    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
      raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_anonymous)
    select '00000000-0000-0000-0000-000000000000', ${id}, 'authenticated', 'authenticated', ${email},
      extensions.crypt(${options.password}, extensions.gen_salt('bf', 10)), now(),
      '{"provider": "email", "providers": ["email"]}',
      ${sql.json(options.data as never)}::jsonb || ${sql.json(identity)}::jsonb, now(), now(), false
    where not exists (
      select 1 from auth.users where lower(email) = ${email} and is_sso_user = false
    )
    returning id
  `;
  if (inserted.length === 0) return null;
  await sql`
    insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
    values (${id}, ${id}, ${sql.json(identity)}, 'email', now(), now())
  `;
  return await findUser(sql, id);
}

/**
 * Updates the user's metadata (keys set to `null` are removed, as GoTrue does) and
 * password; `same_password` when the new password is the current one.
 *
 * @example
 * ```ts
 * await updateUser(sql, userId, { data: { display_name: "Ada" } });
 * ```
 */
export async function updateUser(
  sql: TransactionSql,
  userId: string,
  changes: { data?: Record<string, unknown>; password?: string },
): Promise<"ok" | "same_password"> {
  if (changes.password !== undefined) {
    const [same] = await sql`
      select 1 from auth.users where id = ${userId}
        and encrypted_password = extensions.crypt(${changes.password}, encrypted_password)
    `;
    if (same) return "same_password";
    await sql`
      update auth.users set encrypted_password = extensions.crypt(${changes.password}, extensions.gen_salt('bf', 10)),
        updated_at = now()
      where id = ${userId}
    `;
  }
  if (changes.data !== undefined) {
    const data = sql.json(changes.data as never);
    await sql`
      update auth.users set
        raw_user_meta_data = (coalesce(raw_user_meta_data, '{}') || ${data}::jsonb)
          - array(select key from jsonb_each(${data}::jsonb) where value = 'null'::jsonb),
        updated_at = now()
      where id = ${userId}
    `;
  }
  return "ok";
}

function newRefreshToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}
