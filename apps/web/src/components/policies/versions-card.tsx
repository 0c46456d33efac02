"use client";

import type { TPolicyRecord } from "@aios/contracts";
import { GitCompareArrows, History, PencilLine } from "lucide-react";
import Link from "next/link";
import { dateColumn } from "@/components/registry/columns";
import { RegistryCard } from "@/components/registry/registry-card";
import { Badge } from "@/components/ui/badge";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { policyRoutes } from "@/lib/policy/routes";
import { compareVersions } from "@/lib/policy/versions";
import { usePolicyVersions, versionLabel } from "./use-policy-versions";

const ACTION = "inline-flex items-center gap-1 text-xs text-accent-700 hover:underline [&_svg]:size-3.5";

/** Link to the diff of `a` and `b`, the newer one as "modified". */
function diffOf(a: TPolicyRecord, b: TPolicyRecord): string {
  const [newer, older] = compareVersions(a.version, b.version) >= 0 ? [a, b] : [b, a];
  return policyRoutes.diff(newer.policyRuleURI, older.policyRuleURI);
}

function versionsTable(policy: TPolicyRecord): TableSpec<TPolicyRecord> {
  const current = policy.policyRuleURI;
  return {
    rowKey: (p) => p.policyRuleURI,
    rowHref: (p) => policyRoutes.detail(p.policyRuleURI),
    testIdPrefix: "policy-version-",
    columns: [
      {
        header: "Version",
        className: CELL.key,
        cell: (p) => (
          <span className="inline-flex items-center gap-2">
            {versionLabel(p)}
            {p.policyRuleURI === current ? <Badge className="font-sans">this version</Badge> : null}
          </span>
        ),
      },
      {
        header: "Description",
        className: `max-w-80 truncate ${CELL.text}`,
        cell: (p) => p.description ?? "—",
      },
      dateColumn("Created", (p) => p.createdAt),
      {
        header: <span className="sr-only">Actions</span>,
        className: "text-right",
        cell: (p) => (
          <span className="inline-flex gap-3">
            <Link href={policyRoutes.edit(p.policyRuleURI)} className={ACTION}>
              <PencilLine />
              Edit
            </Link>
            {p.policyRuleURI === current ? null : (
              <Link href={diffOf(policy, p)} className={ACTION}>
                <GitCompareArrows />
                Compare
              </Link>
            )}
          </span>
        ),
      },
    ],
  };
}

/** Every version of the policy (`policies.versions`), newest first, with links to edit and compare. */
export function PolicyVersionsCard({ policy }: { policy: TPolicyRecord }) {
  const versions = usePolicyVersions(policy.name);
  return (
    <div data-testid="policy-versions">
      <RegistryCard
        title="Versions"
        noun="version"
        query={versions}
        table={versionsTable(policy)}
        empty={{ icon: History, title: "No versions", description: `No stored version of ${policy.name}.` }}
      />
    </div>
  );
}
