import { parseArgs } from "node:util";
import { AUDIT_OUTCOMES, sinceToIso, type TAuditEventRecord, type TAuditOutcome } from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { type CliIo, CliUsageError } from "./io";
import { renderTable } from "./table";
import { intValue, print } from "./values";

export const AUDIT_USAGE = `  aios audit [--since 1h] [--principal WHO] [--action ACTION] [--outcome ok|refused|failed]
             [--limit N] [--offset N] [-o table|json]
                                          the audit (admin), newest first: every change, run,
                                          invoke and management command, refusals included.
                                          --since: N s|m|h|d back, or an ISO-8601 time; WHO: a
                                          token's name or id, a role, or anonymous; ACTION:
                                          blocks.mgmt, or a prefix: 'functions.*'`;

/** What a row of the table shows (the input and decision are in `-o json`). */
type AuditRow = Omit<TAuditEventRecord, "input" | "decision">;

const when = (iso: string) => iso.replace("T", " ").replace(/\.\d+Z$/, "Z");

/** Who called, as a person reads it: the token's name, else its role and id, else the actor. */
export const principalText = (e: AuditRow): string =>
  e.principal?.name ? `${e.principal.name} (${e.principal.role})` : e.actor;

const AUDIT_COLUMNS: Record<string, (e: AuditRow) => unknown> = {
  TIME: (e) => when(e.createdAt),
  PRINCIPAL: principalText,
  ACTION: (e) => e.action,
  TARGET: (e) => e.target,
  OUTCOME: (e) => e.outcome,
  REASON: (e) => e.reason,
};

export async function auditCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    throw new CliUsageError(`audit: ${(err as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 0)
    throw new CliUsageError(
      `audit: unexpected argument(s) ${positionals.map((a) => JSON.stringify(a)).join(" ")}`,
    );
  const output = values.output ?? "table";
  if (output !== "table" && output !== "json")
    throw new CliUsageError(`audit: -o must be table or json, got ${JSON.stringify(output)}`);
  const outcome = values.outcome;
  if (outcome !== undefined && !(AUDIT_OUTCOMES as readonly string[]).includes(outcome))
    throw new CliUsageError(
      `audit --outcome must be one of ${AUDIT_OUTCOMES.join(", ")}, got ${JSON.stringify(outcome)}`,
    );
  let since: string | undefined;
  try {
    since = values.since === undefined ? undefined : sinceToIso(values.since);
  } catch (err) {
    throw new CliUsageError(`audit --${(err as Error).message}`);
  }
  const limit = intValue("--limit", values.limit);
  if (limit === 0) throw new CliUsageError("--limit must be at least 1");
  const offset = intValue("--offset", values.offset);
  const events = await api.auditEvents.list.query({
    ...(since ? { since } : {}),
    ...(values.principal ? { principal: values.principal } : {}),
    ...(values.action ? { action: values.action } : {}),
    ...(outcome ? { outcome: outcome as TAuditOutcome } : {}),
    ...(limit ? { limit } : {}),
    ...(offset ? { offset } : {}),
  });
  if (output === "json") print(io.out, events);
  else io.out(renderTable(AUDIT_COLUMNS, events));
  return 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      since: { type: "string" },
      principal: { type: "string" },
      action: { type: "string" },
      outcome: { type: "string" },
      limit: { type: "string" },
      offset: { type: "string" },
      output: { type: "string", short: "o" },
    },
  });
}
