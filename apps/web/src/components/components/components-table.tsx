"use client";

import type { TComponentRecord } from "@aios/spec";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { TagList } from "@/components/ui/tag-list";
import { asObject, asString } from "@/lib/doc";
import { formatDateTime } from "@/lib/format";
import { routes } from "@/lib/routes";
import { ModeBadge } from "./mode-badge";

/** Where the component runs from: its container image, or the process entry of the local driver. */
function imageOf(c: TComponentRecord): string | undefined {
  if (c.containerImage) return c.containerImage;
  // examples/components/echo/index.ts -> process · echo/index.ts
  const entry = asString(asObject(c.doc.runtime)?.entry);
  return entry ? `process · ${entry.split("/").slice(-2).join("/")}` : undefined;
}

export function ComponentsTable({ components }: { components: TComponentRecord[] }) {
  const router = useRouter();
  return (
    <Table>
      <THead>
        <tr>
          <Th>URI</Th>
          <Th>Type</Th>
          <Th>Mode</Th>
          <Th>Image</Th>
          <Th>Tags</Th>
          <Th className="text-right">Registered</Th>
        </tr>
      </THead>
      <TBody>
        {components.map((c) => (
          <Tr
            key={c.componentURI}
            interactive
            data-testid={`component-row-${c.componentURI}`}
            onClick={() => router.push(routes.component(c.componentURI))}
          >
            <Td>
              <Link
                href={routes.component(c.componentURI)}
                className="font-mono text-[13px] font-medium text-zinc-900 hover:text-accent-700"
                onClick={(e) => e.stopPropagation()}
              >
                {c.componentURI}
              </Link>
            </Td>
            <Td>{c.componentType}</Td>
            <Td>
              <ModeBadge mode={c.componentMode} />
            </Td>
            <Td className="max-w-72 truncate font-mono text-xs text-zinc-500" title={imageOf(c)}>
              {imageOf(c) ?? "—"}
            </Td>
            <Td>
              <TagList tags={c.tags} />
            </Td>
            <Td className="whitespace-nowrap text-right text-xs text-zinc-500">
              {formatDateTime(c.createdAt)}
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}

export function matchesFilter(c: TComponentRecord, text: string): boolean {
  const q = text.trim().toLowerCase();
  if (!q) return true;
  const haystack = [c.componentURI, c.componentType, c.componentMode, c.containerImage ?? "", ...c.tags];
  return haystack.some((s) => s.toLowerCase().includes(q));
}
