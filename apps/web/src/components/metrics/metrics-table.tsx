import type { TMetricsRow } from "@aios/contracts";
import { dateColumn, keyColumn } from "@/components/registry/columns";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { figuresOf } from "@/lib/metrics/metrics-query";

/** Entities' current metrics (`metrics.query`): their key figures; the whole document in the CLI's JSON. */
export const METRICS_TABLE: TableSpec<TMetricsRow> = {
  rowKey: (r) => `${r.entity}/${r.id}`,
  testIdPrefix: "metrics-row-",
  columns: [
    keyColumn("Entity", (r) => r.id),
    { header: "Cluster", className: CELL.muted, cell: (r) => r.clusterId ?? "—" },
    { header: "Figures", className: CELL.mono, cell: (r) => figuresOf(r) || "no samples yet" },
    dateColumn("Newest sample", (r) => r.at),
  ],
};
