import type { TPolicyFunctionRecord } from "@aios/spec";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { routes } from "@/lib/routes";
import { clusterColumn, keyColumn, linkColumn, statusColumn } from "./columns";

const readyOf = (f: TPolicyFunctionRecord) => f.replicaStates.filter((r) => r.status === "ready").length;

/** Deployed policy functions (execution type 4); rows have no page of their own. */
export const FUNCTION_TABLE: TableSpec<TPolicyFunctionRecord> = {
  rowKey: (f) => f.name,
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
      cell: (f) => `${readyOf(f)} / ${f.replicas}`,
    },
  ],
};
