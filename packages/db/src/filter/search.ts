import type { TFilterQuery } from "@aios/contracts";
import type { Db } from "../client";
import { Prisma } from "../generated/prisma/client";
import { filterToSql } from "./to-sql";
import { FilterError } from "./types";

/** Registry tables that carry a `doc` column, with their primary-key column. */
export const SEARCHABLE_TABLES = {
  clusters: "id",
  nodes: "id",
  components: "component_uri",
  blocks: "id",
  vdags: "vdag_uri",
  policies: "policy_rule_uri",
} as const;
export type SearchableTable = keyof typeof SEARCHABLE_TABLES;

/**
 * Secrets a table's `doc` holds for the platform's own use, as jsonb paths: filters see the doc
 * without them, so no condition (a LIKE on a prefix, say) can reveal them to a caller.
 */
const SECRET_PATHS: Partial<Record<SearchableTable, string[]>> = {
  // The executor's data token (the API's block data plane and vDAG controllers send it).
  blocks: ["{runtime,executorDataToken}"],
};

export interface SearchOptions {
  limit?: number;
  offset?: number;
}

export const MAX_SEARCH_LIMIT = 10_000;

/**
 * Primary keys of the rows of `table` whose `doc` matches `query`, ordered by key (stable
 * paging); semantics of `query`: see @aios/contracts src/filter.ts. Load the rows with findMany({ where: { <pk>: { in: keys } } }) if needed.
 */
export async function searchDocs(
  db: Db,
  table: SearchableTable,
  query: TFilterQuery,
  options: SearchOptions = {},
): Promise<string[]> {
  if (!Object.hasOwn(SEARCHABLE_TABLES, table))
    throw new FilterError(`Not a searchable table: ${String(table)}`);
  const limit = Math.min(Math.max(0, Math.trunc(options.limit ?? 100)), MAX_SEARCH_LIMIT);
  const offset = Math.max(0, Math.trunc(options.offset ?? 0));
  // Table and key names come from the constant map above, never from the caller's input.
  const pk = Prisma.raw(`"${SEARCHABLE_TABLES[table]}"`);
  const column = (SECRET_PATHS[table] ?? []).reduce((doc, path) => `(${doc} #- '${path}')`, '"doc"');
  const where = filterToSql(query, { column: Prisma.raw(column) });
  const rows = await db.$queryRaw<{ key: string }[]>`
    SELECT ${pk} AS key FROM ${Prisma.raw(`"${table}"`)}
    WHERE ${where} ORDER BY ${pk} LIMIT ${limit} OFFSET ${offset}`;
  return rows.map((r) => r.key);
}
