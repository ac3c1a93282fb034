/**
 * A small stand-in for PostgREST's `POST /rest/v1/rpc/<function>`, so that
 * `supabase.rpc()` works against the local stack (PostgREST cannot run here). It
 * does what PostgREST does for an RPC: verifies the JWT, opens one transaction as
 * the caller (read-only for stable functions), passes the JSON body's keys as
 * named arguments typed with `json_to_record` of the body's own text (so numbers
 * and strings reach Postgres exactly as sent, never through a JavaScript
 * number), and answers an array for set-returning
 * functions, an object for one composite and the value otherwise; errors map as
 * PostgREST's do. Only `public` functions, only RPC: tables are not served.
 *
 * @module
 */

import { getDb, withUser } from "../functions/_shared/db.ts";
import { HttpError } from "../functions/_shared/errors.ts";
import { json, serveHandler } from "../functions/_shared/http.ts";
import { authenticate } from "../functions/_shared/jwt.ts";

/** The path prefix supabase-js calls RPCs on. */
export const RPC_PREFIX = "/rest/v1/rpc/";

interface Routine {
  argNames: string[];
  argTypes: string[];
  required: number;
  returnsSet: boolean;
  returnsComposite: boolean;
  stable: boolean;
}

async function findRoutine(name: string, keys: string[]): Promise<Routine> {
  const routines = await getDb().sql<Routine[]>`
    select coalesce(p.proargnames[1:p.pronargs], '{}') as "argNames",
      array(select format_type(t, null) from unnest(p.proargtypes) as t) as "argTypes",
      p.pronargs - p.pronargdefaults as required,
      p.proretset as "returnsSet",
      rt.typtype = 'c' as "returnsComposite",
      p.provolatile <> 'v' as stable
    from pg_catalog.pg_proc as p
    join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
    join pg_catalog.pg_type as rt on rt.oid = p.prorettype
    where n.nspname = 'public' and p.proname = ${name}
      and (p.proargmodes is null or not p.proargmodes && array['o', 'b', 't']::"char"[])`;
  // Overloads are told apart by their argument names, as PostgREST does.
  const routine = routines.find((candidate) =>
    keys.every((key) => candidate.argNames.includes(key)) &&
    candidate.argNames.slice(0, candidate.required).every((arg) => keys.includes(arg))
  );
  if (!routine) {
    throw new HttpError(404, {
      code: "PGRST202",
      message: `Could not find the function public.${name}(${keys.join(", ")}) in the schema cache`,
    });
  }
  return routine;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Handles `POST /rest/v1/rpc/<name>` (the path without anything after the name). */
export const rpcHandler = serveHandler(async function rpc(request: Request): Promise<Response> {
  const name = functionName(new URL(request.url).pathname.slice(RPC_PREFIX.length));
  const claims = await authenticate(request);
  const { text, keys } = await readBodyObject(request);
  const routine = await findRoutine(name, keys);
  const used = routine.argNames.filter((arg) => keys.includes(arg));
  const call = `public.${quoteIdent(name)}(${
    used.map((arg) => `${quoteIdent(arg)} := pgrst_body.${quoteIdent(arg)}`).join(", ")
  })`;
  const recordType = used
    .map((arg) => `${quoteIdent(arg)} ${routine.argTypes[routine.argNames.indexOf(arg)]}`)
    .join(", ");
  const bodyRecord = used.length > 0
    ? `json_to_record($1::text::json) as pgrst_body(${recordType})`
    : "";
  const source = bodyRecord ? `${bodyRecord} cross join lateral ` : "";
  const query = routine.returnsComposite
    ? (routine.returnsSet
      ? `select coalesce(json_agg(r), '[]') as body from ${source}${call} as r`
      : `select to_json(r) as body from ${source}${call} as r`)
    : (routine.returnsSet
      ? `select coalesce(json_agg(r.v), '[]') as body from ${source}${call} as r(v)`
      : `select to_json(${call}) as body ${bodyRecord ? `from ${bodyRecord}` : ""}`);
  const rows = await withUser(
    claims,
    request,
    (sql) => sql.unsafe(query, used.length > 0 ? [text] : []),
    { readOnly: routine.stable },
  );
  return json(rows[0]?.body ?? null);
}, { methods: ["POST"], errors: { postgrest: true } });

/** The function name of the path, percent-decoded. */
function functionName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(404, {
      code: "PGRST202",
      message: `Could not find the function public.${segment} in the schema cache`,
    });
  }
}

/**
 * The body's text, as Postgres will read it, and its top-level keys. The text
 * is parsed here only to find the keys and to refuse what is not a JSON object.
 */
async function readBodyObject(request: Request): Promise<{ text: string; keys: string[] }> {
  const text = await request.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, {
      code: "invalid_json",
      message: "Cannot read request body: it is not valid JSON",
      cause: error,
    });
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, {
      code: "PGRST102",
      message: "Cannot call function: the body must be a JSON object",
    });
  }
  return { text, keys: Object.keys(body) };
}
