"use client";

import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { Table, TBody, Td, THead, Th, Tr } from "./table";

/** One column of a `DataTable`: its header, how a row renders in it, and classes for both cells. */
export interface Column<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  className?: string;
  /** Classes of the header cell only (defaults to the alignment classes of `className`). */
  headerClassName?: string;
  /** The cell's `title` (full text of a truncated value). */
  title?: (row: T) => string | undefined;
  testId?: string;
}

/** Shorthand cell styles shared by the console's tables. */
export const CELL = {
  key: "font-mono text-[13px] font-medium text-zinc-900",
  mono: "font-mono text-xs",
  muted: "font-mono text-xs text-zinc-500",
  text: "text-zinc-600",
  date: "whitespace-nowrap text-right text-xs text-zinc-500",
  number: "text-right tabular-nums",
} as const;

const alignOf = (className?: string) => (className?.includes("text-right") ? "text-right" : undefined);

/**
 * A table of `rows` described by `columns`. With `rowHref` rows are clickable (a click on a link
 * inside a cell still follows that link); `testIdPrefix` gives each row `data-testid=<prefix><key>`.
 */
/** What describes one kind of table: its columns, row keys, row links and row test ids. */
export type TableSpec<T> = Pick<DataTableProps<T>, "columns" | "rowKey" | "rowHref" | "testIdPrefix">;

export interface DataTableProps<T> {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  rowHref?: (row: T) => string;
  testIdPrefix?: string;
  testId?: string;
  /** Shown instead of the table when there are no rows. */
  emptyText?: string;
}

export function DataTable<T>({
  rows,
  columns,
  rowKey,
  rowHref,
  testIdPrefix,
  testId,
  emptyText,
}: DataTableProps<T>) {
  const router = useRouter();
  if (rows.length === 0 && emptyText) return <p className="px-5 py-4 text-sm text-zinc-400">{emptyText}</p>;
  return (
    <Table data-testid={testId}>
      <THead>
        <tr>
          {columns.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are static
            <Th key={i} className={c.headerClassName ?? alignOf(c.className)}>
              {c.header}
            </Th>
          ))}
        </tr>
      </THead>
      <TBody>
        {rows.map((row) => {
          const key = rowKey(row);
          const href = rowHref?.(row);
          return (
            <Tr
              key={key}
              interactive={href !== undefined}
              data-testid={testIdPrefix ? `${testIdPrefix}${key}` : undefined}
              onClick={
                href === undefined
                  ? undefined
                  : (e) => {
                      if (!(e.target as HTMLElement).closest("a")) router.push(href);
                    }
              }
            >
              {columns.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are static
                <Td key={i} className={c.className} title={c.title?.(row)} data-testid={c.testId}>
                  {c.cell(row)}
                </Td>
              ))}
            </Tr>
          );
        })}
      </TBody>
    </Table>
  );
}
