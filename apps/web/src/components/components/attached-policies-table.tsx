import { CELL, DataTable } from "@/components/ui/data-table";
import { RecordLink } from "@/components/ui/record-link";
import { asObject, asString } from "@/lib/doc";
import { routes } from "@/lib/routes";

/** A spec's `policies`: name -> {policyRuleURI, parameters, settings}. */
export function AttachedPoliciesTable({ policies }: { policies: unknown }) {
  const rows = Object.entries(asObject(policies) ?? {}).map(([name, raw]) => {
    const p = asObject(raw) ?? {};
    return { name, uri: asString(p.policyRuleURI), parameters: p.parameters };
  });
  return (
    <DataTable
      rows={rows}
      rowKey={(p) => p.name}
      emptyText="No policies attached."
      columns={[
        { header: "Name", cell: (p) => p.name, className: CELL.key },
        {
          header: "Policy rule",
          className: CELL.mono,
          cell: (p) => (p.uri ? <RecordLink href={routes.policy(p.uri)}>{p.uri}</RecordLink> : "—"),
        },
        {
          header: "Parameters",
          className: CELL.muted,
          cell: (p) => (p.parameters ? JSON.stringify(p.parameters) : "—"),
        },
      ]}
    />
  );
}
