"use client";

import { useQuery } from "@tanstack/react-query";
import { RecordDetail } from "@/components/registry/record-detail";
import { useRouteParam } from "@/hooks/use-route-param";
import type { PublicEndpoints } from "@/lib/env";
import { useLiveVdagStatus } from "@/lib/live/use-live-vdag-status";
import { useTRPC } from "@/trpc/react";
import { vdagView } from "./vdag-view";

/** `/vdags/[uri]`: the vDAG (`vdags.get`) and its view. */
export function VdagPage({ endpoints }: { endpoints: PublicEndpoints }) {
  const vdagURI = useRouteParam("uri");
  const trpc = useTRPC();
  useLiveVdagStatus(vdagURI);
  // The stream announces status changes; the poll catches the rest (health reason, history).
  const vdag = useQuery(trpc.vdags.get.queryOptions({ vdagURI }, { refetchInterval: 10_000 }));
  return <RecordDetail back={{ href: "/vdags", label: "vDAGs" }} query={vdag} view={vdagView(endpoints)} />;
}
