import type { TApiTokenRecord } from "@aios/contracts";
import { dateColumn, keyColumn } from "@/components/registry/columns";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { tokenState } from "@/lib/tokens/token-state";
import { RevokeToken } from "./revoke-token";

/** API tokens as admins see them (never a secret nor a hash), each active one with Revoke. */
export const TOKEN_TABLE: TableSpec<TApiTokenRecord> = {
  rowKey: (t) => t.id,
  testIdPrefix: "token-row-",
  columns: [
    keyColumn("Name", (t) => t.name),
    { header: "Role", cell: (t) => <Badge tone={t.role === "admin" ? "accent" : "neutral"}>{t.role}</Badge> },
    {
      header: "Scope",
      className: CELL.muted,
      cell: (t) => [t.scope, ...t.scopes].filter((s) => s !== null).join(", ") || "—",
    },
    { header: "State", cell: (t) => <StatusBadge status={tokenState(t)} testId="token-state" /> },
    dateColumn("Created", (t) => t.createdAt),
    dateColumn("Expires", (t) => t.expiresAt),
    dateColumn("Last used", (t) => t.lastUsedAt),
    {
      header: "",
      className: "text-right",
      cell: (t) => (tokenState(t) === "active" ? <RevokeToken id={t.id} name={t.name} /> : null),
    },
  ],
};
