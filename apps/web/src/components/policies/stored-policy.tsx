"use client";

import type { TPolicyRecord } from "@aios/contracts";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Page } from "@/components/layout/page";
import { BackLink } from "@/components/ui/back-link";
import { ErrorState } from "@/components/ui/error-state";
import { policyRoutes } from "@/lib/policy/routes";
import { useTRPC } from "@/trpc/react";
import { PolicyEditorSkeleton } from "./policy-editor-loader";

/**
 * A stored policy for the editor and diff pages, loaded once (no refetch under the user's edits),
 * with the loading skeleton and the error state (e.g. an unknown URI) around `children`.
 */
export function StoredPolicy({
  policyRuleURI,
  panel = true,
  children,
}: {
  policyRuleURI: string;
  panel?: boolean;
  children: (policy: TPolicyRecord) => ReactNode;
}) {
  const trpc = useTRPC();
  const policy = useQuery(
    trpc.policies.get.queryOptions(
      { policyRuleURI },
      { staleTime: Number.POSITIVE_INFINITY, refetchOnWindowFocus: false },
    ),
  );
  if (policy.data) return <>{children(policy.data)}</>;
  if (policy.isError) {
    return (
      <Page>
        <BackLink href={policyRoutes.detail(policyRuleURI)} label="Policy" />
        <ErrorState
          title="Could not load this policy"
          error={policy.error}
          onRetry={() => void policy.refetch()}
          retrying={policy.isFetching}
        />
      </Page>
    );
  }
  return <PolicyEditorSkeleton panel={panel} />;
}
