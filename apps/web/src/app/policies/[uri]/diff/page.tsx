"use client";

import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { PolicyDiffLoader, PolicyEditorSkeleton } from "@/components/policies/policy-editor-loader";
import { StoredPolicy } from "@/components/policies/stored-policy";
import { useRouteParam } from "@/hooks/use-route-param";

/** `?original=<uri>` picks the version to compare with (default: the one before). */
function Diff() {
  const policyRuleURI = useRouteParam("uri");
  const original = useSearchParams().get("original") ?? undefined;
  return (
    <StoredPolicy policyRuleURI={policyRuleURI} panel={false}>
      {(policy) => <PolicyDiffLoader key={policy.policyRuleURI} policy={policy} original={original} />}
    </StoredPolicy>
  );
}

export default function PolicyDiffPage() {
  return (
    <Suspense fallback={<PolicyEditorSkeleton panel={false} />}>
      <Diff />
    </Suspense>
  );
}
