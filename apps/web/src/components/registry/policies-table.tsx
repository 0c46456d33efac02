"use client";

import type { TPolicyRecord } from "@aios/spec";
import { useRouter } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { TagList } from "@/components/ui/tag-list";
import { formatDateTime } from "@/lib/format";
import { routes } from "@/lib/routes";

export function PolicyRulesTable({ policies }: { policies: TPolicyRecord[] }) {
  const router = useRouter();
  return (
    <Table>
      <THead>
        <tr>
          <Th>URI</Th>
          <Th>Kind</Th>
          <Th>Description</Th>
          <Th>Tags</Th>
          <Th className="text-right">Created</Th>
        </tr>
      </THead>
      <TBody>
        {policies.map((p) => (
          <Tr
            key={p.policyRuleURI}
            interactive
            data-testid={`policy-row-${p.policyRuleURI}`}
            onClick={() => router.push(routes.policy(p.policyRuleURI))}
          >
            <Td className="font-mono text-[13px] font-medium text-zinc-900">{p.policyRuleURI}</Td>
            <Td>
              <Badge tone="accent" className="font-mono">
                {p.kind}
              </Badge>
            </Td>
            <Td className="max-w-80 truncate text-zinc-600" title={p.description ?? undefined}>
              {p.description ?? "—"}
            </Td>
            <Td>
              <TagList tags={p.tags} />
            </Td>
            <Td className="whitespace-nowrap text-right text-xs text-zinc-500">
              {formatDateTime(p.createdAt)}
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
