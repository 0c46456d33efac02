import Link from "next/link";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { asObject, asString } from "@/lib/doc";
import { routes } from "@/lib/routes";

/** A spec's `policies`: name -> {policyRuleURI, parameters, settings}. */
export function PoliciesTable({ policies }: { policies: unknown }) {
  const entries = Object.entries(asObject(policies) ?? {});
  if (entries.length === 0) return <p className="px-5 py-4 text-sm text-zinc-400">No policies attached.</p>;
  return (
    <Table>
      <THead>
        <tr>
          <Th>Name</Th>
          <Th>Policy rule</Th>
          <Th>Parameters</Th>
        </tr>
      </THead>
      <TBody>
        {entries.map(([name, raw]) => {
          const p = asObject(raw) ?? {};
          const uri = asString(p.policyRuleURI);
          return (
            <Tr key={name}>
              <Td className="font-mono text-[13px] font-medium text-zinc-900">{name}</Td>
              <Td className="font-mono text-xs">
                {uri ? (
                  <Link href={routes.policy(uri)} className="text-accent-700 hover:underline">
                    {uri}
                  </Link>
                ) : (
                  "—"
                )}
              </Td>
              <Td className="font-mono text-xs text-zinc-500">
                {p.parameters ? JSON.stringify(p.parameters) : "—"}
              </Td>
            </Tr>
          );
        })}
      </TBody>
    </Table>
  );
}
