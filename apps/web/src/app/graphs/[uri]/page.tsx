"use client";

import { useQuery } from "@tanstack/react-query";
import { graphView } from "@/components/graphs/graph-view";
import { RecordDetail } from "@/components/registry/record-detail";
import { useRouteParam } from "@/hooks/use-route-param";
import { useTRPC } from "@/trpc/react";

export default function GraphPage() {
  const graphURI = useRouteParam("uri");
  const trpc = useTRPC();
  // A graph version never changes; its functions' status is polled by the drawing.
  const graph = useQuery(trpc.graphs.get.queryOptions({ graphURI }, { staleTime: 60_000 }));
  return <RecordDetail back={{ href: "/graphs", label: "Graphs" }} query={graph} view={graphView} />;
}
