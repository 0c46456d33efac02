import type { TBlockRecord } from "@aios/contracts";
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
    statusColumn((b) => b.statusReason),
    {
      // Desired rather than healthy: health needs one query per block; the detail page shows it.
      header: "Instances",
      className: CELL.number,
      testId: "block-instances",
      title: (b) => `${b.desiredInstances} desired, min ${b.minInstances}, max ${b.maxInstances}`,
      cell: (b) => (
        <>
          {b.desiredInstances}
          <span className="ml-1.5 text-xs text-zinc-400">
            ({b.minInstances}–{b.maxInstances})
          </span>
        </>
      ),
    },
    dateColumn("Created", (b) => b.createdAt),
  ],
};
