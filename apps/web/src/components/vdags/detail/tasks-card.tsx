"use client";

import { useQuery } from "@tanstack/react-query";
import { Eye } from "lucide-react";
import { formatMs } from "@/components/blocks/executor-status";
import { StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { CELL, type Column, DataTable } from "@/components/ui/data-table";
import { QueryView } from "@/components/ui/query-view";
import { SkeletonRows } from "@/components/ui/skeleton";
import { formatDateTime } from "@/lib/format";
import { outcomeOfTask, type RunOutcome } from "@/lib/vdag/run";
import { useTRPC } from "@/trpc/react";

/** The vDAG's last requests (`vdags.tasks`, every 5 s); "Show" draws one's trace on the graph. */
export function TasksCard({ vdagURI, onShow }: { vdagURI: string; onShow: (o: RunOutcome) => void }) {
  const trpc = useTRPC();
  const tasks = useQuery(trpc.vdags.tasks.queryOptions({ vdagURI, limit: 10 }, { refetchInterval: 5_000 }));
  const columns: Column<RunOutcome & { createdAt: string; traceId: string | null }>[] = [
    { header: "Task", cell: (t) => t.taskId ?? "—", className: CELL.muted },
    {
      // The OpenTelemetry trace id, to open the request in a trace backend (Jaeger, Tempo...).
      header: "Trace id",
      cell: (t) => (t.traceId ? <span data-testid="task-trace-id">{t.traceId}</span> : "—"),
      className: `${CELL.muted} font-mono text-xs`,
      title: (t) => t.traceId ?? undefined,
    },
    { header: "Status", cell: (t) => <StatusBadge status={t.status} /> },
    { header: "Started", cell: (t) => formatDateTime(t.createdAt), className: CELL.date },
    { header: "Duration", cell: (t) => formatMs(t.durationMs), className: CELL.number },
    { header: "Steps", cell: (t) => t.trace.length, className: CELL.number },
    {
      header: "Error",
      cell: (t) => t.error?.message ?? "",
      className: "max-w-64 truncate text-xs text-red-700",
      title: (t) => t.error?.message,
    },
    {
      header: "",
      className: "text-right",
      cell: (t) => (
        <Button
          size="sm"
          variant="ghost"
          onClick={() => onShow(t)}
          aria-label={`Show the trace of task ${t.taskId}`}
        >
          <Eye />
          Show
        </Button>
      ),
    },
  ];
  return (
    <Card className="overflow-hidden" data-testid="vdag-tasks">
      <CardHeader title="Recent requests" description="The last 10 tasks, newest first." />
      <QueryView query={tasks} skeleton={<SkeletonRows rows={2} />}>
        {(rows) => (
          <DataTable
            rows={rows.map((t) => ({ ...outcomeOfTask(t), createdAt: t.createdAt, traceId: t.traceId }))}
            columns={columns}
            rowKey={(t) => t.taskId ?? t.createdAt}
            testIdPrefix="task-row-"
            emptyText="No request yet: send one with Run."
          />
        )}
      </QueryView>
    </Card>
  );
}
