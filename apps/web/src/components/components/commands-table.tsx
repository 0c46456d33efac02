import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { asObject, asString } from "@/lib/doc";

export function CommandsTable({ commands }: { commands: unknown }) {
  const entries = Object.entries(asObject(commands) ?? {});
  if (entries.length === 0) return <p className="px-5 py-4 text-sm text-zinc-400">No management commands.</p>;
  return (
    <Table>
      <THead>
        <tr>
          <Th>Command</Th>
          <Th>Description</Th>
          <Th>Arguments</Th>
        </tr>
      </THead>
      <TBody>
        {entries.map(([name, raw]) => {
          const c = asObject(raw) ?? {};
          const args = asObject(c.args);
          return (
            <Tr key={name}>
              <Td className="font-mono text-[13px] font-medium text-zinc-900">{name}</Td>
              <Td className="text-zinc-600">{asString(c.description) ?? "—"}</Td>
              <Td className="font-mono text-xs text-zinc-500">
                {args && Object.keys(args).length > 0
                  ? Object.entries(args)
                      .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
                      .join(", ")
                  : "none"}
              </Td>
            </Tr>
          );
        })}
      </TBody>
    </Table>
  );
}
