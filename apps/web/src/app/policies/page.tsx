"use client";

import { POLICY_KINDS } from "@aios/contracts";
import { Plus, SearchX, ShieldCheck } from "lucide-react";
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
  const kinds = [...POLICY_KINDS].sort();
  const [kind, setKind] = useState("");
  const chosen = kinds.find((k) => k === kind);
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
            href={policyRoutes.create(chosen)}
            className={buttonVariants({ variant: "primary" })}
            data-testid="new-policy"
          >
            <Plus />
            New policy
          </Link>
        </>
      }
      // The kind is filtered by the API, page by page.
      pageQuery={(page) => trpc.policies.list.queryOptions({ ...page, ...(chosen ? { kind: chosen } : {}) })}
      pageKey={kind}
      table={POLICY_TABLE}
      empty={
        kind
          ? {
              icon: SearchX,
              title: "No policy rule of this kind",
              description: `No stored policy rule has kind ${kind}.`,
            }
          : {
              icon: ShieldCheck,
              title: "No policy rules yet",
              description: "Store a policy rule with a createPolicy document:",
              command: CLI.applyPolicy,
              example: EXAMPLE_POLICY,
              exampleFile: "policy.json",
            }
      }
    >
      <FunctionsCard />
    </RegistryListPage>
  );
}
