import type { TSpecStoreRecord } from "@aios/contracts";
import Link from "next/link";
import { dateColumn, tagsColumn } from "@/components/registry/columns";
import { Badge } from "@/components/ui/badge";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { routes } from "@/lib/routes";
import { doesOf, isTemplated } from "@/lib/specs/spec-format";

/** What applying it does: the Parser's action, or the template that expands it. */
export function SpecDoes({ spec }: { spec: TSpecStoreRecord }) {
  return (
    <Badge tone={isTemplated(spec) ? "accent" : "neutral"} className="font-mono">
      {doesOf(spec)}
    </Badge>
  );
}

export const SPEC_TABLE: TableSpec<TSpecStoreRecord> = {
  rowKey: (s) => s.specURI,
  rowHref: (s) => routes.spec(s.specURI),
  testIdPrefix: "spec-row-",
  columns: [
    {
      header: "URI",
      cell: (s) => (
        <Link href={routes.spec(s.specURI)} className={`${CELL.key} hover:text-accent-700`}>
          {s.specURI}
        </Link>
      ),
    },
    { header: "Applies", cell: (s) => <SpecDoes spec={s} />, testId: "spec-does" },
    { header: "Description", className: CELL.text, cell: (s) => s.description ?? "" },
    tagsColumn(),
    dateColumn("Created", (s) => s.createdAt),
  ],
};
