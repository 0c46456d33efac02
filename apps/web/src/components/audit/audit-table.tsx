import type { TAuditEventRecord, TAuditOutcome } from "@aios/contracts";
import { dateColumn } from "@/components/registry/columns";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { CELL, type TableSpec } from "@/components/ui/data-table";

/** An event as the table shows it (the list's output; input and decision in the row's title). */
export type AuditRow = Omit<TAuditEventRecord, "input" | "decision"> & { input?: unknown };

const OUTCOME_TONE: Record<TAuditOutcome, BadgeTone> = {
  ok: "success",
  refused: "warning",
  failed: "danger",
};

/** Who called: the token's name and role, else the actor (`admin:open`, `anonymous`, `system`). */
export const principalOf = (e: AuditRow) =>
  e.principal?.name ? `${e.principal.name} (${e.principal.role})` : e.actor;

/** The audit, newest first: when, who, what, on what, how it ended and why. */
export const AUDIT_TABLE: TableSpec<AuditRow> = {
  rowKey: (e) => e.id,
  testIdPrefix: "audit-row-",
  columns: [
    dateColumn("Time", (e) => e.createdAt),
    {
      header: "Principal",
      className: CELL.text,
      cell: principalOf,
      title: (e) => (e.principal?.tokenId ? `token ${e.principal.tokenId}` : undefined),
    },
    { header: "Action", className: CELL.key, cell: (e) => e.action },
    { header: "Target", className: `${CELL.mono} whitespace-nowrap`, cell: (e) => e.target ?? "—" },
    {
      header: "Outcome",
      cell: (e) => (
        <Badge tone={OUTCOME_TONE[e.outcome]} dot>
          {e.outcome}
        </Badge>
      ),
      testId: "audit-outcome",
    },
    {
      header: "Reason",
      className: "max-w-md truncate text-xs text-zinc-500",
      cell: (e) => e.reason ?? "—",
      title: (e) => e.reason ?? undefined,
    },
  ],
};
