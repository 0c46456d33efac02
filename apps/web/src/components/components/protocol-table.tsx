import { Badge } from "@/components/ui/badge";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { protocolRows } from "@/lib/doc";

export function ProtocolTable({ template, testId }: { template: unknown; testId?: string }) {
  const rows = protocolRows(template);
  if (rows.length === 0) return <p className="px-5 py-4 text-sm text-zinc-400">Not declared.</p>;
  return (
    <Table data-testid={testId}>
      <THead>
        <tr>
          <Th>Field</Th>
          <Th>Type</Th>
          <Th>Description</Th>
          <Th>Constraints</Th>
        </tr>
      </THead>
      <TBody>
        {rows.map((r) => (
          <Tr key={r.field}>
            <Td className="font-mono text-[13px] font-medium text-zinc-900">{r.field}</Td>
            <Td>
              <Badge tone="accent" className="font-mono">
                {r.type}
              </Badge>
            </Td>
            <Td className="text-zinc-600">{r.description ?? <span className="text-zinc-400">—</span>}</Td>
            <Td className="font-mono text-xs text-zinc-500">{r.constraints.join(" · ") || "—"}</Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
