"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { QueryView } from "@/components/ui/query-view";

/** A card holding one list query: count in the header, then the caller's empty state or table. */
export function ListCard<T, E = unknown>({
  title,
  noun,
  query,
  empty,
  children,
}: {
  title: string;
  noun: string;
  query: UseQueryResult<T[], E>;
  empty: ReactNode;
  children: (rows: T[]) => ReactNode;
}) {
  return (
    <Card className="overflow-hidden">
      <CardHeader
        title={title}
        description={
          query.data ? `${query.data.length} ${noun}${query.data.length === 1 ? "" : "s"}` : "Loading…"
        }
      />
      <QueryView query={query}>{(rows) => (rows.length === 0 ? empty : children(rows))}</QueryView>
    </Card>
  );
}
