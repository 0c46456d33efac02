"use client";

import { useQuery } from "@tanstack/react-query";
import { Plus, ShieldCheck } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { FunctionsCard } from "@/components/registry/functions-card";
import { POLICY_TABLE } from "@/components/registry/policy-table";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { buttonVariants } from "@/components/ui/button";
import { SelectFilter } from "@/components/ui/select-filter";
import { CLI } from "@/lib/cli";
import { EXAMPLE_POLICY } from "@/lib/examples";
import { policyRoutes } from "@/lib/policy/routes";
import { useTRPC } from "@/trpc/react";

export default function PoliciesPage() {
  const trpc = useTRPC();
  const options = trpc.policies.list.queryOptions({ limit: 1000 });
  // The same query as the table's (one request): the filter offers the kinds present.
  const rows = useQuery(options).data ?? [];
  const kinds = [...new Set(rows.map((p) => p.kind))].sort();
  const [kind, setKind] = useState("");
  return (
    <RegistryListPage
      title="Policies"
      description="Policy rules (allocation, scaling, pre-checks and more) and the functions deployed from them."
      listTitle="Policy rules"
      noun="policy rule"
      actions={
        <>
          <SelectFilter
            label="Filter by kind"
            value={kind}
            onChange={setKind}
            options={kinds}
            allLabel="All kinds"
            testId="policy-kind-filter"
          />
          <Link
            href={policyRoutes.create(kinds.find((k) => k === kind))}
            className={buttonVariants({ variant: "primary" })}
            data-testid="new-policy"
          >
            <Plus />
            New policy
          </Link>
        </>
      }
      queryOptions={options}
      table={POLICY_TABLE}
      filter={{
        match: (p) => kind === "" || p.kind === kind,
        title: "No policy rule of this kind",
        description: `No stored policy rule has kind ${kind}.`,
      }}
      empty={{
        icon: ShieldCheck,
        title: "No policy rules yet",
        description: "Store a policy rule with a createPolicy document:",
        command: CLI.applyPolicy,
        example: EXAMPLE_POLICY,
        exampleFile: "policy.json",
      }}
    >
      <FunctionsCard />
    </RegistryListPage>
  );
}
