/**
 * PostgREST's URL grammar, parsed into plain data: `select=`, horizontal filters,
 * `or=`/`and=` trees, `order=`, `limit`/`offset`, and the `Prefer`, `Range` and
 * `Accept` headers. Nothing here touches the database; query.ts turns the result
 * into SQL. A parse error is PostgREST's 400 `PGRST100`; a feature the stand-in does
 * not serve is a 501 naming it.
 *
 * @module
 */

import { pgrstError, unsupported } from "./errors.ts";

/** A column with an optional JSON path (`data->a->>b`). */
export interface Field {
  name: string;
  /** `->` or `->>` steps, keys or array indexes. */
  path: { arrow: "->" | "->>"; key: string }[];
}

/** One item of `select=`. */
export type SelectItem =
  | { kind: "star" }
  | { kind: "field"; field: Field; alias?: string; cast?: string }
  | {
    kind: "embed";
    relation: string;
    alias?: string;
    /** `!<fk or column>` naming the relationship. */
    hint?: string;
    inner: boolean;
    children: SelectItem[];
  };

/** The operators of horizontal filters, as PostgREST names them. */
export const OPERATORS = [
  "eq",
  "neq",
  "gt",
  "gte",
  "lt",
  "lte",
  "like",
  "ilike",
  "match",
  "imatch",
  "in",
  "is",
  "isdistinct",
  "cs",
  "cd",
  "ov",
  "sl",
  "sr",
  "nxr",
  "nxl",
  "adj",
  "fts",
  "plfts",
  "phfts",
  "wfts",
] as const;
/** A filter operator. */
export type Operator = typeof OPERATORS[number];

/** One horizontal filter: `field=[not.]op.value`. */
export interface Filter {
  kind: "filter";
  field: Field;
  negate: boolean;
  op: Operator;
  /** The value; for `in`, the list. */
  value: string | string[];
  /** The text search configuration of `fts(english)`. */
  language?: string;
}

/** An `and`/`or` tree of filters. */
export interface Logic {
  kind: "logic";
  op: "and" | "or";
  negate: boolean;
  children: (Filter | Logic)[];
}

/** One term of `order=`. */
export interface OrderTerm {
  field: Field;
  direction?: "asc" | "desc";
  nulls?: "first" | "last";
}

/** The `Prefer` header's preferences the stand-in applies. */
export interface Preferences {
  return?: "minimal" | "representation";
  count?: "exact" | "planned" | "estimated";
  resolution?: "merge-duplicates" | "ignore-duplicates";
  missing?: "default" | "null";
  handling?: "strict" | "lenient";
  /** The preferences that were applied, for `Preference-Applied`. */
  applied: string[];
}

const IDENT = /^[^.,:()!"\s>-][^.,:()!"\s>]*$/;

function parseError(what: string, text: string, detail?: string): Error {
  return pgrstError(400, "PGRST100", `"failed to parse ${what} (${text})" (line 1, column 1)`, {
    details: detail ?? `unexpected "${text}"`,
  });
}

/**
 * Splits at top-level commas, respecting parentheses and double quotes.
 *
 * @example
 * ```ts
 * splitTopLevel('a,b(c,d),"e,f"'); // ["a", "b(c,d)", "\"e,f\""]
 * ```
 */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === "\\") i++;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === "(") depth++;
    else if (char === ")") depth--;
    else if (char === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) throw parseError("parenthesised list", text, 'unexpected ")"');
  }
  if (depth !== 0 || quoted) {
    throw parseError("parenthesised list", text, "unbalanced parentheses or quotes");
  }
  parts.push(text.slice(start));
  return parts;
}

function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    return text.slice(1, -1).replace(/\\(.)/g, "$1");
  }
  return text;
}

/**
 * Parses a column with an optional JSON path.
 *
 * @example
 * ```ts
 * parseField("data->answers->>0"); // { name: "data", path: [{ arrow: "->", key: "answers" }, { arrow: "->>", key: "0" }] }
 * ```
 */
export function parseField(text: string, what = "field"): Field {
  const steps = text.split(/(->>|->)/);
  const name = unquote(steps[0]!.trim());
  if (name === "" || (!text.trim().startsWith('"') && !IDENT.test(name))) {
    throw parseError(what, text);
  }
  const path: Field["path"] = [];
  for (let i = 1; i < steps.length; i += 2) {
    const key = unquote(steps[i + 1] ?? "");
    if (key === "") throw parseError(what, text, "a JSON path step needs a key");
    path.push({ arrow: steps[i] as "->" | "->>", key });
  }
  return { name, path };
}

/**
 * Parses `select=`.
 *
 * @example
 * ```ts
 * parseSelect("id,name:title,duration_seconds::text,academy:academies!inner(name)");
 * ```
 * @throws PGRST100 on a syntax error, PGRST123 for aggregates, 501 for spreads.
 */
export function parseSelect(text: string): SelectItem[] {
  if (text.trim() === "") return [{ kind: "star" }];
  return splitTopLevel(text).map((raw) => parseSelectItem(raw.trim(), text));
}

function parseSelectItem(item: string, whole: string): SelectItem {
  if (item === "*") return { kind: "star" };
  if (item === "") throw parseError("select parameter", whole, "an empty item");
  if (item.startsWith("...")) throw unsupported("spread embedding (...relation) in select");
  let alias: string | undefined;
  const aliasMatch = /^("(?:[^"\\]|\\.)*"|[^:"(]+):(?!:)(.*)$/s.exec(item);
  if (aliasMatch) {
    alias = unquote(aliasMatch[1]!.trim());
    item = aliasMatch[2]!.trim();
  }
  const open = item.indexOf("(");
  if (open !== -1 && !item.startsWith('"')) {
    if (!item.endsWith(")")) throw parseError("select parameter", whole);
    const head = item.slice(0, open);
    const inside = item.slice(open + 1, -1);
    if (/^(count|sum|avg|min|max)$/.test(head) || /\.(count|sum|avg|min|max)$/.test(head)) {
      throw pgrstError(400, "PGRST123", "Use of aggregate functions is not allowed");
    }
    const [relation, ...hints] = head.split("!");
    if (!relation || !IDENT.test(relation)) throw parseError("select parameter", whole);
    let inner = false;
    let hint: string | undefined;
    for (const part of hints) {
      if (part === "inner") inner = true;
      else if (part === "left") inner = false;
      else if (IDENT.test(part) && hint === undefined) hint = part;
      else throw parseError("select parameter", whole, `unexpected "!${part}"`);
    }
    const children = parseSelect(inside);
    if (children.some((child) => child.kind === "embed")) {
      throw unsupported("embedding more than one level deep");
    }
    return { kind: "embed", relation, alias, hint, inner, children };
  }
  if (/\.(count|sum|avg|min|max)\(\)$/.test(item)) {
    throw pgrstError(400, "PGRST123", "Use of aggregate functions is not allowed");
  }
  let cast: string | undefined;
  const castAt = item.lastIndexOf("::");
  if (castAt !== -1) {
    cast = item.slice(castAt + 2).trim();
    item = item.slice(0, castAt);
    if (!/^[A-Za-z_][A-Za-z0-9_ ]*(\[\])?$/.test(cast)) {
      throw parseError("select parameter", whole, `bad cast "${cast}"`);
    }
  }
  return { kind: "field", field: parseField(item, "select parameter"), alias, cast };
}

/**
 * Parses a filter's value part (`[not.]op[(modifier)].value`).
 *
 * @example
 * ```ts
 * parseFilter("status", "not.in.(open,graded)");
 * ```
 */
export function parseFilter(fieldText: string, text: string): Filter {
  const field = parseField(fieldText, "filter");
  let rest = text;
  let negate = false;
  if (rest.startsWith("not.")) {
    negate = true;
    rest = rest.slice(4);
  }
  const match = /^([a-z]+)(?:\(([^)]*)\))?\.(.*)$/s.exec(rest);
  if (!match) throw parseError("filter", text);
  const op = match[1] as Operator;
  const modifier = match[2];
  const value = match[3]!;
  if (!OPERATORS.includes(op)) throw parseError("filter", text, `unknown operator "${op}"`);
  let language: string | undefined;
  if (modifier !== undefined) {
    if (["fts", "plfts", "phfts", "wfts"].includes(op)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(modifier)) throw parseError("filter", text);
      language = modifier;
    } else if (modifier === "any" || modifier === "all") {
      throw unsupported(`the ${modifier} modifier of filters (${op}(${modifier}))`);
    } else {
      throw parseError("filter", text, `unexpected "(${modifier})"`);
    }
  }
  if (op === "in") {
    if (!value.startsWith("(") || !value.endsWith(")")) {
      throw parseError("filter", text, "in needs a (list)");
    }
    const inside = value.slice(1, -1);
    const list = inside.trim() === ""
      ? []
      : splitTopLevel(inside).map((item) => unquote(item.trim()));
    return { kind: "filter", field, negate, op, value: list, language };
  }
  if (
    op === "is" && !["null", "not_null", "true", "false", "unknown"].includes(value.toLowerCase())
  ) {
    throw parseError("filter", text, "is takes null, not_null, true, false or unknown");
  }
  return { kind: "filter", field, negate, op, value: unquote(value), language };
}

/**
 * Parses the value of `or=`/`and=` (`(a.eq.1,and(b.gt.2,c.is.null))`).
 *
 * @example
 * ```ts
 * parseLogic("or", "(title.ilike.*physio*,published.is.false)");
 * ```
 */
export function parseLogic(op: "and" | "or", text: string, negate = false): Logic {
  if (!text.startsWith("(") || !text.endsWith(")")) {
    throw parseError("logic tree", text, "expected (");
  }
  const children = splitTopLevel(text.slice(1, -1)).map((raw): Filter | Logic => {
    const item = raw.trim();
    const nested = /^(not\.)?(and|or)(\(.*\))$/s.exec(item);
    if (nested) return parseLogic(nested[2] as "and" | "or", nested[3]!, nested[1] !== undefined);
    const dot = fieldEnd(item);
    if (dot === -1) throw parseError("logic tree", text, `unexpected "${item}"`);
    return parseFilter(item.slice(0, dot), item.slice(dot + 1));
  });
  if (children.length === 0) throw parseError("logic tree", text, "an empty tree");
  return { kind: "logic", op, negate, children };
}

/** The index of the dot ending a filter's field (skipping a quoted name). */
function fieldEnd(item: string): number {
  if (item.startsWith('"')) {
    const close = item.indexOf('"', 1);
    return close === -1 ? -1 : item.indexOf(".", close);
  }
  return item.indexOf(".");
}

/**
 * Parses `order=`.
 *
 * @example
 * ```ts
 * parseOrder("position.asc,created_at.desc.nullslast");
 * ```
 */
export function parseOrder(text: string): OrderTerm[] {
  return splitTopLevel(text).map((raw) => {
    const item = raw.trim();
    if (/\(/.test(item)) {
      throw unsupported("ordering by an embedded resource's column (order=relation(column))");
    }
    const parts = item.split(".");
    const term: OrderTerm = { field: parseField(parts[0]!, "order") };
    for (const part of parts.slice(1)) {
      if (part === "asc" || part === "desc") term.direction = part;
      else if (part === "nullsfirst") term.nulls = "first";
      else if (part === "nullslast") term.nulls = "last";
      else throw parseError("order", text, `unexpected "${part}"`);
    }
    return term;
  });
}

/**
 * Parses a non-negative integer of `limit`/`offset`.
 *
 * @example
 * ```ts
 * parseCount("limit", "10"); // 10
 * ```
 */
export function parseCount(name: string, text: string): number {
  if (!/^[0-9]{1,15}$/.test(text)) throw parseError(name, text, "expected a non-negative integer");
  return Number(text);
}

/**
 * Parses the `Prefer` header. Preferences PostgREST knows but the stand-in does not
 * serve answer 501; unknown ones are ignored unless `handling=strict` (PGRST122), as
 * PostgREST does.
 *
 * @example
 * ```ts
 * parsePrefer("return=representation,count=exact");
 * ```
 */
export function parsePrefer(header: string | null): Preferences {
  const prefs: Preferences = { applied: [] };
  const unknown: string[] = [];
  for (const raw of (header ?? "").split(",")) {
    const token = raw.trim();
    if (token === "") continue;
    const [name = "", value = ""] = token.split("=").map((part) => part.trim());
    const accept = <K extends keyof Omit<Preferences, "applied">>(
      key: K,
      values: readonly string[],
    ) => {
      if (!values.includes(value)) {
        unknown.push(token);
        return;
      }
      (prefs as unknown as Record<string, string>)[key] = value;
      if (key !== "count") prefs.applied.push(token);
    };
    switch (name) {
      case "return":
        if (value === "headers-only") throw unsupported("Prefer: return=headers-only");
        accept("return", ["minimal", "representation"]);
        break;
      case "count":
        accept("count", ["exact", "planned", "estimated"]);
        break;
      case "resolution":
        accept("resolution", ["merge-duplicates", "ignore-duplicates"]);
        break;
      case "missing":
        accept("missing", ["default", "null"]);
        break;
      case "handling":
        accept("handling", ["strict", "lenient"]);
        break;
      case "tx":
      case "timezone":
      case "max-affected":
      case "params":
        throw unsupported(`Prefer: ${token}`);
      default:
        unknown.push(token);
    }
  }
  if (prefs.handling === "strict" && unknown.length > 0) {
    throw pgrstError(400, "PGRST122", `Invalid preferences given with handling=strict`, {
      details: `Invalid preferences: ${unknown.join(", ")}`,
    });
  }
  return prefs;
}

/** What the response body is: PostgREST's array, or one object (`.single()`). */
export type BodyShape = "array" | "object";

/**
 * Reads the `Accept` header: JSON arrays by default, one object for
 * `application/vnd.pgrst.object+json`; the other media PostgREST serves answer 501,
 * the rest 406 `PGRST107`.
 *
 * @example
 * ```ts
 * parseAccept("application/vnd.pgrst.object+json"); // "object"
 * ```
 */
export function parseAccept(header: string | null): BodyShape {
  if (header === null || header.trim() === "") return "array";
  const types = header.split(",").map((part) => part.split(";")[0]!.trim().toLowerCase());
  const params = header.split(",").map((part) => part.split(";").slice(1).join(";").trim());
  let unsupportedType: string | undefined;
  for (const [i, type] of types.entries()) {
    if (type === "application/vnd.pgrst.object+json" || type === "application/vnd.pgrst.object") {
      if (params[i]?.includes("nulls=stripped")) throw unsupported("Accept: ...;nulls=stripped");
      return "object";
    }
    if (type === "application/json" || type === "*/*" || type === "application/*") return "array";
    if (type === "application/vnd.pgrst.array+json") {
      if (params[i]?.includes("nulls=stripped")) throw unsupported("Accept: ...;nulls=stripped");
      return "array";
    }
    if (
      ["text/csv", "text/plain", "text/xml", "application/octet-stream", "application/geo+json"]
        .includes(type) ||
      type.startsWith("application/vnd.pgrst.plan")
    ) {
      unsupportedType ??= type;
    }
  }
  if (unsupportedType) throw unsupported(`responses of media type ${unsupportedType}`);
  throw pgrstError(406, "PGRST107", `None of these media types are available: ${types.join(", ")}`);
}

/**
 * Parses the `Range` header (`0-9`, `10-`) into offset and limit.
 *
 * @example
 * ```ts
 * parseRange("0-9"); // { offset: 0, limit: 10 }
 * ```
 */
export function parseRange(header: string | null): { offset: number; limit?: number } | undefined {
  if (header === null || header.trim() === "") return undefined;
  const match = /^(?:items=)?\s*([0-9]+)-([0-9]*)\s*$/.exec(header);
  if (!match) return undefined; // PostgREST ignores a Range it cannot read
  const offset = Number(match[1]);
  if (match[2] === "") return { offset };
  const last = Number(match[2]);
  if (last < offset) {
    throw pgrstError(416, "PGRST103", "Requested range not satisfiable", {
      details:
        "The lower boundary must be lower than or equal to the upper boundary in the Range header.",
    });
  }
  return { offset, limit: last - offset + 1 };
}
