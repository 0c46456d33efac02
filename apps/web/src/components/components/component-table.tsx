import type { TComponentRecord } from "@aios/contracts";
import Link from "next/link";
import { dateColumn, tagsColumn } from "@/components/registry/columns";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { asObject, asString } from "@/lib/doc";
import { routes } from "@/lib/routes";
import { ModeBadge } from "./mode-badge";

/** Where the component runs from: its container image, or the process entry of the local driver. */
function imageOf(c: TComponentRecord): string | undefined {
  if (c.containerImage) return c.containerImage;
  // examples/components/echo/index.ts -> process · echo/index.ts
  const entry = asString(asObject(c.doc.runtime)?.entry);
  return entry ? `process · ${entry.split("/").slice(-2).join("/")}` : undefined;
}

export const COMPONENT_TABLE: TableSpec<TComponentRecord> = {
  rowKey: (c) => c.componentURI,
  rowHref: (c) => routes.component(c.componentURI),
  testIdPrefix: "component-row-",
  columns: [
    {
      header: "URI",
      cell: (c) => (
        <Link href={routes.component(c.componentURI)} className={`${CELL.key} hover:text-accent-700`}>
          {c.componentURI}
        </Link>
      ),
    },
    { header: "Type", cell: (c) => c.componentType },
    { header: "Mode", cell: (c) => <ModeBadge mode={c.componentMode} /> },
    {
      header: "Image",
      className: `max-w-72 truncate ${CELL.muted}`,
      title: imageOf,
      cell: (c) => imageOf(c) ?? "—",
    },
    tagsColumn(),
    dateColumn("Registered", (c) => c.createdAt),
  ],
};

export function matchesFilter(c: TComponentRecord, text: string): boolean {
  const q = text.trim().toLowerCase();
  if (!q) return true;
  const haystack = [c.componentURI, c.componentType, c.componentMode, c.containerImage ?? "", ...c.tags];
  return haystack.some((s) => s.toLowerCase().includes(q));
}
