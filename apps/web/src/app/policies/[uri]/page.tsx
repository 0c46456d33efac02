"use client";

import { useQuery } from "@tanstack/react-query";
import { policyView } from "@/components/registry/policy-view";
import { RecordDetail } from "@/components/registry/record-detail";
import { useRouteParam } from "@/hooks/use-route-param";
import { useTRPC } from "@/trpc/react";

export default function PolicyPage() {
  const policyRuleURI = useRouteParam("uri");
  const trpc = useTRPC();
  const policy = useQuery(trpc.policies.get.queryOptions({ policyRuleURI }));
  return <RecordDetail back={{ href: "/policies", label: "Policies" }} query={policy} view={policyView} />;
}
