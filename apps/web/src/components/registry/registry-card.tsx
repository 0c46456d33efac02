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
};

/** A card holding one list query: title and count in the header, the table underneath. */
export function RegistryCard<T>({ title, noun, countLabel, actions, ...table }: RegistryCardProps<T>) {
  const n = table.query.data?.length;
  const label = countLabel ?? ((c: number) => `${c} ${noun}${c === 1 ? "" : "s"}`);
  return (
    <Card className="overflow-hidden">
      <CardHeader title={title} description={n === undefined ? "Loading…" : label(n)} actions={actions} />
      <RegistryTable {...table} />
    </Card>
  );
}
