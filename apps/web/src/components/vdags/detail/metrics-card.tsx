"use client";

import type { TVdagControllerStatus } from "@aios/contracts";
import type { UseQueryResult } from "@tanstack/react-query";
import { formatMs } from "@/components/blocks/executor-status";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CELL, type Column, DataTable } from "@/components/ui/data-table";
import { FieldList } from "@/components/ui/field-list";
import { QueryView } from "@/components/ui/query-view";
import { SkeletonRows } from "@/components/ui/skeleton";

type NodeRow = TVdagControllerStatus["nodes"][string] & { label: string };

const COLUMNS: Column<NodeRow>[] = [
  { header: "Node", cell: (n) => n.label, className: CELL.key },
  { header: "Requests", cell: (n) => n.requests, className: CELL.number },
  { header: "Errors", cell: (n) => n.errors, className: CELL.number },
  { header: "p50", cell: (n) => formatMs(n.p50Ms), className: CELL.number },
  { header: "p99", cell: (n) => formatMs(n.p99Ms), className: CELL.number },
];

/** The controller's live figures (`vdags.metrics`, every 2 s), while it serves the vDAG. */
export function MetricsCard({
  status,
  metrics,
}: {
  status: string;
  metrics: UseQueryResult<TVdagControllerStatus, unknown>;
}) {
  const serving = status === "active" || status === "unhealthy";
  return (
    <Card className="overflow-hidden" data-testid="vdag-metrics">
      <CardHeader title="Live metrics" description="From the vDAG's controller, every 2 s." />
      {serving ? (
        <QueryView query={metrics} skeleton={<SkeletonRows rows={3} />}>
          {(m) => (
            <>
              <CardBody className="border-b border-zinc-100">
                <FieldList
                  fields={[
                    {
                      label: "Health",
                      value: (
                        <span className="flex flex-col gap-0.5">
                          <Badge tone={m.healthy ? "success" : "danger"} dot className="self-start">
                            {m.healthy ? "healthy" : "unhealthy"}
                          </Badge>
                          {m.healthReason ? (
                            <span className="text-xs text-zinc-500">{m.healthReason}</span>
                          ) : null}
                        </span>
                      ),
                    },
                    {
                      label: "Requests",
                      value: (
                        <span data-testid="metrics-requests">
                          {m.requests.total} total · {m.requests.errors} errors · {m.requests.refused} refused
                        </span>
                      ),
                    },
                    {
                      label: "Latency",
                      value: `p50 ${formatMs(m.requests.p50Ms)} · p99 ${formatMs(m.requests.p99Ms)}`,
                    },
                    { label: "Quality", value: `${m.quality.sampled} sampled · ${m.quality.failed} failed` },
                  ]}
                />
              </CardBody>
              <DataTable
                rows={Object.entries(m.nodes).map(([label, n]) => ({ label, ...n }))}
                columns={COLUMNS}
                rowKey={(n) => n.label}
                testIdPrefix="metrics-node-"
                emptyText="No request has reached a node yet."
              />
            </>
          )}
        </QueryView>
      ) : (
        <p className="px-5 py-4 text-sm text-zinc-400">No controller serves the vDAG while it is {status}.</p>
      )}
    </Card>
  );
}
