import { Badge, StatusBadge, StatusWithReason } from "@/components/ui/badge";
import { CELL, type Column } from "@/components/ui/data-table";
import { RecordLink } from "@/components/ui/record-link";
import { TagList } from "@/components/ui/tag-list";
import { formatDateTime } from "@/lib/format";
import { routes } from "@/lib/routes";

/** Columns several registry tables share. */

export function keyColumn<T>(header: string, key: (row: T) => string): Column<T> {
  return { header, cell: key, className: CELL.key };
}

export function dateColumn<T>(header: string, date: (row: T) => string | null): Column<T> {
  return { header, cell: (r) => formatDateTime(date(r)), className: CELL.date };
}

/** The status badge; given `reason`, why the record has it as a muted second line. */
export function statusColumn<T extends { status: string }>(reason?: (row: T) => string | null): Column<T> {
  return {
    header: "Status",
    cell: (r) =>
      reason ? <StatusWithReason status={r.status} reason={reason(r)} /> : <StatusBadge status={r.status} />,
  };
}

export function tagsColumn<T extends { tags: string[] }>(): Column<T> {
  return { header: "Tags", cell: (r) => <TagList tags={r.tags} /> };
}

export function kindColumn<T extends { kind: string }>(): Column<T> {
  return {
    header: "Kind",
    cell: (r) => (
      <Badge tone="accent" className="font-mono">
        {r.kind}
      </Badge>
    ),
  };
}

/** A link to another record, e.g. a block's component. */
export function linkColumn<T>(
  header: string,
  key: (row: T) => string,
  href: (key: string) => string,
): Column<T> {
  return {
    header,
    className: CELL.mono,
    cell: (r) => <RecordLink href={href(key(r))}>{key(r)}</RecordLink>,
  };
}

export function clusterColumn<T extends { clusterId: string | null }>(): Column<T> {
  return {
    header: "Cluster",
    className: CELL.mono,
    cell: (r) =>
      r.clusterId ? (
        <RecordLink href={routes.cluster(r.clusterId)}>{r.clusterId}</RecordLink>
      ) : (
        <span className="text-zinc-400">unplaced</span>
      ),
  };
}
