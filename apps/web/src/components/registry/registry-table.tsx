"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import { SearchX } from "lucide-react";
import { DataTable, type TableSpec } from "@/components/ui/data-table";
import { EmptyState, type EmptyStateProps } from "@/components/ui/empty-state";
import { QueryView } from "@/components/ui/query-view";

export type RegistryTableProps<T> = {
  table: TableSpec<T>;
  query: UseQueryResult<T[], unknown>;
  /** Shown when the query returns no rows at all. */
  empty: EmptyStateProps;
  /** A client-side filter; when it leaves nothing, a "no match" state says so. */
  filter?: { match: (row: T) => boolean; title: string; description: string };
};

/** One list query as a table: loading skeleton, error with retry, empty state, no-match state, rows. */
export function RegistryTable<T>({ table, query, empty, filter }: RegistryTableProps<T>) {
  return (
    <QueryView query={query}>
      {(rows) => {
        if (rows.length === 0) return <EmptyState {...empty} />;
        const shown = filter ? rows.filter(filter.match) : rows;
        if (shown.length === 0 && filter) {
          return <EmptyState icon={SearchX} title={filter.title} description={filter.description} />;
        }
        return <DataTable rows={shown} {...table} />;
      }}
    </QueryView>
  );
}
