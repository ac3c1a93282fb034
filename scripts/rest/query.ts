/**
 * SQL for PostgREST requests: identifiers quoted, every value a parameter. Builds
 * select lists (renames, casts, JSON paths, embeds), WHERE clauses from filters and
 * logic trees, ORDER BY, and the statement that pages a source and aggregates the
 * page as JSON text (so numbers reach the client exactly as Postgres prints them).
 *
 * @module
 */

import type { ResolvedEmbed } from "./embed.ts";
import type { Field, Filter, Logic, OrderTerm, SelectItem } from "./parse.ts";

/** Collects parameter values and hands out their placeholders. */
export class Params {
  readonly values: unknown[] = [];
  /** Adds a value, returning `$n`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Quotes an identifier.
 *
 * @example
 * ```ts
 * quoteIdent('a"b'); // "\"a\"\"b\""
 * ```
 */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal (only for catalog-checked JSON keys; values are parameters). */
function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * A column reference with its JSON path.
 *
 * @example
 * ```ts
 * fieldSql("exams", { name: "settings", path: [{ arrow: "->>", key: "mode" }] }); // "exams"."settings"->>'mode'
 * ```
 */
export function fieldSql(alias: string, field: Field): string {
  let sql = `${quoteIdent(alias)}.${quoteIdent(field.name)}`;
  for (const step of field.path) {
    sql += `${step.arrow}${/^-?[0-9]+$/.test(step.key) ? step.key : quoteLiteral(step.key)}`;
  }
  return sql;
}

/** The JSON key a field is output under: its alias, its last JSON key, or its name. */
function outputName(field: Field): string {
  return field.path.length > 0 ? field.path[field.path.length - 1]!.key : field.name;
}

const COMPARISONS: Record<string, string> = {
  eq: "=",
  neq: "<>",
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
  like: "like",
  ilike: "ilike",
  match: "~",
  imatch: "~*",
  cs: "@>",
  cd: "<@",
  ov: "&&",
  sl: "<<",
  sr: ">>",
  nxr: "&<",
  nxl: "&>",
  adj: "-|-",
  isdistinct: "is distinct from",
};
const TEXT_SEARCH: Record<string, string> = {
  fts: "to_tsquery",
  plfts: "plainto_tsquery",
  phfts: "phraseto_tsquery",
  wfts: "websearch_to_tsquery",
};

/** Column types by name, so each value parameter is cast to its column's type. */
export type ColumnTypes = ReadonlyMap<string, string>;

/**
 * The type a filter's value is read as: the column's, text after `->>`, json(b)
 * after `->`. Values always travel as text and are cast on the server, so the
 * client library never re-encodes them.
 */
function valueType(field: Field, types: ColumnTypes | undefined): string | undefined {
  const base = types?.get(field.name);
  if (field.path.length === 0) return base;
  if (field.path[field.path.length - 1]!.arrow === "->>") return "text";
  return base === "json" ? "json" : "jsonb";
}

function typed(params: Params, value: unknown, type: string | undefined): string {
  return type ? `${params.add(value)}::text::${type}` : `${params.add(value)}::text`;
}

/**
 * One filter as SQL.
 *
 * @example
 * ```ts
 * filterSql("exams", parseFilter("title", "ilike.*physio*"), params); // "exams"."title" ilike $1
 * ```
 */
export function filterSql(
  alias: string,
  filter: Filter,
  params: Params,
  types?: ColumnTypes,
): string {
  const lhs = fieldSql(alias, filter.field);
  const type = valueType(filter.field, types);
  let sql: string;
  if (filter.op === "in") {
    const list = filter.value as string[];
    sql = list.length === 0
      ? "false"
      : `${lhs} in (${list.map((value) => typed(params, value, type)).join(", ")})`;
  } else if (filter.op === "is") {
    const value = (filter.value as string).toLowerCase();
    sql = value === "not_null" ? `${lhs} is not null` : `${lhs} is ${value}`;
  } else if (filter.op in TEXT_SEARCH) {
    const language = filter.language ? `${typed(params, filter.language, "regconfig")}, ` : "";
    sql = `${lhs} @@ ${TEXT_SEARCH[filter.op]}(${language}${
      typed(params, filter.value, undefined)
    })`;
  } else {
    let value = filter.value as string;
    if (filter.op === "like" || filter.op === "ilike") value = value.replaceAll("*", "%");
    if (filter.op === "ov" && /^\(.*\)$/.test(value)) value = `{${value.slice(1, -1)}}`;
    const textual = ["like", "ilike", "match", "imatch"].includes(filter.op);
    sql = `${lhs} ${COMPARISONS[filter.op]} ${typed(params, value, textual ? undefined : type)}`;
  }
  return filter.negate ? `not (${sql})` : sql;
}

/** A logic tree as SQL. */
export function logicSql(alias: string, logic: Logic, params: Params, types?: ColumnTypes): string {
  const parts = logic.children.map((child) =>
    child.kind === "filter"
      ? filterSql(alias, child, params, types)
      : logicSql(alias, child, params, types)
  );
  const sql = `(${parts.join(logic.op === "and" ? " and " : " or ")})`;
  return logic.negate ? `not ${sql}` : sql;
}

/** Filters and trees joined with `and` (`true` when there are none). */
export function whereSql(
  alias: string,
  conditions: readonly (Filter | Logic)[],
  params: Params,
  types?: ColumnTypes,
): string {
  if (conditions.length === 0) return "true";
  return conditions.map((condition) =>
    condition.kind === "filter"
      ? filterSql(alias, condition, params, types)
      : logicSql(alias, condition, params, types)
  ).join(" and ");
}

/** ORDER BY terms (empty string when there are none). */
export function orderSql(alias: string, order: readonly OrderTerm[] | undefined): string {
  if (!order || order.length === 0) return "";
  return " order by " +
    order.map((term) =>
      `${fieldSql(alias, term.field)}${term.direction ? ` ${term.direction}` : ""}${
        term.nulls ? ` nulls ${term.nulls}` : ""
      }`
    ).join(", ");
}

/** What embeds of a select list need: their resolved relationship and filters. */
export interface EmbedContext {
  embeds: Map<string, ResolvedEmbed>;
  /** Filters on an embedded resource's columns (`academies.name=eq.x`), by embed key. */
  filters: Map<string, Filter[]>;
}

let aliasCounter = 0;

function embedSource(parentAlias: string, embed: ResolvedEmbed, filters: Filter[], params: Params) {
  const alias = `pgrst_${++aliasCounter % 1_000_000}`;
  const join = embed.parentColumns.map((column, i) =>
    `${quoteIdent(alias)}.${quoteIdent(embed.targetColumns[i]!)} = ${quoteIdent(parentAlias)}.${
      quoteIdent(column)
    }`
  );
  const types = new Map([...embed.target.columns].map(([name, column]) => [name, column.type]));
  const conditions = [...join, ...filters.map((filter) => filterSql(alias, filter, params, types))];
  return {
    alias,
    from: `${quoteIdent(embed.target.schema)}.${quoteIdent(embed.target.name)} as ${
      quoteIdent(alias)
    }`,
    where: conditions.join(" and "),
  };
}

/**
 * The `exists (...)` of an embed (for `!inner` and `relation=not.is.null`).
 */
export function embedExistsSql(
  parentAlias: string,
  embed: ResolvedEmbed,
  filters: Filter[],
  params: Params,
): string {
  const source = embedSource(parentAlias, embed, filters, params);
  return `exists (select 1 from ${source.from} where ${source.where})`;
}

/**
 * A select list as SQL over `alias`.
 *
 * @example
 * ```ts
 * selectListSql("exams", parseSelect("id,name:title"), { embeds: new Map(), filters: new Map() }, params);
 * // "exams"."id" as "id", "exams"."title" as "name"
 * ```
 */
export function selectListSql(
  alias: string,
  items: readonly SelectItem[],
  context: EmbedContext,
  params: Params,
): string {
  return items.map((item) => {
    if (item.kind === "star") return `${quoteIdent(alias)}.*`;
    if (item.kind === "field") {
      const expr = fieldSql(alias, item.field);
      const cast = item.cast ? `(${expr})::${item.cast}` : expr;
      return `${cast} as ${quoteIdent(item.alias ?? outputName(item.field))}`;
    }
    const key = item.alias ?? item.relation;
    const embed = context.embeds.get(key)!;
    const source = embedSource(alias, embed, context.filters.get(key) ?? [], params);
    const inner = selectListSql(source.alias, embed.children, {
      embeds: new Map(),
      filters: new Map(),
    }, params);
    const rows = `select ${inner} from ${source.from} where ${source.where}`;
    const sql = embed.cardinality === "one"
      ? `(select to_json(pgrst_row) from (${rows} limit 1) as pgrst_row)`
      : `coalesce((select json_agg(pgrst_row) from (${rows}) as pgrst_row), '[]'::json)`;
    return `${sql} as ${quoteIdent(key)}`;
  }).join(", ");
}

/** Options of {@linkcode pageSql}. */
export interface PageOptions {
  /** A `select ...` (or a data-modifying statement with `returning`) whose rows are paged. */
  source: string;
  /** Whether `source` modifies data (then it is a CTE run once). */
  modifies?: boolean;
  /** The alias the select list and order refer to. */
  alias: string;
  selectList: string;
  order?: string;
  limit?: number;
  offset?: number;
  /** Count every row of `source` (`Prefer: count=exact`). */
  countAll: boolean;
}

/**
 * The statement answering a request: one row with `body` (JSON text of the page),
 * `page_total` and `total` (or null).
 */
export function pageSql(options: PageOptions): string {
  const limit = options.limit !== undefined ? ` limit ${Math.trunc(options.limit)}` : "";
  const offset = options.offset ? ` offset ${Math.trunc(options.offset)}` : "";
  const total = options.countAll ? "(select count(*) from pgrst_source)" : "null::int8";
  return `with pgrst_source as (${options.source}),
    pgrst_page as (select ${options.selectList} from pgrst_source as ${quoteIdent(options.alias)}${
    options.order ?? ""
  }${limit}${offset})
    select coalesce(json_agg(pgrst_page), '[]'::json)::text as body, count(*)::int8 as page_total,
      ${total} as total
    from pgrst_page`;
}
