import type { Db } from "@aios/db";
import { isoSql, type RowView, rowRegistry } from "../registry/row-search";
import { toFunctionRecord } from "./function.service";

/**
 * Policy functions (execution type 4) by name, removed ones left out as `functions.list` does;
 * settings, parameters and replica states are filterable inside.
 */
export const FUNCTION_VIEW: RowView = {
  noun: "function",
  keyField: "name",
  from: `"policy_functions"`,
  key: `t."name"`,
  where: `t."status" <> 'removed'`,
  orderBy: `t."name"`,
  fields: {
    name: { sql: `t."name"` },
    policyRuleURI: { sql: `t."policy_rule_uri"` },
    clusterId: { sql: `t."cluster_id"` },
    status: { sql: `t."status"` },
    replicas: { sql: `t."replicas"` },
    revision: { sql: `COALESCE(t."doc"->'revision', '0'::jsonb)` },
    settings: { sql: `COALESCE(t."doc"->'settings', '{}'::jsonb)`, nested: true },
    parameters: { sql: `COALESCE(t."doc"->'parameters', '{}'::jsonb)`, nested: true },
    replicaStates: { sql: `COALESCE(t."doc"->'replicaStates', '[]'::jsonb)`, nested: true },
    createdAt: { sql: isoSql(`t."created_at"`) },
    updatedAt: { sql: isoSql(`t."updated_at"`) },
  },
};

export const createFunctionRegistry = (db: Db) =>
  rowRegistry(db, FUNCTION_VIEW, async (keys) =>
    (
      await db.policyFunction.findMany({
        where: { name: { in: keys }, status: { not: "removed" } },
      })
    ).map((row) => ({
      key: row.name,
      record: toFunctionRecord(row),
    })),
  );
