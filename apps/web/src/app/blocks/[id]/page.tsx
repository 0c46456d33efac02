"use client";

import { useQuery } from "@tanstack/react-query";
import { blockView } from "@/components/blocks/block-view";
import { RecordDetail } from "@/components/registry/record-detail";
import { useRouteParam } from "@/hooks/use-route-param";
import { pollInterval, useLiveBlockStatus } from "@/lib/live/use-live-block-status";
import { useTRPC } from "@/trpc/react";

export default function BlockPage() {
  const id = useRouteParam("id");
  const trpc = useTRPC();
  const live = useLiveBlockStatus({ blockId: id });
  const block = useQuery(
    trpc.blocks.get.queryOptions({ id }, { refetchInterval: pollInterval(live.state, 3_000, 10_000) }),
  );
  return (
    <RecordDetail back={{ href: "/blocks", label: "Blocks" }} query={block} view={blockView(live.state)} />
  );
}
