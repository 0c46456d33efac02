import type { Db } from "@aios/db";
import { isoSql, type RowView, rowRegistry } from "../registry/row-search";
import { toPolicyJobRecord } from "./policy-job.service";

/** Policy jobs (execution type 3), newest first; input, settings, parameters, output and error filter inside. */
export const POLICY_JOB_VIEW: RowView = {
  noun: "policy job",
  keyField: "id",
  from: `"policy_jobs"`,
  key: `t."id"`,
  orderBy: `t."created_at" DESC, t."id"`,
  fields: {
    id: { sql: `t."id"` },
    name: { sql: `t."name"` },
    policyRuleURI: { sql: `t."policy_rule_uri"` },
    clusterId: { sql: `t."cluster_id"` },
    status: { sql: `t."status"` },
    input: { sql: `t."input"`, nested: true },
    settings: { sql: `t."settings"`, nested: true },
    parameters: { sql: `t."parameters"`, nested: true },
    output: { sql: `t."output"`, nested: true },
    error: { sql: `t."error"`, nested: true },
    createdAt: { sql: isoSql(`t."created_at"`) },
    startedAt: { sql: isoSql(`t."started_at"`) },
    finishedAt: { sql: isoSql(`t."finished_at"`) },
  },
};

export const createPolicyJobRegistry = (db: Db) =>
  rowRegistry(db, POLICY_JOB_VIEW, async (keys) =>
    (await db.policyJob.findMany({ where: { id: { in: keys } } })).map((row) => ({
      key: row.id,
      record: toPolicyJobRecord(row),
    })),
  );
