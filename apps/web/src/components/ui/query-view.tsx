"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ErrorState } from "./error-state";
import { SkeletonRows } from "./skeleton";

/**
 * The three states every data view has: loading skeleton, error with retry, then data (which the
 * caller renders, including its own empty state).
 */
export function QueryView<T, E = unknown>({
  query,
  skeleton,
  children,
}: {
  query: UseQueryResult<T, E>;
  skeleton?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  // Keep showing the last good data when a background refetch fails; the health indicator says why.
  if (query.data !== undefined) return <>{children(query.data)}</>;
  if (query.isError) {
    return (
      <ErrorState error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />
    );
  }
  return <>{skeleton ?? <SkeletonRows />}</>;
}
