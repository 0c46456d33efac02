"use client";

import { useQuery } from "@tanstack/react-query";
import { RecordDetail } from "@/components/registry/record-detail";
import { useRouteParam } from "@/hooks/use-route-param";
import type { PublicEndpoints } from "@/lib/env";
import { pollInterval, useLiveBlockStatus } from "@/lib/live/use-live-block-status";
import { useTRPC } from "@/trpc/react";
import { blockView } from "./block-view";

/** `/blocks/[id]`: the block (`blocks.get`, polled slower while its status streams) and its view. */
export function BlockPage({ endpoints }: { endpoints: PublicEndpoints }) {
  const id = useRouteParam("id");
  const trpc = useTRPC();
  const live = useLiveBlockStatus({ blockId: id });
  const block = useQuery(
    trpc.blocks.get.queryOptions({ id }, { refetchInterval: pollInterval(live.state, 3_000, 10_000) }),
  );
  return (
    <RecordDetail
      back={{ href: "/blocks", label: "Blocks" }}
      query={block}
      view={blockView(live.state, endpoints)}
    />
  );
}
