"use client";

import type { TVdagRecord } from "@aios/spec";
import { useRouter } from "next/navigation";
import { StatusBadge } from "@/components/ui/badge";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import { routes } from "@/lib/routes";

export function VdagsTable({ vdags }: { vdags: TVdagRecord[] }) {
  const router = useRouter();
  return (
    <Table>
      <THead>
        <tr>
          <Th>URI</Th>
          <Th>Name</Th>
          <Th>Status</Th>
          <Th className="text-right">Created</Th>
        </tr>
      </THead>
      <TBody>
        {vdags.map((v) => (
          <Tr
            key={v.vdagURI}
            interactive
            data-testid={`vdag-row-${v.vdagURI}`}
            onClick={() => router.push(routes.vdag(v.vdagURI))}
          >
            <Td className="font-mono text-[13px] font-medium text-zinc-900">{v.vdagURI}</Td>
            <Td>{v.vdagName}</Td>
            <Td>
              <StatusBadge status={v.status} />
            </Td>
            <Td className="whitespace-nowrap text-right text-xs text-zinc-500">
              {formatDateTime(v.createdAt)}
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
