"use client";

import type { TFunctionReplica, TPolicyFunctionRecord } from "@aios/contracts";
import { StatusBadge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { CELL, type Column, DataTable } from "@/components/ui/data-table";
import { replicaCounts } from "@/lib/functions/replicas";
import { FunctionScale } from "./function-scale";

const COLUMNS: Column<TFunctionReplica>[] = [
  { header: "Replica", cell: (r) => r.index, className: CELL.key },
  { header: "Status", cell: (r) => <StatusBadge status={r.status} testId="replica-status" /> },
  { header: "Endpoint", cell: (r) => r.endpoint ?? "—", className: CELL.muted },
  { header: "PID", cell: (r) => r.pid ?? "—", className: CELL.number },
  { header: "Message", cell: (r) => r.message ?? "", className: CELL.text },
];

/** The replicas as the function's agent last reported them (the page polls the record), with scaling. */
export function ReplicasCard({ fn }: { fn: TPolicyFunctionRecord }) {
  const c = replicaCounts(fn);
  return (
    <Card className="overflow-hidden" data-testid="replicas-card">
      <CardHeader
        title="Replicas"
        description={
          <span data-testid="replicas-summary">
            {c.ready} ready of {c.desired} desired
            {c.starting ? ` · ${c.starting} starting` : ""}
            {c.failed ? ` · ${c.failed} failed` : ""}
          </span>
        }
        actions={<FunctionScale fn={fn} />}
      />
      <DataTable
        rows={fn.replicaStates}
        columns={COLUMNS}
        rowKey={(r) => String(r.index)}
        testIdPrefix="replica-row-"
        emptyText="No replica reported yet: the cluster's agent starts them once it picks the function up."
      />
    </Card>
  );
}
