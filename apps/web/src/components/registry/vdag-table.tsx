import type { TVdagRecord } from "@aios/spec";
import type { TableSpec } from "@/components/ui/data-table";
import { routes } from "@/lib/routes";
import { dateColumn, keyColumn, statusColumn } from "./columns";

export const VDAG_TABLE: TableSpec<TVdagRecord> = {
  rowKey: (v) => v.vdagURI,
  rowHref: (v) => routes.vdag(v.vdagURI),
  testIdPrefix: "vdag-row-",
  columns: [
    keyColumn("URI", (v) => v.vdagURI),
    { header: "Name", cell: (v) => v.vdagName },
    statusColumn(),
    dateColumn("Created", (v) => v.createdAt),
  ],
};
