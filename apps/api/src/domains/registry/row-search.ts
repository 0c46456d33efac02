import { DEFAULT_PAGE_LIMIT, isLogical, type TFilterQuery } from "@aios/contracts";
import { type Db, FilterError, filterToSql, MAX_SEARCH_LIMIT, Prisma } from "@aios/db";
import { NotFoundError, UserError } from "../../errors";
import type { PageInput } from "./search";

/**
 * Registries whose rows keep no spec document (instances, GPUs, jobs, tasks, audit events, tokens…)
 * are searched over a document built per row from a WHITELIST of the record's own fields: the
 * filter names what `get` returns (`status`, `createdAt`, `settings.batch`), and nothing else of
 * the row (a token's hash) can be matched, read back or probed. Every SQL fragment of a view is a
 * constant of our code; the filter reaches SQL only through `filterToSql` (bound parameters).
 */
export interface RowView {
  /** The kind's name in messages ("policy job"). */
  noun: string;
  /** The input field that carries the key in `get` (named in a not-found error). */
  keyField: string;
  /** `FROM` target, aliased `t`. */
  from: string;
  /** The key as text, over `t` (`t."id"`, `t."node_id" || '/' || t."index"`). */
  key: string;
  /** A fixed restriction over `t`, if the table holds more than this kind. */
  where?: string;
  orderBy: string;
  /** Filterable variable → SQL expression over `t`; `nested: true` lets a filter reach inside (jsonb). */
  fields: Record<string, { sql: string; nested?: boolean }>;
}

/** An ISO-8601 string exactly as `Date.toISOString()` writes it, so filters compare like records. */
export const isoSql = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Rejects a variable outside the view's whitelist, naming it and the variables there are. */
export function checkVariables(view: RowView, filter: TFilterQuery): void {
  const names = Object.keys(view.fields);
  const walk = (q: TFilterQuery): void => {
    if (isLogical(q)) {
      for (const c of q.conditions) walk(c);
      return;
    }
    const [head = "", ...rest] = q.variable.split(".");
    const field = Object.hasOwn(view.fields, head) ? view.fields[head] : undefined;
    if (!field) {
      throw UserError.field(
        "filter",
        `${JSON.stringify(q.variable)} is not a filterable variable of ${view.noun}s; one of ${names.join(", ")}`,
      );
    }
    if (rest.length > 0 && !field.nested) {
      throw UserError.field(
        "filter",
        `${JSON.stringify(q.variable)}: ${head} has no fields to filter on; use ${head} itself`,
      );
    }
  };
  walk(filter);
}

function docSql(view: RowView): Prisma.Sql {
  const pairs = Object.entries(view.fields).map(([name, f]) => `'${name}', ${f.sql}`);
  return Prisma.raw(`jsonb_build_object(${pairs.join(", ")})`);
}

/** Keys of the view's rows matching `filter` (every row without one), in the view's order. */
export async function rowKeys(
  db: Db,
  view: RowView,
  filter: TFilterQuery | undefined,
  page: PageInput = {},
): Promise<string[]> {
  const conditions: Prisma.Sql[] = [];
  if (view.where) conditions.push(Prisma.raw(`(${view.where})`));
  if (filter) {
    checkVariables(view, filter);
    try {
      conditions.push(filterToSql(filter, { column: Prisma.raw("d.doc") }));
    } catch (err) {
      if (err instanceof FilterError) throw UserError.field("filter", err.message);
      throw err;
    }
  }
  const where = conditions.length > 0 ? Prisma.join(conditions, " AND ") : Prisma.sql`TRUE`;
  const limit = Math.min(page.limit ?? DEFAULT_PAGE_LIMIT, MAX_SEARCH_LIMIT);
  const rows = await db.$queryRaw<{ key: string }[]>`
    SELECT ${Prisma.raw(view.key)} AS key FROM ${Prisma.raw(view.from)} AS t
    CROSS JOIN LATERAL (SELECT ${docSql(view)} AS doc) AS d
    WHERE ${where} ORDER BY ${Prisma.raw(view.orderBy)} LIMIT ${limit} OFFSET ${page.offset ?? 0}`;
  return rows.map((r) => r.key);
}

export interface RowRegistry<R> {
  list(page?: PageInput): Promise<R[]>;
  get(key: string): Promise<R>;
  search(filter: TFilterQuery, page?: PageInput): Promise<R[]>;
}

/**
 * list/get/search over a view; `load` reads the records of the keys (in any order, skipping keys
 * that name no row or not this kind), through the table's own indexes.
 */
export function rowRegistry<R>(
  db: Db,
  view: RowView,
  load: (keys: string[]) => Promise<Array<{ key: string; record: R }>>,
): RowRegistry<R> {
  const inOrder = async (keys: string[]) => {
    if (keys.length === 0) return [];
    const byKey = new Map((await load(keys)).map((r) => [r.key, r.record]));
    return keys.flatMap((k) => {
      const record = byKey.get(k);
      return record === undefined ? [] : [record];
    });
  };
  return {
    list: async (page = {}) => inOrder(await rowKeys(db, view, undefined, page)),
    async get(key) {
      const [record] = await inOrder([key]);
      if (record === undefined) throw new NotFoundError(view.noun, key, view.keyField);
      return record;
    },
    search: async (filter, page = {}) => inOrder(await rowKeys(db, view, filter, page)),
  };
}
