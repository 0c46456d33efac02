"use client";

import { useQuery } from "@tanstack/react-query";
import { ShieldCheck } from "lucide-react";
import { Page, PageHeading } from "@/components/layout/page";
import { ListCard } from "@/components/registry/list-card";
import { PolicyRulesTable } from "@/components/registry/policies-table";
import { EmptyState } from "@/components/ui/empty-state";
import { CLI } from "@/lib/cli";
import { EXAMPLE_POLICY } from "@/lib/examples";
import { useTRPC } from "@/trpc/react";

export default function PoliciesPage() {
  const trpc = useTRPC();
  const policies = useQuery(trpc.policies.list.queryOptions({ limit: 1000 }));
  return (
    <Page>
      <PageHeading title="Policies" subtitle="Policy rules: allocation, scaling, pre-checks and more." />
      <ListCard
        title="Policy rules"
        noun="policy rule"
        query={policies}
        empty={
          <EmptyState
            icon={ShieldCheck}
            title="No policy rules yet"
            description="Store a policy rule with a createPolicy document:"
            command={CLI.applyPolicy}
            example={EXAMPLE_POLICY}
            exampleFile="policy.json"
          />
        }
      >
        {(rows) => <PolicyRulesTable policies={rows} />}
      </ListCard>
    </Page>
  );
}
