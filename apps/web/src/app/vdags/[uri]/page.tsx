"use client";

import { useQuery } from "@tanstack/react-query";
import { RecordDetail } from "@/components/registry/record-detail";
import { vdagView } from "@/components/vdags/detail/vdag-view";
import { useRouteParam } from "@/hooks/use-route-param";
import { useLiveVdagStatus } from "@/lib/live/use-live-vdag-status";
import { useTRPC } from "@/trpc/react";

export default function VdagPage() {
  const vdagURI = useRouteParam("uri");
  const trpc = useTRPC();
  useLiveVdagStatus(vdagURI);
  // The stream announces status changes; the poll catches the rest (health reason, history).
  const vdag = useQuery(trpc.vdags.get.queryOptions({ vdagURI }, { refetchInterval: 10_000 }));
  return <RecordDetail back={{ href: "/vdags", label: "vDAGs" }} query={vdag} view={vdagView} />;
}
