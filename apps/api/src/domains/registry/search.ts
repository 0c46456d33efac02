import { DEFAULT_PAGE_LIMIT, type TFilterQuery } from "@aios/contracts";
import { type Db, FilterError, type SearchableTable, searchDocs } from "@aios/db";
import { UserError } from "../../errors";

export interface PageInput {
  limit?: number | undefined;
  offset?: number | undefined;
}

/**
 * Runs a filter query over a registry's stored documents and returns the keys of the matching rows
 * in order; the caller loads the rows. An invalid variable path is the caller's mistake, not ours.
 */
export async function searchKeys(db: Db, table: SearchableTable, filter: TFilterQuery, page: PageInput) {
  try {
    return await searchDocs(db, table, filter, {
      limit: page.limit ?? DEFAULT_PAGE_LIMIT,
      offset: page.offset ?? 0,
    });
  } catch (err) {
    if (err instanceof FilterError) throw UserError.field("filter", err.message);
    throw err;
  }
}

/** Keeps the order of `keys` (the search's order) when rows come back from `WHERE key IN (…)`. */
export function inKeyOrder<T>(keys: string[], rows: T[], keyOf: (row: T) => string): T[] {
  const byKey = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.flatMap((k) => {
    const row = byKey.get(k);
    return row ? [row] : [];
  });
}
