"use client";

import { useQuery } from "@tanstack/react-query";
import { assetView } from "@/components/assets/asset-view";
import { RecordDetail } from "@/components/registry/record-detail";
import { useRouteParam } from "@/hooks/use-route-param";
import { useTRPC } from "@/trpc/react";

export default function AssetPage() {
  const assetURI = useRouteParam("uri");
  const trpc = useTRPC();
  const asset = useQuery(trpc.assets.get.queryOptions({ assetURI }));
  return <RecordDetail back={{ href: "/assets", label: "Assets" }} query={asset} view={assetView} />;
}
