"use client";

import { useQuery } from "@tanstack/react-query";
import { RecordDetail } from "@/components/registry/record-detail";
import { vdagView } from "@/components/vdags/detail/vdag-view";
import { useRouteParam } from "@/hooks/use-route-param";
import { useTRPC } from "@/trpc/react";

export default function VdagPage() {
  const vdagURI = useRouteParam("uri");
  const trpc = useTRPC();
  const vdag = useQuery(trpc.vdags.get.queryOptions({ vdagURI }, { refetchInterval: 3_000 }));
  return <RecordDetail back={{ href: "/vdags", label: "vDAGs" }} query={vdag} view={vdagView} />;
}
