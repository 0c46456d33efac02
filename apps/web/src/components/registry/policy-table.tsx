import type { TPolicyRecord } from "@aios/contracts";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { routes } from "@/lib/routes";
import { dateColumn, keyColumn, kindColumn, tagsColumn } from "./columns";

export const POLICY_TABLE: TableSpec<TPolicyRecord> = {
  rowKey: (p) => p.policyRuleURI,
  rowHref: (p) => routes.policy(p.policyRuleURI),
  testIdPrefix: "policy-row-",
  columns: [
    keyColumn("URI", (p) => p.policyRuleURI),
    kindColumn(),
    {
      header: "Description",
      className: `max-w-80 truncate ${CELL.text}`,
      title: (p) => p.description ?? undefined,
      cell: (p) => p.description ?? "—",
    },
    tagsColumn(),
    dateColumn("Created", (p) => p.createdAt),
  ],
};
