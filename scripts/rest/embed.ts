/**
 * Resource embedding over foreign keys, one level deep, resolved as PostgREST
 * resolves it: the embedded name is a table (or a foreign key's column or
 * constraint name), `!hint` picks among several relationships, to-one embeds give
 * an object, to-many an array.
 *
 * @module
 */

import { pgrstError, unsupported } from "./errors.ts";
import type { SelectItem } from "./parse.ts";
import type { ForeignKey, Relation } from "./schema.ts";

/** An embed of `select=` with the relationship it follows. */
export interface ResolvedEmbed {
  /** The JSON key it appears under. */
  key: string;
  target: Relation;
  children: SelectItem[];
  inner: boolean;
  /** Whether one row (object) or many (array) comes back. */
  cardinality: "one" | "many";
  /** Join columns: parent's and target's, pairwise. */
  parentColumns: string[];
  targetColumns: string[];
}

/** Loads a relation of the schema, `null` when missing (schema.ts' loadRelation bound). */
export type RelationLoader = (schema: string, name: string) => Promise<Relation | null>;

interface Candidate {
  fk: ForeignKey;
  targetTable: string;
  targetSchema: string;
  direction: "to-one" | "to-many";
}

/**
 * Resolves one embed of a parent relation.
 *
 * @example
 * ```ts
 * const embed = await resolveEmbed(exams, item, fks, load);
 * embed.cardinality; // "one" for academies(name), "many" for questions(*)
 * ```
 * @throws PGRST200 (no relationship), PGRST201 (several), 501 for many-to-many.
 */
export async function resolveEmbed(
  parent: Relation,
  item: Extract<SelectItem, { kind: "embed" }>,
  fks: readonly ForeignKey[],
  load: RelationLoader,
): Promise<ResolvedEmbed> {
  const name = item.relation;
  const fromParent = (fk: ForeignKey) => fk.schema === parent.schema && fk.table === parent.name;
  const toParent = (fk: ForeignKey) =>
    fk.refSchema === parent.schema && fk.refTable === parent.name;
  let candidates: Candidate[] = [];
  for (const fk of fks) {
    if (
      fromParent(fk) && (fk.refTable === name && fk.refSchema === parent.schema ||
        fk.name === name || (fk.columns.length === 1 && fk.columns[0] === name))
    ) {
      candidates.push({
        fk,
        targetTable: fk.refTable,
        targetSchema: fk.refSchema,
        direction: "to-one",
      });
    }
    if (
      toParent(fk) && fk.table === name && fk.schema === parent.schema &&
      !(fromParent(fk) && fk.refTable === name)
    ) {
      candidates.push({ fk, targetTable: fk.table, targetSchema: fk.schema, direction: "to-many" });
    }
  }
  if (item.hint !== undefined) {
    const hint = item.hint;
    candidates = candidates.filter((candidate) =>
      candidate.fk.name === hint || candidate.fk.columns.includes(hint) ||
      candidate.fk.refColumns.includes(hint)
    );
  }
  if (candidates.length === 0) {
    const junction = fks.some((a) =>
      toParent(a) &&
      fks.some((b) =>
        b !== a && b.schema === a.schema && b.table === a.table && b.refTable === name
      )
    );
    if (junction) {
      throw unsupported(
        `many-to-many embedding through a junction table ('${parent.name}' and '${name}')`,
      );
    }
    throw pgrstError(
      400,
      "PGRST200",
      `Could not find a relationship between '${parent.name}' and '${name}' in the schema cache`,
      {
        details: `Searched for a foreign key relationship between '${parent.name}' and '${name}'${
          item.hint ? ` using the hint '${item.hint}'` : ""
        } in the schema '${parent.schema}', but no matches were found.`,
        hint: "Perhaps you meant to reference the table or the foreign key column instead.",
      },
    );
  }
  if (candidates.length > 1) {
    throw pgrstError(
      300,
      "PGRST201",
      `Could not embed because more than one relationship was found for '${parent.name}' and '${name}'`,
      {
        details: candidates.map((candidate) => ({
          cardinality: candidate.direction === "to-one" ? "many-to-one" : "one-to-many",
          embedding: `${parent.name} with ${candidate.targetTable}`,
          relationship: `${candidate.fk.name} using ${candidate.fk.table}(${
            candidate.fk.columns.join(", ")
          }) and ${candidate.fk.refTable}(${candidate.fk.refColumns.join(", ")})`,
        })),
        hint: `Try changing '${name}' to one of the following: ${
          candidates.map((candidate) => `'${name}!${candidate.fk.name}'`).join(", ")
        }. Find the desired relationship in the 'details' key.`,
      },
    );
  }
  const chosen = candidates[0]!;
  const target = await load(chosen.targetSchema, chosen.targetTable);
  if (target === null) {
    throw pgrstError(
      400,
      "PGRST200",
      `Could not find a relationship between '${parent.name}' and '${name}' in the schema cache`,
    );
  }
  const toOne = chosen.direction === "to-one";
  const parentColumns = toOne ? chosen.fk.columns : chosen.fk.refColumns;
  const targetColumns = toOne ? chosen.fk.refColumns : chosen.fk.columns;
  // A foreign key whose columns are unique in the target is one-to-one: an object.
  const oneToOne = !toOne &&
    target.uniqueKeys.some((key) =>
      key.length === targetColumns.length && key.every((column) => targetColumns.includes(column))
    );
  return {
    key: item.alias ?? item.relation,
    target,
    children: item.children,
    inner: item.inner,
    cardinality: toOne || oneToOne ? "one" : "many",
    parentColumns,
    targetColumns,
  };
}
