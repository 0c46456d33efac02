"use client";

import type { TBlockRecord } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CELL, type Column, DataTable } from "@/components/ui/data-table";
import { FieldList } from "@/components/ui/field-list";
import { QueryView } from "@/components/ui/query-view";
import { SkeletonRows } from "@/components/ui/skeleton";
import { useNow } from "@/hooks/use-now";
import { formatAgo } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { describeDecision, type ExecutorInstance, type ExecutorStatus, formatMs } from "./executor-status";

/** Only a block in these states has an executor to ask. */
const HAS_EXECUTOR = ["running", "degraded"];

/** Live figures from the block's executor (`blocks.metrics`, every 2 s). */
export function ExecutorCard({ block }: { block: TBlockRecord }) {
  const trpc = useTRPC();
  const enabled = HAS_EXECUTOR.includes(block.status);
  const metrics = useQuery(
    trpc.blocks.metrics.queryOptions({ id: block.id }, { refetchInterval: 2_000, enabled, retry: false }),
  );
  return (
    <Card className="overflow-hidden" data-testid="executor-card">
      <CardHeader title="Executor" description="Live figures from the block's executor, every 2 s." />
      {enabled ? (
        <QueryView query={metrics} skeleton={<SkeletonRows rows={3} />}>
          {(data) => <ExecutorFigures status={data as ExecutorStatus} />}
        </QueryView>
      ) : (
        <p className="px-5 py-4 text-sm text-zinc-400">No executor runs while the block is {block.status}.</p>
      )}
    </Card>
  );
}

const instanceColumns = (now: number): Column<ExecutorInstance>[] => [
  { header: "Instance", cell: (i) => i.id, className: CELL.key },
  { header: "State", cell: (i) => (i.state ? <StatusBadge status={i.state} /> : "—") },
  { header: "In flight", cell: (i) => i.inFlight ?? "—", className: CELL.number },
  {
    header: "Completed",
    cell: (i) => i.tasks?.completed ?? "—",
    className: CELL.number,
    testId: "completed",
  },
  { header: "Failed", cell: (i) => i.tasks?.failed ?? "—", className: CELL.number },
  { header: "p50 latency", cell: (i) => formatMs(i.latencyP50Ms), className: CELL.number },
  {
    header: "Last health check",
    className: "text-right text-xs text-zinc-500",
    title: (i) => i.lastHealth?.detail,
    cell: (i) =>
      i.lastHealth
        ? `${i.lastHealth.ok ? "ok" : "failed"} · ${formatAgo(i.lastHealth.at ?? null, now)}`
        : "—",
  },
];

function ExecutorFigures({ status: s }: { status: ExecutorStatus }) {
  const now = useNow();
  const hc = s.healthChecker;
  const as = s.autoscaler;
  const outcomes = Object.entries(s.tasks ?? {});
  return (
    <>
      <CardBody className="space-y-5 border-b border-zinc-100">
        <FieldList
          fields={[
            { label: "Healthy", value: s.healthy === undefined ? null : s.healthy ? "yes" : "no" },
            { label: "In flight", value: s.inFlight },
            {
              label: "Tasks by outcome",
              value: outcomes.length ? (
                <span className="flex flex-wrap gap-1.5" data-testid="task-outcomes">
                  {outcomes.map(([outcome, n]) => (
                    <Badge key={outcome} tone={outcome === "ok" ? "success" : n > 0 ? "danger" : "neutral"}>
                      {outcome} <span className="tabular-nums">{n}</span>
                    </Badge>
                  ))}
                </span>
              ) : null,
            },
            { label: "Load balancer", mono: true, value: s.loadBalancer?.policy ?? "built-in" },
            {
              label: "Health checker",
              value: hc
                ? `${hc.rounds ?? 0} rounds · last ${formatAgo(hc.lastRunAt ?? null, now)}${
                    hc.blockHealthy === false ? " · block unhealthy" : ""
                  }${hc.lastError ? ` · error: ${hc.lastError}` : ""}`
                : null,
            },
            {
              label: "Autoscaler",
              value: as ? (
                <span data-testid="autoscaler">
                  {describeDecision(as.lastDecision)}
                  {as.lastDecision?.at ? ` · ${formatAgo(as.lastDecision.at, now)}` : ""}
                  <span className="block text-xs text-zinc-500">
                    {as.rounds ?? 0} rounds · last {formatAgo(as.lastRunAt ?? null, now)}
                    {as.cooldownUntil && Date.parse(as.cooldownUntil) > now ? " · cooling down" : ""}
                    {as.lastError ? ` · error: ${as.lastError}` : ""}
                  </span>
                </span>
              ) : null,
            },
          ]}
        />
      </CardBody>
      <DataTable
        rows={s.instances ?? []}
        columns={instanceColumns(now)}
        rowKey={(i) => i.id}
        testIdPrefix="executor-instance-"
        emptyText="The executor has no instances."
      />
    </>
  );
}
