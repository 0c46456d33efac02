"use client";

import type { TBlockRecord } from "@aios/spec";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { StatusBadge } from "@/components/ui/badge";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import { routes } from "@/lib/routes";

export function BlocksTable({ blocks }: { blocks: TBlockRecord[] }) {
  const router = useRouter();
  return (
    <Table>
      <THead>
        <tr>
          <Th>Block</Th>
          <Th>Component</Th>
          <Th>Cluster</Th>
          <Th>Status</Th>
          <Th className="text-right">Min / max instances</Th>
          <Th className="text-right">Created</Th>
        </tr>
      </THead>
      <TBody>
        {blocks.map((b) => (
          <Tr
            key={b.id}
            interactive
            data-testid={`block-row-${b.id}`}
            onClick={() => router.push(routes.block(b.id))}
          >
            <Td className="font-mono text-[13px] font-medium text-zinc-900">{b.id}</Td>
            <Td className="font-mono text-xs">
              <Link
                href={routes.component(b.componentURI)}
                className="text-accent-700 hover:underline"
                onClick={(e) => e.stopPropagation()}
              >
                {b.componentURI}
              </Link>
            </Td>
            <Td className="font-mono text-xs">
              {b.clusterId ? (
                <Link
                  href={routes.cluster(b.clusterId)}
                  className="text-accent-700 hover:underline"
                  onClick={(e) => e.stopPropagation()}
                >
                  {b.clusterId}
                </Link>
              ) : (
                <span className="text-zinc-400">unplaced</span>
              )}
            </Td>
            <Td>
              <StatusBadge status={b.status} />
            </Td>
            <Td className="text-right tabular-nums">
              {b.minInstances} / {b.maxInstances}
            </Td>
            <Td className="whitespace-nowrap text-right text-xs text-zinc-500">
              {formatDateTime(b.createdAt)}
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
