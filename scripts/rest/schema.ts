/**
 * What the REST stand-in reads from the catalog, as PostgREST's schema cache holds
 * it: the exposed schemas, a relation's columns and keys, foreign keys for embedding,
 * and functions for RPC. Read per request (no cache to go stale after a migration).
 *
 * @module
 */

import type { TransactionSql } from "../../functions/_shared/db.ts";

/** A column of a table or view. */
export interface Column {
  name: string;
  type: string;
  /** The default's SQL, from the catalog, when it has one. */
  defaultExpr: string | null;
  generated: boolean;
}

/** A table, view, materialized view or foreign table. */
export interface Relation {
  schema: string;
  name: string;
  columns: Map<string, Column>;
  primaryKey: string[];
  /** Column sets of unique constraints and the primary key. */
  uniqueKeys: string[][];
}

/** A foreign key constraint. */
export interface ForeignKey {
  name: string;
  schema: string;
  table: string;
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
}

/** A function callable as `/rpc/<name>`. */
export interface Routine {
  schema: string;
  name: string;
  /** Input argument names in order ("" for an unnamed one). */
  argNames: string[];
  argTypes: string[];
  /** How many leading input arguments have no default. */
  required: number;
  returnsSet: boolean;
  /** Rows with columns (a composite, `returns table`, OUT parameters). */
  returnsRows: boolean;
  returnsVoid: boolean;
  /** `setof record` without a column list, which PostgREST cannot describe. */
  returnsAnonymousRecord: boolean;
  volatile: boolean;
  /** Result columns and their types (a scalar's column is named after the function). */
  resultTypes: Record<string, string> | null;
}

/**
 * The schemas PostgREST exposes (`pgrst.db_schemas`, as Supabase sets it), the first
 * being the default.
 *
 * @example
 * ```ts
 * await exposedSchemas(sql); // ["public", "graphql_public"]
 * ```
 */
export async function exposedSchemas(sql: TransactionSql): Promise<string[]> {
  const [row] = await sql<{ schemas: string | null }[]>`
    select current_setting('pgrst.db_schemas', true) as schemas
  `;
  const schemas = (row?.schemas ?? "").split(",").map((name) => name.trim()).filter(Boolean);
  return schemas.length > 0 ? schemas : ["public"];
}

/**
 * A relation with its columns and keys, or `null` when the schema has none by that name.
 *
 * @example
 * ```ts
 * const exams = await loadRelation(sql, "public", "exams");
 * ```
 */
export async function loadRelation(
  sql: TransactionSql,
  schema: string,
  name: string,
): Promise<Relation | null> {
  const columns = await sql<(Column & { exists: boolean })[]>`
    select a.attname as name, pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
      pg_catalog.pg_get_expr(d.adbin, d.adrelid) as "defaultExpr",
      a.attgenerated <> '' as generated
    from pg_catalog.pg_class as c
    join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
    join pg_catalog.pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    left join pg_catalog.pg_attrdef as d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where n.nspname = ${schema} and c.relname = ${name} and c.relkind in ('r', 'v', 'm', 'f', 'p')
    order by a.attnum
  `;
  if (columns.length === 0) return null;
  const keys = await sql<{ kind: string; columns: string[] }[]>`
    select k.contype as kind,
      array(
        select a.attname from unnest(k.conkey) with ordinality as u (attnum, ord)
        join pg_catalog.pg_attribute as a on a.attrelid = k.conrelid and a.attnum = u.attnum
        order by u.ord
      )::text[] as columns
    from pg_catalog.pg_constraint as k
    join pg_catalog.pg_class as c on c.oid = k.conrelid
    join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relname = ${name} and k.contype in ('p', 'u')
  `;
  return {
    schema,
    name,
    columns: new Map(columns.map((column) => [column.name, {
      name: column.name,
      type: column.type,
      defaultExpr: column.defaultExpr,
      generated: column.generated,
    }])),
    primaryKey: keys.find((key) => key.kind === "p")?.columns ?? [],
    uniqueKeys: keys.map((key) => key.columns),
  };
}

/**
 * Every foreign key from or to a table of the schema.
 *
 * @example
 * ```ts
 * const fks = await loadForeignKeys(sql, "public");
 * ```
 */
export async function loadForeignKeys(sql: TransactionSql, schema: string): Promise<ForeignKey[]> {
  return await sql<ForeignKey[]>`
    select k.conname as name, n.nspname as schema, c.relname as "table",
      array(
        select a.attname from unnest(k.conkey) with ordinality as u (attnum, ord)
        join pg_catalog.pg_attribute as a on a.attrelid = k.conrelid and a.attnum = u.attnum order by u.ord
      )::text[] as columns,
      rn.nspname as "refSchema", rc.relname as "refTable",
      array(
        select a.attname from unnest(k.confkey) with ordinality as u (attnum, ord)
        join pg_catalog.pg_attribute as a on a.attrelid = k.confrelid and a.attnum = u.attnum order by u.ord
      )::text[] as "refColumns"
    from pg_catalog.pg_constraint as k
    join pg_catalog.pg_class as c on c.oid = k.conrelid
    join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
    join pg_catalog.pg_class as rc on rc.oid = k.confrelid
    join pg_catalog.pg_namespace as rn on rn.oid = rc.relnamespace
    where k.contype = 'f' and (n.nspname = ${schema} or rn.nspname = ${schema})
    order by k.conname
  `;
}

/**
 * The functions of a schema with this name, each described for RPC.
 *
 * @example
 * ```ts
 * const candidates = await findRoutines(sql, "public", "get_attempt_state");
 * ```
 */
export async function findRoutines(
  sql: TransactionSql,
  schema: string,
  name: string,
): Promise<Routine[]> {
  const rows = await sql<
    (Omit<Routine, "required"> & { defaults: number })[]
  >`
    select n.nspname as schema, p.proname as name,
      array(
        select coalesce(p.proargnames[i], '')
        from generate_series(1, coalesce(array_length(p.proallargtypes, 1), p.pronargs::int)) as i
        where p.proargmodes is null or p.proargmodes[i] in ('i', 'b', 'v')
        order by i
      )::text[] as "argNames",
      array(select pg_catalog.format_type(t, null) from unnest(p.proargtypes) as t)::text[] as "argTypes",
      p.pronargdefaults as defaults,
      p.proretset as "returnsSet",
      (rt.typtype = 'c' or (p.prorettype = 'pg_catalog.record'::regtype
        and coalesce(p.proargmodes && array['o', 'b', 't']::"char"[], false))) as "returnsRows",
      p.prorettype = 'pg_catalog.void'::regtype as "returnsVoid",
      (p.prorettype = 'pg_catalog.record'::regtype
        and not coalesce(p.proargmodes && array['o', 'b', 't']::"char"[], false)) as "returnsAnonymousRecord",
      p.provolatile = 'v' as volatile,
      case
        when rt.typtype = 'c' then (
          select json_object_agg(a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod))
          from pg_catalog.pg_attribute as a
          where a.attrelid = rt.typrelid and a.attnum > 0 and not a.attisdropped)
        when p.proargmodes is not null then (
          select json_object_agg(p.proargnames[i], pg_catalog.format_type(p.proallargtypes[i], null))
          from generate_series(1, array_length(p.proallargtypes, 1)) as i
          where p.proargmodes[i] in ('o', 'b', 't'))
        else json_build_object(p.proname, pg_catalog.format_type(p.prorettype, null))
      end as "resultTypes"
    from pg_catalog.pg_proc as p
    join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
    join pg_catalog.pg_type as rt on rt.oid = p.prorettype
    where n.nspname = ${schema} and p.proname = ${name} and p.prokind = 'f'
  `;
  return rows.map(({ defaults, ...routine }) => ({
    ...routine,
    required: routine.argNames.length - defaults,
  }));
}
