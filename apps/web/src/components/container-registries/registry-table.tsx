import type { TContainerRegistryRecord } from "@aios/contracts";
import { dateColumn, keyColumn, tagsColumn } from "@/components/registry/columns";
import { Badge } from "@/components/ui/badge";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { RemoveContainerRegistry } from "./remove-registry";

/** Container registries as every role reads them: never a password, only whether one is kept. */
export const CONTAINER_REGISTRY_TABLE: TableSpec<TContainerRegistryRecord> = {
  rowKey: (r) => r.containerRegistryId,
  testIdPrefix: "registry-row-",
  columns: [
    keyColumn("ID", (r) => r.containerRegistryId),
    { header: "Server", className: CELL.mono, title: (r) => r.url, cell: (r) => r.server },
    { header: "Username", className: CELL.muted, cell: (r) => r.username ?? "—" },
    {
      header: "Credentials",
      testId: "registry-credentials",
      cell: (r) =>
        r.hasCredentials ? <Badge tone="success">yes</Badge> : <Badge tone="neutral">anonymous</Badge>,
    },
    tagsColumn(),
    dateColumn("Updated", (r) => r.updatedAt),
    {
      header: "",
      className: "text-right",
      cell: (r) => <RemoveContainerRegistry id={r.containerRegistryId} />,
    },
  ],
};
