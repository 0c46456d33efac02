import { CELL, DataTable } from "@/components/ui/data-table";
import { companionRows } from "./companion-rows";

/** The init containers and side-cars of a component's instances. */
export function CompanionsTable({ runtime }: { runtime: unknown }) {
  return (
    <DataTable
      rows={companionRows(runtime)}
      rowKey={(c) => `${c.kind}:${c.name}`}
      emptyText="No init containers or side-cars."
      testId="instance-companions"
      columns={[
        { header: "Name", cell: (c) => c.name, className: CELL.key },
        { header: "Runs", cell: (c) => c.kind, className: CELL.text },
        { header: "Program", cell: (c) => `${c.program}${c.args ? ` ${c.args}` : ""}`, className: CELL.mono },
        { header: "Ports", cell: (c) => c.ports || "—", className: CELL.muted },
        { header: "Variables", cell: (c) => c.env || "—", className: CELL.muted },
      ]}
    />
  );
}
