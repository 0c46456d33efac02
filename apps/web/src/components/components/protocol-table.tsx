import { Badge } from "@/components/ui/badge";
import { CELL, DataTable } from "@/components/ui/data-table";
import { protocolRows } from "@/lib/doc";

export function ProtocolTable({ template, testId }: { template: unknown; testId?: string }) {
  return (
    <DataTable
      rows={protocolRows(template)}
      rowKey={(r) => r.field}
      emptyText="Not declared."
      testId={testId}
      columns={[
        { header: "Field", cell: (r) => r.field, className: CELL.key },
        {
          header: "Type",
          cell: (r) => (
            <Badge tone="accent" className="font-mono">
              {r.type}
            </Badge>
          ),
        },
        {
          header: "Description",
          className: CELL.text,
          cell: (r) => r.description ?? <span className="text-zinc-400">—</span>,
        },
        { header: "Constraints", className: CELL.muted, cell: (r) => r.constraints.join(" · ") || "—" },
      ]}
    />
  );
}
