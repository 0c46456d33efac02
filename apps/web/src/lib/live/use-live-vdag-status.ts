"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "@/trpc/react";

/**
 * Listens to `vdags.onStatus` (SSE) for one vDAG or all of them and refetches the cached vDAG
 * queries on each change, so a vDAG turning active, unhealthy or removed shows without a reload.
 */
export function useLiveVdagStatus(vdagURI?: string): void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useSubscription(
    trpc.vdags.onStatus.subscriptionOptions(vdagURI ? { vdagURI } : undefined, {
      onData: (tracked) => {
        void queryClient.invalidateQueries({
          queryKey: trpc.vdags.get.queryKey({ vdagURI: tracked.data.vdagURI }),
        });
        void queryClient.invalidateQueries({ queryKey: trpc.vdags.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.vdags.controllers.pathKey() });
      },
    }),
  );
}
