import type { TPlacementDryRun } from "@aios/contracts";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { CELL, type Column, DataTable } from "@/components/ui/data-table";
import {
  formatGpus,
  type PlacementRow,
  placementChoice,
  placementRows,
} from "@/lib/placement/placement-dry-run";

const COLUMNS: Column<PlacementRow>[] = [
  {
    header: "Node",
    cell: (n) => (
      <span className="inline-flex items-center gap-2">
        {n.nodeId}
        {n.chosen ? (
          <Badge tone="accent" data-testid="placement-chosen">
            chosen
          </Badge>
        ) : null}
      </span>
    ),
    className: CELL.key,
  },
  { header: "Status", cell: (n) => <StatusBadge status={n.status} /> },
  {
    header: "Score",
    cell: (n) => n.score.toFixed(2),
    className: CELL.number,
    testId: "placement-score",
  },
  { header: "GPUs", cell: (n) => formatGpus(n.gpus), className: CELL.number, testId: "placement-gpus" },
  {
    header: "Reason",
    cell: (n) => n.reason ?? "—",
    className: "max-w-md whitespace-normal break-words text-xs text-zinc-600",
    testId: "placement-reason",
  },
];

/** A placement dry run's choice, then its nodes (chosen first, then best score first). */
export function PlacementTable({ result }: { result: TPlacementDryRun }) {
  const choice = placementChoice(result);
  return (
    <>
      <p className="border-b border-zinc-100 px-5 py-3 text-sm text-zinc-700" data-testid="placement-choice">
        {choice.kind === "node" ? (
          <>
            The next instance would go on <span className="font-mono font-medium">{choice.nodeId}</span>
            {choice.gpus.length
              ? ` with GPU${choice.gpus.length > 1 ? "s" : ""} ${formatGpus(choice.gpus)}`
              : " without GPUs"}
            .
          </>
        ) : choice.kind === "problem" ? (
          <span className="text-red-700">
            <span className="font-medium">No node chosen: </span>
            {choice.problem}
          </span>
        ) : (
          "Nothing to place: the block has no cluster."
        )}
      </p>
      <DataTable
        rows={placementRows(result)}
        columns={COLUMNS}
        rowKey={(n) => n.nodeId}
        testIdPrefix="placement-node-"
        emptyText="The cluster has no nodes."
      />
    </>
  );
}
