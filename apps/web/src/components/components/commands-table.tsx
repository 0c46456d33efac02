import { CELL, DataTable } from "@/components/ui/data-table";
import { commandRows } from "@/lib/doc";

/** Management commands of a component or policy (either stored form, see `commandRows`). */
export function CommandsTable({ commands }: { commands: unknown }) {
  return (
    <DataTable
      rows={commandRows(commands)}
      rowKey={(c) => c.name}
      emptyText="No management commands."
      testId="management-commands"
      columns={[
        { header: "Command", cell: (c) => c.name, className: CELL.key },
        { header: "Description", cell: (c) => c.description ?? "—", className: CELL.text },
        { header: "Arguments", cell: (c) => c.args, className: CELL.muted },
      ]}
    />
  );
}
