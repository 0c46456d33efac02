import type { TVdagTraceStep } from "@aios/contracts";
import { formatMs } from "@/components/blocks/executor-status";
import { StatusBadge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { CELL, type Column, DataTable } from "@/components/ui/data-table";
import { isUnfinished, type RunOutcome } from "@/lib/vdag/run";

type Row = TVdagTraceStep & { i: number; key: string };

const COLUMNS: Column<Row>[] = [
  { header: "#", cell: (s) => s.i + 1, className: CELL.number },
  { header: "Node", cell: (s) => s.nodeLabel, className: CELL.key },
  { header: "Block", cell: (s) => s.blockId, className: CELL.mono },
  { header: "Cluster", cell: (s) => s.clusterId ?? "—", className: CELL.mono, testId: "trace-cluster" },
  { header: "Cluster node", cell: (s) => s.nodeId ?? "—", className: CELL.mono, testId: "trace-node" },
  { header: "Instance", cell: (s) => s.instanceId ?? "—", className: CELL.muted },
  { header: "Status", cell: (s) => <StatusBadge status={s.status} testId="trace-status" /> },
  {
    header: "Duration",
    cell: (s) => formatMs(s.durationMs),
    className: CELL.number,
    testId: "trace-duration",
  },
  { header: "Attempts", cell: (s) => s.attempts, className: CELL.number },
  { header: "Next", cell: (s) => (s.next.length ? s.next.join(", ") : "—"), className: CELL.mono },
  {
    header: "Error",
    cell: (s) => s.error ?? "",
    className: "max-w-72 truncate text-xs text-red-700",
    title: (s) => s.error,
  },
];

/** A run's steps in the order they started. */
export function TraceTable({ outcome }: { outcome: RunOutcome }) {
  const seen = new Set<string>();
  const rows: Row[] = outcome.trace.map((s, i) => {
    const key = seen.has(s.nodeLabel) ? `${s.nodeLabel}#${i}` : s.nodeLabel;
    seen.add(s.nodeLabel);
    return { ...s, i, key };
  });
  return (
    <Card className="overflow-hidden" data-testid="trace">
      <CardHeader
        title="Trace"
        description={`${rows.length} step${rows.length === 1 ? "" : "s"}${outcome.taskId ? ` of task ${outcome.taskId}` : ""}, in the order they started.`}
      />
      <DataTable
        rows={rows}
        columns={COLUMNS}
        rowKey={(s) => s.key}
        testIdPrefix="trace-step-"
        testId="trace-table"
        emptyText={
          isUnfinished(outcome.status)
            ? `The task is ${outcome.status}.`
            : "No step ran (the request stopped before the graph)."
        }
      />
    </Card>
  );
}
