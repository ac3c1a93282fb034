/**
 * A stand-in for PostgREST at `/rest/v1`: tables and views (`GET`, `HEAD`, `POST`
 * with upsert, `PATCH`, `DELETE`) and functions (`/rpc/<name>` by `POST`, and `GET`
 * with query arguments), each request one transaction as the caller with RLS, set up
 * as PostgREST sets it up (functions/_shared/db.ts). The gateway's API key is
 * required. What PostgREST does and this stand-in does not answers 501 naming it.
 *
 * @module
 */

import type { Db, TransactionSql } from "../../functions/_shared/db.ts";
import { HttpError } from "../../functions/_shared/errors.ts";
import { type JwtClaims, type JwtKeys, verifyJwt } from "../../functions/_shared/jwt.ts";
import { gatewayError, requireApiKey } from "../gateway/apikey.ts";
import { type ResolvedEmbed, resolveEmbed } from "./embed.ts";
import { pgrstError, restErrorResponse, unsupported } from "./errors.ts";
import { type BodyShape, parseAccept, parsePrefer, parseRange, type Preferences } from "./parse.ts";
import {
  type ColumnTypes,
  type EmbedContext,
  embedExistsSql,
  orderSql,
  pageSql,
  Params,
  quoteIdent,
  selectListSql,
  whereSql,
} from "./query.ts";
import { parseQuery, type QueryParts } from "./request.ts";
import {
  exposedSchemas,
  findRoutines,
  loadForeignKeys,
  loadRelation,
  type Relation,
  type Routine,
} from "./schema.ts";

/** The path prefix of the REST API. */
export const REST_PREFIX = "/rest/v1";
/** Rows one response holds at most (`max_rows` of a Supabase project). */
export const MAX_ROWS = 1000;

/** Options of {@linkcode createRestHandler}. */
export interface RestOptions {
  db: Db;
  /** Keys verifying API keys and bearer tokens. */
  keys: JwtKeys;
}

/** A statement ready to run as the caller, and how to answer with its result. */
interface Plan {
  sql: string;
  params: unknown[];
  readOnly: boolean;
  /** `page` statements answer `body, page_total, total`; `command` ones only a row count. */
  kind: "page" | "command" | "scalar" | "void";
  status: number;
  shape: BodyShape;
  /** For RPCs returning one composite: the object, not an array. */
  singleRow?: boolean;
  /** A table's POST, PATCH or DELETE. */
  mutation?: boolean;
  /** A planned count (EXPLAIN) of this statement. */
  explain?: string;
  prefs: Preferences;
  offset: number;
  schema: string;
  method: string;
}

/**
 * Creates the `/rest/v1/*` handler.
 *
 * @example
 * ```ts
 * const rest = createRestHandler({ db: getDb(), keys: { jwtSecret } });
 * ```
 */
export function createRestHandler(options: RestOptions): (request: Request) => Promise<Response> {
  const { db, keys } = options;

  async function callerClaims(request: Request): Promise<JwtClaims> {
    let apiKey: JwtClaims;
    try {
      apiKey = await requireApiKey(request, keys);
    } catch (error) {
      if (error instanceof HttpError) throw Object.assign(error, { gateway: true });
      throw error;
    }
    const header = request.headers.get("authorization");
    if (header === null) return apiKey;
    const match = /^bearer[ ]+([^ ]+)[ ]*$/i.exec(header);
    if (!match?.[1]) {
      throw pgrstError(401, "PGRST301", "Expected 3 parts in JWT; got 1", { hint: null as never });
    }
    try {
      return await verifyJwt(match[1], { keys });
    } catch (error) {
      const expired = error instanceof HttpError && error.code === "token_expired";
      throw new HttpError(401, {
        code: expired ? "PGRST303" : "PGRST301",
        message: expired ? "JWT expired" : (error instanceof Error ? error.message : "JWT invalid"),
        headers: {
          "www-authenticate": `Bearer error="invalid_token", error_description="${
            expired ? "JWT expired" : "JWT invalid"
          }"`,
        },
      });
    }
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname.slice(REST_PREFIX.length);
    const claims = await callerClaims(request);
    const method = request.method;
    if (path === "" || path === "/") throw unsupported("the OpenAPI description (GET /rest/v1/)");
    const segments = path.slice(1).split("/").map(decodeURIComponent);
    const isRpc = segments[0] === "rpc" && segments.length === 2;
    if (!isRpc && segments.length !== 1) {
      throw pgrstError(404, "PGRST125", `Invalid path specified in request URL`);
    }
    if (method === "PUT") {
      throw unsupported(
        "PUT (single-row upsert); use POST with Prefer: resolution=merge-duplicates",
      );
    }
    if (!["GET", "HEAD", "POST", "PATCH", "DELETE"].includes(method)) {
      throw pgrstError(405, "PGRST117", `Unsupported HTTP method: ${method}`);
    }
    if (isRpc && (method === "PATCH" || method === "DELETE")) {
      throw pgrstError(405, "PGRST101", "Only GET, HEAD and POST are allowed on functions");
    }
    const reads = method === "GET" || method === "HEAD";
    const prefs = parsePrefer(request.headers.get("prefer"));
    const shape = parseAccept(request.headers.get("accept"));
    const bodyText = reads ? "" : await request.text();
    const profile = request.headers.get(reads ? "accept-profile" : "content-profile");

    const plan = await db.withOwner(async (sql) => {
      const schemas = await exposedSchemas(sql);
      const schema = profile?.trim() || schemas[0]!;
      if (!schemas.includes(schema)) {
        throw pgrstError(
          406,
          "PGRST106",
          `The schema must be one of the following: ${schemas.join(", ")}`,
        );
      }
      const base = { prefs, shape, schema, method };
      return isRpc
        ? await planRpc(sql, {
          ...base,
          name: segments[1]!,
          url,
          bodyText,
          range: request.headers.get("range"),
        })
        : await planTable(sql, {
          ...base,
          name: segments[0]!,
          url,
          bodyText,
          range: request.headers.get("range"),
        });
    }, { readOnly: true });

    const target = new URL(request.url);
    target.pathname = path;
    const callerRequest = new Request(target, { method, headers: request.headers });
    return await db.withUser(claims, callerRequest, (tx) => execute(tx, plan), {
      readOnly: plan.readOnly,
    });
  }

  return async function handleRest(request: Request): Promise<Response> {
    try {
      return await handle(request);
    } catch (error) {
      if (error instanceof HttpError && (error as { gateway?: boolean }).gateway) {
        return gatewayError(error);
      }
      return restErrorResponse(error);
    }
  };
}

interface PlanInput {
  name: string;
  url: URL;
  bodyText: string;
  range: string | null;
  prefs: Preferences;
  shape: BodyShape;
  schema: string;
  method: string;
}

/** Resolves the embeds of a select list (one level). */
async function resolveEmbeds(
  sql: TransactionSql,
  relation: Relation,
  parts: QueryParts,
): Promise<EmbedContext> {
  const embeds = new Map<string, ResolvedEmbed>();
  const items = parts.select.filter((item) => item.kind === "embed");
  if (items.length > 0) {
    const fks = await loadForeignKeys(sql, relation.schema);
    for (const item of items) {
      if (item.kind !== "embed") continue;
      const embed = await resolveEmbed(
        relation,
        item,
        fks,
        (schema, name) => loadRelation(sql, schema, name),
      );
      embeds.set(embed.key, embed);
    }
  }
  return { embeds, filters: parts.embedFilters };
}

/** WHERE of a request: filters, trees, `!inner` embeds and embed null filters. */
function conditionsSql(
  alias: string,
  parts: QueryParts,
  context: EmbedContext,
  params: Params,
  types: ColumnTypes,
): string {
  const clauses = [whereSql(alias, parts.conditions, params, types)];
  for (const [key, embed] of context.embeds) {
    const filters = context.filters.get(key) ?? [];
    const nullFilter = parts.embedNullFilters.get(key);
    if (embed.inner) clauses.push(embedExistsSql(alias, embed, filters, params));
    if (nullFilter) {
      const exists = embedExistsSql(alias, embed, filters, params);
      const wantsNull = (nullFilter.value === "null") !== nullFilter.negate;
      clauses.push(wantsNull ? `not ${exists}` : exists);
    }
  }
  return clauses.join(" and ");
}

/** offset/limit from the query and the `Range` header, intersected, capped at max rows. */
function window(parts: QueryParts, rangeHeader: string | null, reads: boolean) {
  let offset = parts.offset ?? 0;
  let end = parts.limit !== undefined ? offset + parts.limit : Infinity;
  const range = reads ? parseRange(rangeHeader) : undefined;
  if (range) {
    const rangeEnd = range.limit !== undefined ? range.offset + range.limit : Infinity;
    offset = Math.max(offset, range.offset);
    end = Math.min(end, rangeEnd);
  }
  const limit = Math.max(0, Math.min(end - offset, MAX_ROWS));
  return { offset, limit };
}

function columnTypes(relation: Relation): ColumnTypes {
  return new Map([...relation.columns].map(([name, column]) => [name, column.type]));
}

function tableNotFound(schema: string, name: string): HttpError {
  return pgrstError(
    404,
    "PGRST205",
    `Could not find the table '${schema}.${name}' in the schema cache`,
  );
}

async function planTable(sql: TransactionSql, input: PlanInput): Promise<Plan> {
  const { schema, name, method, prefs } = input;
  const relation = await loadRelation(sql, schema, name);
  if (relation === null) throw tableNotFound(schema, name);
  const parts = parseQuery(input.url.searchParams);
  const context = await resolveEmbeds(sql, relation, parts);
  const params = new Params();
  const alias = relation.name;
  const table = `${quoteIdent(schema)}.${quoteIdent(relation.name)}`;
  const common = { prefs, shape: input.shape, schema, method, offset: 0 };

  if (method === "GET" || method === "HEAD") {
    const where = conditionsSql(alias, parts, context, params, columnTypes(relation));
    const source = `select ${quoteIdent(alias)}.* from ${table} as ${
      quoteIdent(alias)
    } where ${where}`;
    const { offset, limit } = window(parts, input.range, true);
    const selectList = selectListSql(alias, parts.select, context, params);
    return {
      ...common,
      sql: pageSql({
        source,
        alias,
        selectList,
        order: orderSql(alias, parts.order),
        limit,
        offset,
        countAll: prefs.count === "exact" || prefs.count === "estimated",
      }),
      explain: prefs.count === "planned" || prefs.count === "estimated" ? source : undefined,
      params: params.values,
      readOnly: true,
      kind: "page",
      status: 200,
      offset,
    };
  }

  if (parts.order || parts.limit !== undefined || parts.offset !== undefined) {
    throw unsupported(`order, limit and offset on ${method} (limited updates and deletes)`);
  }
  let statement: string;
  if (method === "POST") {
    statement = insertSql(relation, table, alias, input.bodyText, parts, prefs, params);
  } else {
    if (parts.conditions.length === 0 && parts.embedNullFilters.size === 0) {
      throw new HttpError(400, {
        code: "21000",
        message: `${method === "PATCH" ? "UPDATE" : "DELETE"} requires a WHERE clause`,
      });
    }
    const where = conditionsSql(alias, parts, context, params, columnTypes(relation));
    if (method === "PATCH") {
      const body = parseBody(input.bodyText, "object");
      const columns = checkColumns(relation, Object.keys(body as object));
      if (columns.length === 0) {
        statement = `select ${quoteIdent(alias)}.* from ${table} as ${
          quoteIdent(alias)
        } where false`;
      } else {
        const payload = params.add(input.bodyText);
        statement = `update ${table} as ${quoteIdent(alias)} set ${
          columns.map((column) => `${quoteIdent(column)} = pgrst_body.${quoteIdent(column)}`).join(
            ", ",
          )
        } from json_populate_record(null::${table}, ${payload}::text::json) as pgrst_body where ${where}`;
      }
    } else {
      statement = `delete from ${table} as ${quoteIdent(alias)} where ${where}`;
    }
  }
  const representation = prefs.return === "representation";
  if (!representation) {
    return {
      ...common,
      sql: statement,
      params: params.values,
      readOnly: false,
      kind: "command",
      mutation: true,
      status: method === "POST" ? 201 : 204,
    };
  }
  const returning = /^select /.test(statement)
    ? statement
    : `${statement} returning ${quoteIdent(alias)}.*`;
  const selectList = selectListSql(alias, parts.select, context, params);
  return {
    ...common,
    sql: pageSql({ source: returning, modifies: true, alias, selectList, countAll: false }),
    params: params.values,
    readOnly: false,
    mutation: true,
    kind: "page",
    status: method === "POST" ? 201 : 200,
  };
}

function parseBody(text: string, expect: "object" | "object-or-array"): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text.trim() === "" ? "{}" : text);
  } catch (error) {
    throw pgrstError(400, "PGRST102", "Empty or invalid json", {
      details: error instanceof Error ? error.message : undefined,
    });
  }
  const isObject = (value: unknown) =>
    value !== null && typeof value === "object" && !Array.isArray(value);
  if (expect === "object" && !isObject(body)) {
    throw pgrstError(400, "PGRST102", "Expected a JSON object");
  }
  if (
    expect === "object-or-array" && !isObject(body) &&
    !(Array.isArray(body) && body.every(isObject))
  ) {
    throw pgrstError(400, "PGRST102", "Expected a JSON object or an array of objects");
  }
  return body;
}

function checkColumns(relation: Relation, columns: readonly string[]): string[] {
  for (const column of columns) {
    if (!relation.columns.has(column)) {
      throw pgrstError(
        400,
        "PGRST204",
        `Could not find the '${column}' column of '${relation.name}' in the schema cache`,
      );
    }
  }
  return [...columns];
}

function insertSql(
  relation: Relation,
  table: string,
  alias: string,
  bodyText: string,
  parts: QueryParts,
  prefs: Preferences,
  params: Params,
): string {
  const body = parseBody(bodyText, "object-or-array");
  const rows = (Array.isArray(body) ? body : [body]) as Record<string, unknown>[];
  let columns: string[];
  if (parts.columns) {
    columns = checkColumns(relation, parts.columns);
  } else {
    const first = Object.keys(rows[0] ?? {});
    for (const row of rows) {
      const keys = Object.keys(row);
      if (keys.length !== first.length || !keys.every((key) => first.includes(key))) {
        throw pgrstError(400, "PGRST102", "All object keys must match");
      }
    }
    columns = checkColumns(relation, first);
  }
  const target = `${table} as ${quoteIdent(alias)}`;
  if (rows.length === 0) {
    return `select ${quoteIdent(alias)}.* from ${table} as ${quoteIdent(alias)} where false`;
  }
  let statement: string;
  if (columns.length === 0) {
    if (rows.length > 1) throw unsupported("inserting several rows that have no columns");
    statement = `insert into ${target} default values`;
  } else {
    const payload = params.add(Array.isArray(body) ? bodyText : `[${bodyText}]`);
    const values = columns.map((column) => {
      const value = `pgrst_body.${quoteIdent(column)}`;
      if (prefs.missing !== "default") return value;
      const fallback = relation.columns.get(column)!.defaultExpr ?? "null";
      return `case when pgrst_raw.doc::jsonb ? ${
        params.add(column)
      } then ${value} else ${fallback} end`;
    });
    statement = `insert into ${target} (${columns.map(quoteIdent).join(", ")})
      select ${values.join(", ")}
      from json_array_elements(${payload}::text::json) with ordinality as pgrst_raw (doc, n)
      cross join lateral json_populate_record(null::${table}, pgrst_raw.doc) as pgrst_body
      order by pgrst_raw.n`;
  }
  if (prefs.resolution) {
    const conflict = parts.onConflict ?? relation.primaryKey;
    if (conflict.length === 0) {
      throw pgrstError(
        400,
        "PGRST100",
        `Cannot upsert into '${relation.name}': it has no primary key; give on_conflict`,
      );
    }
    checkColumns(relation, conflict);
    const updates = columns.filter((column) => !conflict.includes(column));
    statement += ` on conflict (${conflict.map(quoteIdent).join(", ")}) ` + (
      prefs.resolution === "ignore-duplicates" || updates.length === 0
        ? "do nothing"
        : `do update set ${
          updates.map((column) => `${quoteIdent(column)} = excluded.${quoteIdent(column)}`).join(
            ", ",
          )
        }`
    );
  }
  return statement;
}

function chooseRoutine(
  schema: string,
  name: string,
  candidates: Routine[],
  keys: string[],
  exact: boolean,
): Routine {
  const fits = candidates.filter((routine) => {
    const named = routine.argNames.filter(Boolean);
    const singleJson = routine.argNames.length === 1 && routine.argNames[0] === "" &&
      /^jsonb?$/.test(routine.argTypes[0] ?? "");
    if (singleJson) return exact;
    return (!exact || keys.every((key) => named.includes(key))) &&
      routine.argNames.slice(0, routine.required).every((arg) => keys.includes(arg));
  });
  if (fits.length === 0) {
    throw pgrstError(
      404,
      "PGRST202",
      `Could not find the function ${schema}.${name}(${keys.join(", ")}) in the schema cache`,
      {
        hint: candidates.length > 0
          ? `Perhaps you meant to call the function ${schema}.${name}(${
            candidates[0]!.argNames.join(", ")
          })`
          : undefined,
        details: `Searched for the function ${schema}.${name} with parameters ${
          keys.join(", ") || "(none)"
        } or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
      },
    );
  }
  if (fits.length > 1) {
    // GET: the overload taking the most of the query's keys.
    const score = (routine: Routine) => routine.argNames.filter((arg) => keys.includes(arg)).length;
    const best = Math.max(...fits.map(score));
    const top = fits.filter((routine) => score(routine) === best);
    if (top.length > 1) {
      throw pgrstError(
        300,
        "PGRST203",
        `Could not choose the best candidate function between: ${
          top.map((routine) => `${schema}.${name}(${routine.argNames.join(", ")})`).join(", ")
        }`,
        {
          hint:
            "Try renaming the parameters or the function itself in the database so function overloading can be resolved",
        },
      );
    }
    return top[0]!;
  }
  return fits[0]!;
}

async function planRpc(sql: TransactionSql, input: PlanInput): Promise<Plan> {
  const { schema, name, method, prefs } = input;
  const candidates = await findRoutines(sql, schema, name);
  const reads = method === "GET" || method === "HEAD";
  const params = new Params();
  let routine: Routine;
  let call: string;
  let from = "";
  let parts: QueryParts;
  if (reads) {
    const allArgs = new Set(candidates.flatMap((routine) => routine.argNames.filter(Boolean)));
    parts = parseQuery(input.url.searchParams, allArgs);
    const keys = [...parts.args.keys()];
    routine = chooseRoutine(schema, name, candidates, keys, true);
    call = `${quoteIdent(schema)}.${quoteIdent(name)}(${
      keys.map((key) =>
        `${quoteIdent(key)} := ${params.add(parts.args.get(key))}::text::${
          routine.argTypes[routine.argNames.indexOf(key)]
        }`
      ).join(", ")
    })`;
  } else {
    parts = parseQuery(input.url.searchParams);
    const text = input.bodyText.trim() === "" ? "{}" : input.bodyText;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw pgrstError(400, "PGRST102", "Empty or invalid json", {
        details: error instanceof Error ? error.message : undefined,
      });
    }
    const singleJson = candidates.find((candidate) =>
      candidate.argNames.length === 1 && candidate.argNames[0] === "" &&
      /^jsonb?$/.test(candidate.argTypes[0] ?? "")
    );
    if (singleJson && candidates.length === 1) {
      routine = singleJson;
      call = `${quoteIdent(schema)}.${quoteIdent(name)}(${params.add(text)}::text::${
        routine.argTypes[0]
      })`;
    } else {
      if (body === null || typeof body !== "object" || Array.isArray(body)) {
        throw pgrstError(400, "PGRST102", "Cannot call function: the body must be a JSON object");
      }
      const keys = Object.keys(body);
      routine = chooseRoutine(schema, name, candidates.filter((c) => c !== singleJson), keys, true);
      const types = keys.map((key) =>
        `${quoteIdent(key)} ${routine.argTypes[routine.argNames.indexOf(key)]}`
      );
      if (keys.length > 0) {
        // The body reaches Postgres as text: numbers keep every digit.
        from = `json_to_record(${params.add(text)}::text::json) as pgrst_body (${
          types.join(", ")
        }) cross join lateral `;
      }
      call = `${quoteIdent(schema)}.${quoteIdent(name)}(${
        keys.map((key) => `${quoteIdent(key)} := pgrst_body.${quoteIdent(key)}`).join(", ")
      })`;
    }
  }
  if (routine.returnsAnonymousRecord) {
    throw unsupported(`calling ${schema}.${name}: it returns setof record without columns`);
  }
  const readOnly = reads || !routine.volatile;
  const common = {
    prefs,
    shape: input.shape,
    schema,
    method,
    readOnly,
    params: params.values,
    offset: 0,
  };
  const hasModifiers = parts.conditions.length > 0 || parts.order !== undefined ||
    parts.limit !== undefined ||
    parts.offset !== undefined || parts.selectGiven;
  if (routine.returnsVoid || (!routine.returnsRows && !routine.returnsSet)) {
    if (hasModifiers) {
      throw unsupported(
        "select, filters, order and limit on a function that returns a scalar or void",
      );
    }
    const fromClause = from ? ` from ${from.replace(/ cross join lateral $/, "")}` : "";
    return {
      ...common,
      sql: routine.returnsVoid
        ? `select ${call}${fromClause}`
        : `select to_json(${call})::text as body${fromClause}`,
      kind: routine.returnsVoid ? "void" : "scalar",
      status: routine.returnsVoid ? 204 : 200,
    };
  }
  const alias = name;
  const context: EmbedContext = { embeds: new Map(), filters: new Map() };
  if (parts.select.some((item) => item.kind === "embed")) {
    throw unsupported("embedding on function results");
  }
  if (parts.embedFilters.size > 0 || parts.embedNullFilters.size > 0) {
    throw unsupported("embedded filters on function results");
  }
  if (!routine.returnsRows && parts.selectGiven) {
    throw unsupported("select= on a function returning a set of scalars");
  }
  const where = whereSql(
    alias,
    parts.conditions,
    params,
    new Map(Object.entries(routine.resultTypes ?? {})),
  );
  const source = `select ${quoteIdent(alias)}.* from ${from}${call} as ${
    quoteIdent(alias)
  } where ${where}`;
  const { offset, limit } = window(parts, input.range, reads);
  const selectList = routine.returnsRows
    ? selectListSql(alias, parts.select, context, params)
    : `${quoteIdent(alias)}.${quoteIdent(alias)} as pgrst_scalar`;
  let statement = pageSql({
    source,
    alias,
    selectList,
    order: orderSql(alias, parts.order),
    limit: routine.returnsSet ? limit : undefined,
    offset: routine.returnsSet ? offset : undefined,
    countAll: prefs.count === "exact" || prefs.count === "estimated",
  });
  if (!routine.returnsRows) {
    statement = statement.replace("json_agg(pgrst_page)", "json_agg(pgrst_page.pgrst_scalar)");
  }
  return {
    ...common,
    sql: statement,
    params: params.values,
    kind: "page",
    status: 200,
    singleRow: !routine.returnsSet,
    offset,
    explain: prefs.count === "planned" || prefs.count === "estimated" ? source : undefined,
  };
}

async function plannedCount(tx: TransactionSql, plan: Plan): Promise<number> {
  const [row] = await tx.unsafe(`explain (format json) ${plan.explain}`, plan.params as never[]);
  const planJson = (row as Record<string, unknown>)["QUERY PLAN"];
  const parsed = typeof planJson === "string" ? JSON.parse(planJson) : planJson;
  return Number(parsed?.[0]?.Plan?.["Plan Rows"] ?? 0);
}

function singleObjectError(rows: number): HttpError {
  return pgrstError(406, "PGRST116", "Cannot coerce the result to a single JSON object", {
    details: `The result contains ${rows} rows`,
  });
}

async function execute(tx: TransactionSql, plan: Plan): Promise<Response> {
  const headers = new Headers({
    "content-type": "application/json; charset=utf-8",
    "content-profile": plan.schema,
  });
  if (plan.prefs.applied.length > 0) {
    headers.set("preference-applied", plan.prefs.applied.join(", "));
  }
  if (plan.kind === "void") {
    await tx.unsafe(plan.sql, plan.params as never[]);
    headers.delete("content-type");
    return new Response(null, { status: 204, headers });
  }
  if (plan.kind === "scalar") {
    const [row] = await tx.unsafe(plan.sql, plan.params as never[]);
    return new Response((row as unknown as { body: string | null }).body ?? "null", {
      status: 200,
      headers,
    });
  }
  if (plan.kind === "command") {
    const result = await tx.unsafe(plan.sql, plan.params as never[]);
    const count = result.count ?? 0;
    if (plan.shape === "object" && count !== 1) throw singleObjectError(count);
    headers.set("content-range", `*/${plan.prefs.count ? count : "*"}`);
    headers.delete("content-type");
    return new Response(null, { status: plan.status, headers });
  }
  const [row] = await tx.unsafe(plan.sql, plan.params as never[]);
  const { body, page_total: pageTotalRaw, total: totalRaw } = row as unknown as {
    body: string;
    page_total: string | number;
    total: string | number | null;
  };
  const pageTotal = Number(pageTotalRaw);
  let total: number | null = totalRaw === null ? null : Number(totalRaw);
  if (plan.prefs.count === "planned" && plan.explain) total = await plannedCount(tx, plan);
  if (plan.prefs.count === "estimated" && plan.explain && total !== null && total > MAX_ROWS) {
    total = await plannedCount(tx, plan);
  }
  const mutation = plan.mutation === true;
  const reads = !mutation;
  if (mutation) total = plan.prefs.count ? pageTotal : null;
  if (reads && total !== null && plan.offset > 0 && plan.offset > total) {
    throw pgrstError(416, "PGRST103", "Requested range not satisfiable", {
      details: `An offset of ${plan.offset} was requested, but there are only ${total} rows.`,
    });
  }
  const range = pageTotal === 0 || !reads ? "*" : `${plan.offset}-${plan.offset + pageTotal - 1}`;
  headers.set("content-range", `${range}/${total ?? "*"}`);
  let status = plan.status;
  if (reads && total !== null && pageTotal < total) status = 206;
  let text = body;
  if (plan.shape === "object" || plan.singleRow) {
    if (plan.shape === "object" && pageTotal !== 1) throw singleObjectError(pageTotal);
    text = pageTotal === 0 ? "null" : body.slice(1, -1);
    if (plan.shape === "object") {
      headers.set("content-type", "application/vnd.pgrst.object+json; charset=utf-8");
    }
  }
  if (
    plan.kind === "page" && !reads && plan.method !== "POST" &&
    plan.prefs.return !== "representation"
  ) {
    return new Response(null, { status: 204, headers });
  }
  return new Response(plan.method === "HEAD" ? null : text, { status, headers });
}
