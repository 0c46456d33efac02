"use client";

import type { TBlockRecord, TPolicyRecord, TVdagRecord } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTRPC } from "@/trpc/react";

/** What nodes can be made of and what their fields can name: blocks, vDAGs, policies by kind. */
export interface Catalog {
  blocks: TBlockRecord[];
  vdags: TVdagRecord[];
  policiesByKind: Map<string, TPolicyRecord[]>;
  loading: boolean;
  error: string | null;
  retry: () => void;
}

export function useCatalog(): Catalog {
  const trpc = useTRPC();
  const blocks = useQuery(trpc.blocks.list.queryOptions({ limit: 1000 }, { refetchInterval: 10_000 }));
  const vdags = useQuery(trpc.vdags.list.queryOptions({ limit: 1000 }, { refetchInterval: 10_000 }));
  const policies = useQuery(trpc.policies.list.queryOptions({ limit: 1000 }));
  const policiesByKind = useMemo(() => {
    const m = new Map<string, TPolicyRecord[]>();
    for (const p of policies.data ?? []) m.set(p.kind, [...(m.get(p.kind) ?? []), p]);
    return m;
  }, [policies.data]);
  const failed = [blocks, vdags, policies].find((q) => q.isError && q.data === undefined);
  const error = failed?.error?.message ?? null;
  const loading = blocks.isPending || vdags.isPending || policies.isPending;
  const { refetch: b } = blocks;
  const { refetch: v } = vdags;
  const { refetch: p } = policies;
  // One object per change of the data, so memoised panels skip renders while nodes are dragged.
  return useMemo(
    () => ({
      blocks: (blocks.data ?? []).filter((x) => x.status !== "removed"),
      vdags: (vdags.data ?? []).filter((x) => x.status !== "removed"),
      policiesByKind,
      loading,
      error,
      retry: () => {
        void b();
        void v();
        void p();
      },
    }),
    [blocks.data, vdags.data, policiesByKind, loading, error, b, v, p],
  );
}
