"use client";

import { useQuery } from "@tanstack/react-query";
import { blockView } from "@/components/blocks/block-view";
import { RecordDetail } from "@/components/registry/record-detail";
import { useRouteParam } from "@/hooks/use-route-param";
import { useTRPC } from "@/trpc/react";

export default function BlockPage() {
  const id = useRouteParam("id");
  const trpc = useTRPC();
  const block = useQuery(trpc.blocks.get.queryOptions({ id }, { refetchInterval: 3_000 }));
  return <RecordDetail back={{ href: "/blocks", label: "Blocks" }} query={block} view={blockView} />;
}
