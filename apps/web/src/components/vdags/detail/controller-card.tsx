"use client";

import { useQuery } from "@tanstack/react-query";
import { StatusBadge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { CELL, type Column, DataTable } from "@/components/ui/data-table";
import { QueryView } from "@/components/ui/query-view";
import { RecordLink } from "@/components/ui/record-link";
import { SkeletonRows } from "@/components/ui/skeleton";
import { asObject } from "@/lib/doc";
import { formatDateTime } from "@/lib/format";
import { routes } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

interface ControllerRow {
  id: string;
  clusterId: string | null;
  status: string;
  url: string | null;
  doc: Record<string, unknown>;
  updatedAt: string;
}

function health(c: ControllerRow): string {
  const h = asObject(c.doc.health);
  if (!h || typeof h.healthy !== "boolean") return "—";
  return `${h.healthy ? "healthy" : "unhealthy"}${typeof h.reason === "string" && h.reason ? `: ${h.reason}` : ""}`;
}

const COLUMNS: Column<ControllerRow>[] = [
  { header: "Controller", cell: (c) => c.id, className: CELL.key },
  {
    header: "Cluster",
    className: CELL.mono,
    cell: (c) =>
      c.clusterId ? <RecordLink href={routes.cluster(c.clusterId)}>{c.clusterId}</RecordLink> : "—",
  },
  { header: "Status", cell: (c) => <StatusBadge status={c.status} testId="controller-status" /> },
  { header: "URL", cell: (c) => c.url ?? "—", className: CELL.muted },
  { header: "Health", cell: health, className: "max-w-72 truncate text-xs text-zinc-600", title: health },
  { header: "Updated", cell: (c) => formatDateTime(c.updatedAt), className: CELL.date },
];

/** Where the vDAG's controller runs and how it is (`vdags.controllers`, every 5 s). */
export function ControllerCard({ vdagURI }: { vdagURI: string }) {
  const trpc = useTRPC();
  const controllers = useQuery(trpc.vdags.controllers.queryOptions({ vdagURI }, { refetchInterval: 5_000 }));
  return (
    <Card className="overflow-hidden" data-testid="vdag-controllers">
      <CardHeader title="Controller" description="The process that walks the graph for every request." />
      <QueryView query={controllers} skeleton={<SkeletonRows rows={1} />}>
        {(rows) => (
          <DataTable
            rows={rows}
            columns={COLUMNS}
            rowKey={(c) => c.id}
            testIdPrefix="controller-row-"
            emptyText="No controller placed yet."
          />
        )}
      </QueryView>
    </Card>
  );
}
