import type { TBlockRecord } from "@aios/spec";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { routes } from "@/lib/routes";
import { clusterColumn, dateColumn, keyColumn, linkColumn, statusColumn } from "./columns";

export const BLOCK_TABLE: TableSpec<TBlockRecord> = {
  rowKey: (b) => b.id,
  rowHref: (b) => routes.block(b.id),
  testIdPrefix: "block-row-",
  columns: [
    keyColumn("Block", (b) => b.id),
    linkColumn("Component", (b) => b.componentURI, routes.component),
    clusterColumn(),
    statusColumn(),
    {
      header: "Min / max instances",
      className: CELL.number,
      cell: (b) => `${b.minInstances} / ${b.maxInstances}`,
    },
    dateColumn("Created", (b) => b.createdAt),
  ],
};
