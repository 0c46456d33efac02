import type { TExecutorRecord } from "@aios/contracts";
import { RemoveExecutor } from "@/components/executors/remove-executor";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { dateColumn, keyColumn, statusColumn } from "./columns";

/** Policy executors you deploy (execution type 2 on your own machine), by name. */
export const EXECUTOR_TABLE: TableSpec<TExecutorRecord> = {
  rowKey: (e) => e.id,
  testIdPrefix: "executor-row-",
  columns: [
    keyColumn("Executor", (e) => e.id),
    { header: "Name", className: CELL.text, cell: (e) => e.name },
    { header: "Group", className: CELL.muted, cell: (e) => e.group ?? "—" },
    statusColumn(),
    { header: "Load", className: CELL.number, cell: (e) => `${e.inFlight} / ${e.capacity}` },
    { header: "Served", className: CELL.number, cell: (e) => e.served.toLocaleString() },
    { header: "Failed", className: CELL.number, cell: (e) => e.failed.toLocaleString() },
    { header: "URL", className: CELL.mono, cell: (e) => e.url },
    dateColumn("Last seen", (e) => e.lastSeenAt),
    { header: "", cell: (e) => <RemoveExecutor id={e.id} name={e.name} /> },
  ],
};
