import type { TQualityAuditItem } from "@aios/contracts";
import Link from "next/link";
import { dateColumn } from "@/components/registry/columns";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { routes } from "@/lib/routes";

/** The quality policy's verdict: passed / failed / none, with its score. */
export function PolicyVerdict({ verdict }: { verdict: TQualityAuditItem["verdict"] }) {
  const label = verdict.passed === null ? "no verdict" : verdict.passed ? "passed" : "failed";
  const tone = verdict.passed === null ? "neutral" : verdict.passed ? "success" : "danger";
  return (
    <Badge tone={tone}>
      {label}
      {verdict.score === null ? "" : ` · ${verdict.score}`}
    </Badge>
  );
}

/** The reviewer's verdict, once recorded. */
export function ReviewerVerdict({ item }: { item: TQualityAuditItem }) {
  if (!item.reviewerVerdict) return <span className="text-zinc-400">—</span>;
  return <Badge tone={item.reviewerVerdict === "pass" ? "success" : "danger"}>{item.reviewerVerdict}</Badge>;
}

export const AUDIT_ITEM_TABLE: TableSpec<TQualityAuditItem> = {
  rowKey: (i) => i.id,
  rowHref: (i) => routes.qualityItem(i.id),
  testIdPrefix: "quality-row-",
  columns: [
    {
      header: "Task",
      cell: (i) => (
        <Link href={routes.qualityItem(i.id)} className={`${CELL.key} hover:text-accent-700`}>
          {i.taskId}
        </Link>
      ),
    },
    { header: "vDAG", className: CELL.mono, cell: (i) => i.vdagURI },
    { header: "Policy", cell: (i) => <PolicyVerdict verdict={i.verdict} /> },
    { header: "Status", cell: (i) => <StatusBadge status={i.status} /> },
    { header: "Review", cell: (i) => <ReviewerVerdict item={i} />, testId: "quality-review" },
    dateColumn("Sampled", (i) => i.sampledAt),
  ],
};
