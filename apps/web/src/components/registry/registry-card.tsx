"use client";

import type { ReactNode } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { RegistryTable, type RegistryTableProps } from "./registry-table";

export type RegistryCardProps<T> = RegistryTableProps<T> & {
  title: string;
  /** Singular noun of the count in the header ("3 blocks"), unless `countLabel` says otherwise. */
  noun: string;
  countLabel?: (count: number) => string;
  /** Header controls, such as a filter. */
  actions?: ReactNode;
  /** The rows shown when they are one page of more ("blocks 51–100" in the header instead of a count). */
  range?: { from: number; to: number } | undefined;
  /** Under the table, such as a pager. */
  footer?: ReactNode;
};

/** A card holding one list query: title and count in the header, the table underneath. */
export function RegistryCard<T>({
  title,
  noun,
  countLabel,
  actions,
  range,
  footer,
  ...table
}: RegistryCardProps<T>) {
  const n = table.query.data?.length;
  const label = countLabel ?? ((c: number) => `${c} ${noun}${c === 1 ? "" : "s"}`);
  const description = n === undefined ? "Loading…" : range ? `${noun}s ${range.from}–${range.to}` : label(n);
  return (
    <Card className="overflow-hidden">
      <CardHeader title={title} description={description} actions={actions} />
      <RegistryTable {...table} />
      {footer}
    </Card>
  );
}
