import type { Db } from "@aios/db";
import { isoSql, type RowView, rowRegistry } from "../registry/row-search";
import { toGraphRecord } from "./graph.service";

/** Policy graphs (execution type 5) by URI; `graph.<fn>` is the functions `<fn>` feeds. */
export const GRAPH_VIEW: RowView = {
  noun: "graph",
  keyField: "graphURI",
  from: `"policy_graphs"`,
  key: `t."graph_uri"`,
  orderBy: `t."graph_uri"`,
  fields: {
    graphURI: { sql: `t."graph_uri"` },
    name: { sql: `t."name"` },
    graph: { sql: `t."graph"`, nested: true },
    description: { sql: `t."doc"->'description'` },
    createdAt: { sql: isoSql(`t."created_at"`) },
  },
};

export const createGraphRegistry = (db: Db) =>
  rowRegistry(db, GRAPH_VIEW, async (keys) =>
    (await db.policyGraph.findMany({ where: { graphURI: { in: keys } } })).map((row) => ({
      key: row.graphURI,
      record: toGraphRecord(row),
    })),
  );
