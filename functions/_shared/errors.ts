/**
 * One error type and one place turning any thrown value into a JSON response
 * `{ code, message, details?, hint? }`, with PostgREST's status for Postgres
 * errors so an edge function answers like `supabase.rpc()` would.
 *
 * @module
 */

/** The JSON body of every error response. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
  hint?: string;
}

/** Options of {@linkcode HttpError}. */
export interface HttpErrorOptions {
  /** Stable machine code, such as `invalid_token`. */
  code: string;
  /** Sentence-case text saying what failed and why. */
  message: string;
  /** Anything JSON-serialisable that helps the caller. */
  details?: unknown;
  hint?: string;
  /** Extra response headers, such as `WWW-Authenticate`. */
  headers?: HeadersInit;
  cause?: unknown;
}

/**
 * An error with an HTTP status, answered as is by {@linkcode errorResponse}.
 *
 * @example
 * ```ts
 * throw new HttpError(404, {
 *   code: "attempt_not_found",
 *   message: "Cannot find attempt: it does not exist or is not yours",
 * });
 * ```
 */
export class HttpError extends Error {
  override name = "HttpError";
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  readonly hint?: string;
  readonly headers?: HeadersInit;

  constructor(status: number, options: HttpErrorOptions) {
    super(options.message, { cause: options.cause });
    this.status = status;
    this.code = options.code;
    this.details = options.details;
    this.hint = options.hint;
    this.headers = options.headers;
  }

  /** The JSON body, without absent fields. */
  toJSON(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.details !== undefined && this.details !== null) body.details = this.details;
    if (this.hint !== undefined && this.hint !== null) body.hint = this.hint;
    return body;
  }
}

/** Options of {@linkcode toHttpError} and {@linkcode errorResponse}. */
export interface ErrorMappingOptions {
  /**
   * Role the failed request ran as. Decides `42501`: 401 for `anon`, 403 for
   * others. Defaults to the role tagged by {@linkcode tagErrorRole}, else 403.
   */
  role?: string;
  /**
   * Answer Postgres errors exactly as PostgREST does (the SQLSTATE as `code`,
   * PostgREST's status), for the local PostgREST stand-in. By default the
   * errors of input Postgres cannot store get a stable code and 400 instead
   * (see {@linkcode toHttpError}).
   */
  postgrest?: boolean;
}

/**
 * HTTP status PostgREST gives a SQLSTATE.
 *
 * @example
 * ```ts
 * statusForSqlState("23505"); // 409
 * statusForSqlState("42501", { authenticated: false }); // 401
 * statusForSqlState("PT429"); // 429
 * ```
 */
export function statusForSqlState(
  sqlstate: string,
  options: { authenticated?: boolean; message?: string } = {},
): number {
  const { authenticated = true, message = "" } = options;
  switch (sqlstate) {
    case "23503":
    case "23505":
      return 409;
    case "25006":
      return 405;
    case "21000":
      return message.endsWith("requires a WHERE clause") ? 400 : 500;
    case "53400":
      return 500;
    case "P0001":
      return 400;
    case "42883":
    case "42P01":
      return 404;
    case "42P17":
      return 500;
    case "42501":
      return authenticated ? 403 : 401;
  }
  if (sqlstate.startsWith("PT")) {
    const status = /^PT\d{3}$/.test(sqlstate) ? Number(sqlstate.slice(2)) : NaN;
    return status >= 100 && status <= 599 ? status : 500;
  }
  const klass = sqlstate.slice(0, 2);
  // Connection problems, insufficient resources, an operator's shutdown or restart.
  if (klass === "08" || klass === "53" || klass === "57") return 503;
  if (klass === "0L" || klass === "0P" || klass === "28") return 403;
  if (SERVER_CLASSES.has(klass)) return 500;
  return 400;
}

const SERVER_CLASSES = new Set([
  "09",
  "25",
  "2D",
  "38",
  "39",
  "3B",
  "40",
  "54",
  "55",
  "58",
  "F0",
  "HV",
  "P0",
  "XX",
]);

/** Error codes of a lost or refused database connection (npm:postgres, node:net). */
const CONNECTION_CODES = new Set([
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "ETIMEDOUT",
]);

/** What a 503 `database_unavailable` tells the client to wait before retrying. */
const RETRY_AFTER_SECONDS = 1;

const roles = new WeakMap<object, string>();

/**
 * Records the role a failing request ran as, so `42501` maps to 401 or 403
 * later. Used by the database helper; returns the error for `throw`.
 *
 * @example
 * ```ts
 * try { await work(); } catch (error) { throw tagErrorRole(error, "anon"); }
 * ```
 */
export function tagErrorRole<E>(error: E, role: string): E {
  if (typeof error === "object" && error !== null && !roles.has(error)) {
    roles.set(error, role);
  }
  return error;
}

/**
 * Whether an error is a lost or refused database connection.
 *
 * @example
 * ```ts
 * isConnectionError(Object.assign(new Error("refused"), { code: "ECONNREFUSED" })); // true
 * ```
 */
export function isConnectionError(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && CONNECTION_CODES.has(code);
}

/**
 * Whether an error comes from Postgres, carrying a SQLSTATE in `code`.
 *
 * @example
 * ```ts
 * if (isPostgresError(error) && error.code === "40001") retry();
 * ```
 */
export function isPostgresError(error: unknown): error is PostgresErrorLike {
  if (!(error instanceof Error) || isConnectionError(error)) return false;
  const code = codeOf(error);
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code);
}

/** The fields of a Postgres error that matter here. */
export interface PostgresErrorLike extends Error {
  code: string;
  detail?: string;
  hint?: string;
}

/**
 * Turns anything thrown into an {@linkcode HttpError}: itself, a Postgres error
 * with PostgREST's status, a lost connection as 503, a zod error as 400, and
 * anything else as a 500 `internal_error` that hides its text.
 *
 * Input Postgres cannot store is the caller's mistake, so it is 400 with a
 * stable code rather than a raw SQLSTATE (unless `postgrest` is set):
 * `invalid_text` for text with a NUL or a lone surrogate (`22P05`
 * "unsupported Unicode escape sequence" of `\u0000` in `jsonb`, `22021` of a
 * NUL byte in `text`, `22P02` of a lone surrogate escape in JSON) and
 * `input_too_complex` for input past the database's limits (`54000`, `54001`
 * "stack depth limit exceeded" of deeply nested JSON); `details.sqlstate`
 * keeps the database's code.
 *
 * @example
 * ```ts
 * toHttpError(new Error("boom")).status; // 500
 * ```
 */
export function toHttpError(error: unknown, options: ErrorMappingOptions = {}): HttpError {
  if (error instanceof HttpError) return error;
  if (isConnectionError(error)) {
    return new HttpError(503, {
      code: "database_unavailable",
      message: "Cannot reach the database: the connection failed",
      headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
      cause: error,
    });
  }
  if (isPostgresError(error)) return fromPostgres(error, options);
  if (isZodError(error)) {
    return new HttpError(400, {
      code: "invalid_request",
      message: "Cannot accept request: the input is invalid",
      details: error.issues,
      cause: error,
    });
  }
  return new HttpError(500, {
    code: "internal_error",
    message: "Internal server error",
    cause: error,
  });
}

/**
 * The one place turning a thrown value into a JSON error response. Logs 5xx
 * errors with their cause; never puts an unknown error's text in the body.
 *
 * @example
 * ```ts
 * try {
 *   return await handle(request);
 * } catch (error) {
 *   return errorResponse(error);
 * }
 * ```
 */
export function errorResponse(error: unknown, options: ErrorMappingOptions = {}): Response {
  const httpError = toHttpError(error, options);
  if (httpError.code === "database_unavailable") {
    // Expected during an outage, and many at once: one line each, no stack.
    console.warn(`[503 database_unavailable] ${messageOf(httpError.cause ?? httpError)}`);
  } else if (httpError.status >= 500) {
    console.error(`[${httpError.status} ${httpError.code}]`, httpError.cause ?? httpError);
  }
  const headers = new Headers(httpError.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(httpError), { status: httpError.status, headers });
}

function fromPostgres(error: PostgresErrorLike, options: ErrorMappingOptions): HttpError {
  if (error.code === "PGRST") return fromRaisedPgrst(error);
  const unstorable = options.postgrest ? undefined : unstorableInput(error);
  if (unstorable !== undefined) return unstorable;
  const role = options.role ?? roles.get(error);
  const authenticated = role !== "anon";
  const status = statusForSqlState(error.code, { authenticated, message: error.message });
  return new HttpError(status, {
    code: error.code,
    message: error.message,
    details: error.detail,
    hint: error.hint,
    headers: status === 401
      ? { "www-authenticate": "Bearer" }
      : status === 503
      ? { "retry-after": String(RETRY_AFTER_SECONDS) }
      : undefined,
    cause: error,
  });
}

/** Postgres errors of input it cannot store, answered 400 with a stable code. */
function unstorableInput(error: PostgresErrorLike): HttpError | undefined {
  const sqlstate = error.code;
  const badText = sqlstate === "22P05" || sqlstate === "22021" ||
    (sqlstate === "22P02" && /surrogate/i.test(`${error.detail ?? ""} ${error.message}`));
  if (badText) {
    return new HttpError(400, {
      code: "invalid_text",
      message:
        "Cannot store text: it holds a character Postgres cannot store (a NUL \\u0000 or a lone surrogate)",
      details: { sqlstate, reason: error.detail ?? error.message },
      cause: error,
    });
  }
  if (sqlstate === "54000" || sqlstate === "54001") {
    return new HttpError(400, {
      code: "input_too_complex",
      message: "Cannot process input: it is too large or too deeply nested for the database",
      details: { sqlstate, reason: error.message },
      cause: error,
    });
  }
  return undefined;
}

/**
 * `raise sqlstate 'PGRST' using message = '{"code","message","details","hint"}',
 * detail = '{"status": 4xx, "headers": {...}}'`, as PostgREST supports.
 */
function fromRaisedPgrst(error: PostgresErrorLike): HttpError {
  try {
    const body = JSON.parse(error.message) as Record<string, unknown>;
    const detail = JSON.parse(error.detail ?? "") as Record<string, unknown>;
    const status = detail.status;
    if (
      typeof body.code !== "string" || typeof body.message !== "string" ||
      typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599
    ) {
      throw new TypeError("missing code, message or status");
    }
    return new HttpError(status, {
      code: body.code,
      message: body.message,
      details: body.details ?? undefined,
      hint: typeof body.hint === "string" ? body.hint : undefined,
      headers: stringRecord(detail.headers),
      cause: error,
    });
  } catch {
    return new HttpError(500, {
      code: "PGRST121",
      message: "Could not parse JSON in the RAISE SQLSTATE 'PGRST' error",
      details: "Use a JSON object message with code and message, and a JSON detail with status",
      cause: error,
    });
  }
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] =>
      typeof entry[1] === "string"
    ),
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

function isZodError(error: unknown): error is Error & { issues: unknown[] } {
  return error instanceof Error && error.name === "ZodError" &&
    Array.isArray((error as { issues?: unknown }).issues);
}
