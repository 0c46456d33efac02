import { type Db, sqlOf } from "@aios/db";

/** A policy's row as the runtime and the value checks read it. */
export interface StoredPolicy {
  code: string;
  kind: string;
  doc: unknown;
}

/** Rows kept per database handle; past it the oldest goes. */
const MAX_KEPT = 1000;
const kept = new WeakMap<Db, Map<string, StoredPolicy>>();

/**
 * The stored policy `policyRuleURI`, or null. A policy version is immutable and the product never
 * deletes one (`createPolicy` refuses other content under an existing URI), so a row once read is
 * kept: the central executor's calls and their value checks, on the hot path of placement and of
 * every policy it runs, cost no query after the first. A policy not found is asked for again next
 * time (it may be created since). Plain SQL (@aios/db's sqlOf).
 */
export async function storedPolicy(db: Db, policyRuleURI: string): Promise<StoredPolicy | null> {
  let rows = kept.get(db);
  const hit = rows?.get(policyRuleURI);
  if (hit) return hit;
  const [row] = await sqlOf(db).query<StoredPolicy>(
    "SELECT code, kind, doc FROM policies WHERE policy_rule_uri = $1",
    [policyRuleURI],
  );
  if (!row) return null;
  if (!rows) {
    rows = new Map();
    kept.set(db, rows);
  }
  if (rows.size >= MAX_KEPT) rows.delete(rows.keys().next().value as string);
  rows.set(policyRuleURI, row);
  return row;
}
