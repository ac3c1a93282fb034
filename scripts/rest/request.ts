/**
 * Splits a PostgREST query string into what it means: `select`, filters (top level
 * and on embedded resources), logic trees, `order`, `limit`/`offset`, `columns`,
 * `on_conflict`, and, for a GET RPC, the function's arguments.
 *
 * @module
 */

import { pgrstError, unsupported } from "./errors.ts";
import {
  type Filter,
  type Logic,
  type OrderTerm,
  parseCount,
  parseFilter,
  parseLogic,
  parseOrder,
  parseSelect,
  type SelectItem,
  splitTopLevel,
} from "./parse.ts";

/** A parsed query string. */
export interface QueryParts {
  select: SelectItem[];
  /** Whether `select=` was given (mutations return everything otherwise). */
  selectGiven: boolean;
  conditions: (Filter | Logic)[];
  /** Filters on embedded resources' columns, by embed key. */
  embedFilters: Map<string, Filter[]>;
  /** `relation=is.null` / `relation=not.is.null` on embeds, by embed key. */
  embedNullFilters: Map<string, Filter>;
  order?: OrderTerm[];
  limit?: number;
  offset?: number;
  columns?: string[];
  onConflict?: string[];
  /** Query parameters taken as function arguments (GET RPC). */
  args: Map<string, string>;
}

const EMBED_MODIFIERS = new Set([
  "or",
  "and",
  "not.or",
  "not.and",
  "order",
  "limit",
  "offset",
  "select",
]);

function embedKeys(items: readonly SelectItem[]): Set<string> {
  return new Set(
    items.flatMap((item) => item.kind === "embed" ? [item.alias ?? item.relation] : []),
  );
}

function parseNames(text: string): string[] {
  return splitTopLevel(text).map((name) => name.trim().replace(/^"(.*)"$/, "$1")).filter(Boolean);
}

/**
 * Parses a query string; `argNames` are a GET RPC's input arguments.
 *
 * @example
 * ```ts
 * const parts = parseQuery(new URL("http://x/exams?select=id&published=is.true").searchParams);
 * ```
 */
export function parseQuery(
  search: URLSearchParams,
  argNames: ReadonlySet<string> = new Set(),
): QueryParts {
  const selectText = search.get("select");
  const select = parseSelect(selectText ?? "*");
  const embeds = embedKeys(select);
  const parts: QueryParts = {
    select,
    selectGiven: selectText !== null,
    conditions: [],
    embedFilters: new Map(),
    embedNullFilters: new Map(),
    args: new Map(),
  };
  for (const [key, value] of search) {
    switch (key) {
      case "select":
      case "apikey":
        continue;
      case "order":
        parts.order = parseOrder(value);
        continue;
      case "limit":
        parts.limit = parseCount("limit", value);
        continue;
      case "offset":
        parts.offset = parseCount("offset", value);
        continue;
      case "columns":
        parts.columns = parseNames(value);
        continue;
      case "on_conflict":
        parts.onConflict = parseNames(value);
        continue;
      case "or":
      case "and":
        parts.conditions.push(parseLogic(key, value));
        continue;
      case "not.or":
      case "not.and":
        parts.conditions.push(parseLogic(key.slice(4) as "and" | "or", value, true));
        continue;
    }
    if (argNames.has(key)) {
      if (parts.args.has(key)) {
        throw unsupported(`repeating the function argument ${key} (variadic arguments over GET)`);
      }
      parts.args.set(key, value);
      continue;
    }
    const dot = key.includes("->") ? -1 : key.indexOf(".");
    if (dot !== -1) {
      const embed = key.slice(0, dot);
      const rest = key.slice(dot + 1);
      if (!embeds.has(embed)) {
        throw pgrstError(
          400,
          "PGRST108",
          `'${embed}' is not an embedded resource in this request`,
          {
            hint: `Verify that '${embed}' is included in the 'select' query parameter.`,
          },
        );
      }
      if (EMBED_MODIFIERS.has(rest)) throw unsupported(`${rest} on an embedded resource (${key}=)`);
      if (rest.includes(".")) {
        throw unsupported("filters on resources embedded more than one level deep");
      }
      const list = parts.embedFilters.get(embed) ?? [];
      list.push(parseFilter(rest, value));
      parts.embedFilters.set(embed, list);
      continue;
    }
    if (embeds.has(key)) {
      const filter = parseFilter(key, value);
      if (filter.op !== "is" || (filter.value !== "null" && filter.value !== "not_null")) {
        throw pgrstError(
          400,
          "PGRST100",
          `"failed to parse filter (${value})" (line 1, column 1)`,
          {
            details: "An embedded resource can only be filtered with is.null or not.is.null",
          },
        );
      }
      parts.embedNullFilters.set(key, filter);
      continue;
    }
    parts.conditions.push(parseFilter(key, value));
  }
  return parts;
}
