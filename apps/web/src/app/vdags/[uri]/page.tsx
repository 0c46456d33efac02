"use client";

import { useQuery } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { Page } from "@/components/layout/page";
import { RecordDetail } from "@/components/registry/record-detail";
import { BackLink } from "@/components/ui/back-link";
import { StatusBadge } from "@/components/ui/badge";
import { DetailSkeleton } from "@/components/ui/detail-skeleton";
import { QueryView } from "@/components/ui/query-view";
import { formatDateTime } from "@/lib/format";
import { decodeParam } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

export default function VdagPage() {
  const vdagURI = decodeParam(useParams<{ uri: string }>().uri);
  const trpc = useTRPC();
  const vdag = useQuery(trpc.vdags.get.queryOptions({ vdagURI }, { refetchInterval: 10_000 }));
  return (
    <Page>
      <BackLink href="/vdags" label="vDAGs" />
      <QueryView query={vdag} skeleton={<DetailSkeleton />}>
        {(v) => (
          <RecordDetail
            title={v.vdagURI}
            subtitle="vDAG"
            actions={<StatusBadge status={v.status} />}
            docTitle="The createvDAG values as submitted"
            doc={v.doc}
            fields={[
              { label: "Name", value: v.vdagName },
              { label: "Version", value: `${v.version} (${v.releaseTag})`, mono: true },
              { label: "Created", value: formatDateTime(v.createdAt) },
              { label: "Updated", value: formatDateTime(v.updatedAt) },
            ]}
          />
        )}
      </QueryView>
    </Page>
  );
}
