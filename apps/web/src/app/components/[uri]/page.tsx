"use client";

import { useQuery } from "@tanstack/react-query";
import { componentView } from "@/components/components/component-view";
import { RecordDetail } from "@/components/registry/record-detail";
import { useRouteParam } from "@/hooks/use-route-param";
import { useTRPC } from "@/trpc/react";

export default function ComponentPage() {
  const componentURI = useRouteParam("uri");
  const trpc = useTRPC();
  const component = useQuery(trpc.components.get.queryOptions({ componentURI }));
  return (
    <RecordDetail
      back={{ href: "/components", label: "Components" }}
      query={component}
      view={componentView}
    />
  );
}
