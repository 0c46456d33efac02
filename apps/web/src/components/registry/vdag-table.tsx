import type { TVdagRecord } from "@aios/contracts";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { TagList } from "@/components/ui/tag-list";
import { asString } from "@/lib/doc";
import { routes } from "@/lib/routes";
import { dateColumn, keyColumn, statusColumn } from "./columns";

const nodeCount = (v: TVdagRecord) => (Array.isArray(v.doc.nodes) ? v.doc.nodes.length : 0);
const tagsOf = (v: TVdagRecord) =>
  Array.isArray(v.doc.discoveryTags)
    ? v.doc.discoveryTags.filter((t): t is string => typeof t === "string")
    : [];

export const VDAG_TABLE: TableSpec<TVdagRecord> = {
  rowKey: (v) => v.vdagURI,
  rowHref: (v) => routes.vdag(v.vdagURI),
  testIdPrefix: "vdag-row-",
  columns: [
    keyColumn("URI", (v) => v.vdagURI),
    statusColumn((v) => asString(v.doc.statusReason) ?? null),
    { header: "Nodes", cell: nodeCount, className: CELL.number, testId: "vdag-nodes" },
    { header: "Tags", cell: (v) => <TagList tags={tagsOf(v)} /> },
    dateColumn("Created", (v) => v.createdAt),
  ],
};
