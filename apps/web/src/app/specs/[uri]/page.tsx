"use client";

import { useQuery } from "@tanstack/react-query";
import { RecordDetail } from "@/components/registry/record-detail";
import { specView } from "@/components/specs/spec-view";
import { useRouteParam } from "@/hooks/use-route-param";
import { useTRPC } from "@/trpc/react";

export default function SpecPage() {
  const specURI = useRouteParam("uri");
  const trpc = useTRPC();
  const spec = useQuery(trpc.specs.get.queryOptions({ specURI }));
  return <RecordDetail back={{ href: "/specs", label: "Specs" }} query={spec} view={specView} />;
}
