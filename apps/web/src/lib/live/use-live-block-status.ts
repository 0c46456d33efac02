"use client";

import type { TBlockRecord } from "@aios/contracts";
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useRef, useState } from "react";
import { useTRPC } from "@/trpc/react";
import { type BlockStatusEvent, patchBlock, patchBlockList } from "./block-status";

/** Whether the page hears changes as they happen (`live`), is (re)connecting, or only polls. */
export type LiveState = "connecting" | "live" | "offline";

/**
 * Polling interval for a query whose changes the stream also announces: slow while live (the
 * stream carries status; the poll catches everything else), `fallback` otherwise.
 */
export function pollInterval(state: LiveState, fallback: number, whileLive = 15_000): number {
  return state === "live" ? Math.max(fallback, whileLive) : fallback;
}

type Trpc = ReturnType<typeof useTRPC>;

/** Shows the change at once in every cached block query, then refetches what it does not carry. */
function applyEvent(queryClient: QueryClient, trpc: Trpc, e: BlockStatusEvent) {
  queryClient.setQueriesData<TBlockRecord[]>({ queryKey: trpc.blocks.list.pathKey() }, (old) =>
    old ? patchBlockList(old, e) : old,
  );
  const one = trpc.blocks.get.queryKey({ id: e.blockId });
  queryClient.setQueryData(one, (old) => (old ? patchBlock(old, e) : old));
  // Status history, instances and list membership (a removed block leaves the list) come from the API.
  void queryClient.invalidateQueries({ queryKey: one });
  void queryClient.invalidateQueries({ queryKey: trpc.blocks.instances.queryKey({ id: e.blockId }) });
  void queryClient.invalidateQueries({ queryKey: trpc.blocks.list.pathKey() });
}

/**
 * Listens to `blocks.onStatus` (SSE through the console's `/trpc` proxy) for one block or all of
 * them and keeps the cached `blocks.list` / `blocks.get` queries in step, so lists, detail pages and
 * the overview change without a reload. `onEvent` sees each change after the caches have it.
 */
export function useLiveBlockStatus(
  opts: { blockId?: string; enabled?: boolean; onEvent?: (e: BlockStatusEvent) => void } = {},
): { state: LiveState; last: BlockStatusEvent | null } {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [last, setLast] = useState<BlockStatusEvent | null>(null);
  const onEvent = useRef(opts.onEvent);
  onEvent.current = opts.onEvent;
  const sub = useSubscription(
    trpc.blocks.onStatus.subscriptionOptions(opts.blockId ? { blockId: opts.blockId } : undefined, {
      enabled: opts.enabled ?? true,
      onData: (tracked) => {
        const e = tracked.data;
        applyEvent(queryClient, trpc, e);
        setLast(e);
        onEvent.current?.(e);
      },
    }),
  );
  const state: LiveState =
    sub.status === "pending" ? "live" : sub.status === "error" ? "offline" : "connecting";
  return { state, last };
}
