"use client";

import { useQuery } from "@tanstack/react-query";
import { Page } from "@/components/layout/page";
import { AuditItemView } from "@/components/quality/audit-item-view";
import { BackLink } from "@/components/ui/back-link";
import { DetailSkeleton } from "@/components/ui/detail-skeleton";
import { QueryView } from "@/components/ui/query-view";
import { useRouteParam } from "@/hooks/use-route-param";
import { useTRPC } from "@/trpc/react";

/** One sample of the manual audit queue: input and output side by side, and the verdict form. */
export default function QualityItemPage() {
  const id = useRouteParam("id");
  const trpc = useTRPC();
  const item = useQuery(trpc.quality.auditItem.queryOptions({ id }));
  return (
    <Page>
      <BackLink href="/quality" label="Quality audit" />
      <QueryView query={item} skeleton={<DetailSkeleton />}>
        {(record) => <AuditItemView item={record} />}
      </QueryView>
    </Page>
  );
}
