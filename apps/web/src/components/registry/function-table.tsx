import type { TPolicyFunctionRecord } from "@aios/contracts";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { replicaCounts } from "@/lib/functions/replicas";
import { routes } from "@/lib/routes";
import { clusterColumn, dateColumn, keyColumn, linkColumn, statusColumn } from "./columns";

/** Deployed policy functions (execution type 4), each row opening the function's page. */
export const FUNCTION_TABLE: TableSpec<TPolicyFunctionRecord> = {
  rowKey: (f) => f.name,
  rowHref: (f) => routes.function(f.name),
  testIdPrefix: "function-row-",
  columns: [
    keyColumn("Name", (f) => f.name),
    linkColumn("Policy", (f) => f.policyRuleURI, routes.policy),
    clusterColumn(),
    statusColumn(),
    {
      header: "Ready / desired",
      className: CELL.number,
      testId: "function-replicas",
      cell: (f) => {
        const c = replicaCounts(f);
        return `${c.ready} / ${c.desired}`;
      },
    },
    dateColumn("Updated", (f) => f.updatedAt),
  ],
};
