/**
 * Helpers of the Deno tests: environment, servers on 127.0.0.1, tokens, exam
 * fixtures in the database, and a Server-Sent Events reader.
 *
 * @module
 */

import { SignJWT } from "jose";
import { createDb, type Sql } from "../../functions/_shared/db.ts";

/**
 * A required environment variable of the test run.
 *
 * @example
 * ```ts
 * const dbUrl = requireEnv("SUPABASE_DB_URL");
 * ```
 */
export function requireEnv(name: string): string {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`Cannot run tests: ${name} is not set`);
  return value;
}

/** A server started by {@linkcode listen}. */
export interface TestServer {
  /** Base URL, such as `http://127.0.0.1:40123`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a handler on 127.0.0.1 at a free port.
 *
 * @example
 * ```ts
 * const server = listen(handler);
 * try { await fetch(`${server.url}/health`); } finally { await server.close(); }
 * ```
 */
export function listen(handler: (request: Request) => Response | Promise<Response>): TestServer {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  };
}

/**
 * A port nothing listens on (bound, then released).
 *
 * @example
 * ```ts
 * const url = `postgresql://postgres:postgres@127.0.0.1:${closedPort()}/postgres`;
 * ```
 */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Options of {@linkcode signHs256}. */
export interface SignOptions {
  /** Seconds from now; negative for an expired token. Default 3600. */
  expiresIn?: number;
  /** Leave `exp` out. */
  withoutExp?: boolean;
}

/**
 * An HS256 token with the given claims.
 *
 * @example
 * ```ts
 * const token = await signHs256({ role: "service_role" }, secret);
 * ```
 */
export async function signHs256(
  claims: Record<string, unknown>,
  secret: string,
  options: SignOptions = {},
): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuedAt();
  if (!options.withoutExp) {
    jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? 3600));
  }
  return await jwt.sign(new TextEncoder().encode(secret));
}

/** A user created by {@linkcode createExamFixture}. */
export interface TestUser {
  id: string;
  email: string;
}

/** Options of {@linkcode createExamFixture}. */
export interface ExamFixtureOptions {
  /** Owner connection string; default `SUPABASE_DB_URL`. */
  dbUrl?: string;
  /** Students of the academy; default 2. */
  students?: number;
  /** Single-choice questions (options a, b, c, d; key a); default 3. */
  questions?: number;
  /** The exam's default conflict strategy; default `merge`. */
  conflictStrategy?: "merge" | "local" | "server";
}

/** An academy with a teacher, students and a published exam, made for one test. */
export interface ExamFixture {
  academyId: string;
  examId: string;
  sectionId: string;
  questionIds: string[];
  teacher: TestUser;
  students: TestUser[];
  /** The owner connection (no RLS), for setup and checks. */
  sql: Sql;
  /** A signed access token of a user. */
  tokenFor(user: TestUser, options?: SignOptions): Promise<string>;
  /** Starts (or returns) a student's attempt through `public.start_attempt`, as that student. */
  startAttempt(student: TestUser): Promise<string>;
  /** Removes everything the fixture made and closes its connection. */
  cleanup(): Promise<void>;
}

/**
 * Creates an academy, its users (in `auth.users`), a published exam with one
 * section of single-choice questions and their keys, unique per call.
 *
 * @example
 * ```ts
 * const fixture = await createExamFixture({ students: 2 });
 * try {
 *   const attemptId = await fixture.startAttempt(fixture.students[0]!);
 * } finally {
 *   await fixture.cleanup();
 * }
 * ```
 */
export async function createExamFixture(options: ExamFixtureOptions = {}): Promise<ExamFixture> {
  const db = createDb({ url: options.dbUrl ?? requireEnv("SUPABASE_DB_URL"), max: 3 });
  const secret = requireEnv("JWT_SECRET");
  const tag = crypto.randomUUID().slice(0, 8);
  const sql = db.sql;
  const newUser = async (name: string): Promise<TestUser> => {
    const id = crypto.randomUUID();
    const email = `${name}-${tag}@examsync.test`;
    await sql`
      insert into auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data,
        email_confirmed_at, created_at, updated_at)
      values (${id}, 'authenticated', 'authenticated', ${email},
        ${sql.json({ display_name: name })}, ${
      sql.json({ provider: "email", providers: ["email"] })
    },
        now(), now(), now())
    `;
    return { id, email };
  };
  const teacher = await newUser("teacher");
  const students: TestUser[] = [];
  for (let i = 0; i < (options.students ?? 2); i++) students.push(await newUser(`student${i + 1}`));

  const [academy] = await sql<{ id: string }[]>`
    insert into public.academies (name, slug) values (${`Test academy ${tag}`}, ${`test-${tag}`})
    returning id
  `;
  const academyId = academy!.id;
  await sql`
    insert into public.academy_members (academy_id, user_id, role)
    values (${academyId}, ${teacher.id}, 'teacher')
  `;
  for (const student of students) {
    await sql`
      insert into public.academy_members (academy_id, user_id, role)
      values (${academyId}, ${student.id}, 'student')
    `;
  }
  const [exam] = await sql<{ id: string }[]>`
    insert into public.exams (academy_id, title, published, duration_seconds, conflict_strategy, created_by)
    values (${academyId}, ${`Exam ${tag}`}, true, 3600, ${
    options.conflictStrategy ?? "merge"
  }, ${teacher.id})
    returning id
  `;
  const examId = exam!.id;
  const [section] = await sql<{ id: string }[]>`
    insert into public.exam_sections (exam_id, position, title) values (${examId}, 0, 'Section 1')
    returning id
  `;
  const sectionId = section!.id;
  const questionIds: string[] = [];
  const choices = ["a", "b", "c", "d"].map((id) => ({ id, text: `Option ${id}` }));
  for (let position = 0; position < (options.questions ?? 3); position++) {
    const [question] = await sql<{ id: string }[]>`
      insert into public.questions (exam_id, section_id, position, type, prompt, options)
      values (${examId}, ${sectionId}, ${position}, 'single_choice', ${`Question ${position + 1}`},
        ${sql.json(choices)})
      returning id
    `;
    questionIds.push(question!.id);
    await sql`insert into private.question_keys (question_id, correct) values (${
      question!.id
    }, '"a"')`;
  }

  const userIds = [teacher.id, ...students.map((student) => student.id)];
  const tokenFor = (user: TestUser, signOptions?: SignOptions) =>
    signHs256(
      { role: "authenticated", sub: user.id, email: user.email, aud: "authenticated" },
      secret,
      signOptions,
    );

  return {
    academyId,
    examId,
    sectionId,
    questionIds,
    teacher,
    students,
    sql,
    tokenFor,
    async startAttempt(student) {
      const claims = {
        role: "authenticated" as const,
        sub: student.id,
        exp: Math.floor(Date.now() / 1000) + 600,
      };
      const request = new Request("http://localhost/rest/v1/rpc/start_attempt", { method: "POST" });
      const [attempt] = await db.withUser(
        claims,
        request,
        (tx) => tx<{ id: string }[]>`select id from public.start_attempt(${examId}::uuid)`,
      );
      return attempt!.id;
    },
    async cleanup() {
      try {
        await sql`
          delete from public.outbox_events
          where topic in (
            select 'attempt:' || a.id from public.exam_attempts as a where a.academy_id = ${academyId}
          ) or topic = any (${userIds.map((id) => `user:${id}`)}::text[])
        `;
        await sql`
          delete from private.rate_limits
          where key = any (${userIds.map((id) => `attempt-sync:${id}`)}::text[])
        `;
        await sql`delete from public.academies where id = ${academyId}`;
        await sql`delete from auth.users where id = any (${userIds}::uuid[])`;
      } finally {
        await db.close();
      }
    },
  };
}

/** One message of an event stream: its fields, and the comments before it. */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  retry?: number;
  comments: string[];
}

/** A reader of a `text/event-stream` response. */
export interface SseReader {
  response: Response;
  /**
   * The next message (a comment-only block counts as one), or `undefined`
   * when the stream ends.
   *
   * @throws {Error} when nothing arrives within `timeoutMs` (default 5000).
   */
  next(timeoutMs?: number): Promise<SseMessage | undefined>;
  /**
   * The next message with an `event` field, skipping comments, `retry` and the
   * opening `ready` event.
   */
  nextEvent(timeoutMs?: number): Promise<SseMessage | undefined>;
  /** Cancels the response body (the client goes away). */
  close(): Promise<void>;
}

/**
 * Fetches a URL and reads its body as Server-Sent Events.
 *
 * @example
 * ```ts
 * const stream = await openSse(`${url}?topic=attempt:${id}`, { headers: { authorization } });
 * try { const message = await stream.nextEvent(); } finally { await stream.close(); }
 * ```
 */
export async function openSse(url: string, init: RequestInit = {}): Promise<SseReader> {
  const response = await fetch(url, init);
  const body = response.body;
  if (!response.ok || body === null) {
    return {
      response,
      next: () => Promise.resolve(undefined),
      nextEvent: () => Promise.resolve(undefined),
      close: async () => {
        if (body !== null && !response.bodyUsed) await body.cancel().catch(() => {});
      },
    };
  }
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let ended = false;
  let pending: Promise<ReadableStreamReadResult<string>> | undefined;

  async function next(timeoutMs = 5000): Promise<SseMessage | undefined> {
    for (;;) {
      const end = text.indexOf("\n\n");
      if (end !== -1) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        return parseBlock(block);
      }
      if (ended) return undefined;
      pending ??= reader.read();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const result = await Promise.race([pending, timeout]);
      clearTimeout(timer);
      if (result === "timeout") throw new Error(`No SSE message within ${timeoutMs} ms`);
      pending = undefined;
      if (result.done) ended = true;
      else text += result.value;
    }
  }

  return {
    response,
    next,
    async nextEvent(timeoutMs = 5000) {
      for (;;) {
        const message = await next(timeoutMs);
        if (message === undefined || (message.event !== undefined && message.event !== "ready")) {
          return message;
        }
      }
    },
    async close() {
      ended = true;
      await reader.cancel().catch(() => {});
    },
  };
}

function parseBlock(block: string): SseMessage {
  const message: SseMessage = { comments: [] };
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) {
      message.comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") message.id = value;
    else if (field === "event") message.event = value;
    else if (field === "data") {
      message.data = message.data === undefined ? value : `${message.data}\n${value}`;
    } else if (field === "retry") message.retry = Number(value);
  }
  return message;
}

/**
 * Waits until `check` returns true, polling every 20 ms.
 *
 * @example
 * ```ts
 * await waitFor(() => hub.stats().streams === 0, { message: "streams are released" });
 * ```
 * @throws {Error} after `timeoutMs` (default 3000).
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; message?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 3000);
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting: ${options.message ?? "condition"}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
